"""The journey suite over WhatsApp: every journey the engine plays, played again by a person
writing to the association's WhatsApp number (SQLite and PostgreSQL).

Each step is Meta's signed webhook POST, built by the fake Cloud API's builders and sent to
the real webhook route in this process (httpx's ASGI transport: no server, no port). The
engine's replies wait in the outbox; the real dispatcher sends them through the real
`WhatsAppSender` (rendering, the 24-hour window) to the fake, and what the fake received
is what the person saw: a text's or an interactive message's body, the reply buttons'
titles, a list's rows (title and description), and a press picks among those.

A step also fails when Meta would not have taken all of it: the webhook answered other
than 200, the Cloud API refused a call, a message would fail for a closed window, or a
reply the engine queued stayed unsent.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy import select

from bot.channels.whatsapp.api import CloudApi
from bot.channels.whatsapp.sender import WhatsAppSender
from bot.channels.whatsapp.services import CHANNEL, WhatsAppServices
from bot.channels.whatsapp.templates import Templates
from bot.channels.whatsapp.webhook import SIGNATURE_HEADER, WEBHOOK_PATH, webhook_router
from bot.config import Settings
from bot.i18n import speaking
from faq.digits import with_digits
from handlers.clock import FixedClock
from handlers.engine import Engine
from handlers.windows import ServiceWindow
from scheduler.dispatcher import Dispatcher, Limits
from storage.db import Database
from storage.models import Conversation, OutboxMessage
from tests.fakes.whatsapp import FakeWhatsApp, SentMessage, signature
from tests.fakes.whatsapp.wire import JsonDict, webhook_body
from tests.journeys.conftest import build_engine, catalog, faq_for, org_name
from tests.journeys.journeys import Journey, NoSuchButton, Seen, Step, load_all, pick_button
from tests.journeys.test_journeys import FILES, play, stored_in_clear

JOURNEYS = load_all()
VERIFY_TOKEN = "journeys-verify"
# The replies of a turn go out back to back; production spaces them by a second.
UNPACED = Limits(per_chat_interval=0.0, per_second=10**6)
# More dispatch rounds than any turn has replies (each round sends each chat's next one).
MAX_ROUNDS = 50
# Each journey writes from a number of its own, so none reads another's replies.
_numbers = itertools.count(7_000_001)
# Someone else's card, for `contact: foreign`.
FOREIGN_PHONE, FOREIGN_WA_ID = "+966 50 987 6543", "966509876543"


@dataclass(frozen=True)
class Cloud:
    """What every WhatsApp journey of the module shares: the fake, the Cloud API client,
    the webhook's app and a client that posts to it in-process."""

    wa: FakeWhatsApp
    api: CloudApi
    app: FastAPI
    client: httpx.AsyncClient


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def cloud(whatsapp_fake: FakeWhatsApp) -> AsyncIterator[Cloud]:
    wa = whatsapp_fake
    api = CloudApi(wa.base_url, wa.phone_number_id, wa.token)
    app = FastAPI()
    app.include_router(webhook_router(wa.app_secret, VERIFY_TOKEN, catalog.t))
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://tawasul") as client:
            yield Cloud(wa, api, app, client)
    finally:
        await api.close()


@dataclass(frozen=True)
class Option:
    """A reply button or a list's row, as WhatsApp draws it."""

    id: str
    title: str
    description: str | None = None

    @property
    def shown(self) -> str:
        return self.title if self.description is None else f"{self.title} {self.description}"


def offered(message: SentMessage) -> list[Option]:
    """The options a message offers, in order; [] for a text or a template."""
    interactive = message.payload.get("interactive") or {}
    action = interactive.get("action") or {}
    if interactive.get("type") == "button":
        return [Option(b["reply"]["id"], b["reply"]["title"]) for b in action["buttons"]]
    rows = [row for section in action.get("sections") or [] for row in section["rows"]]
    return [Option(r["id"], r["title"], r.get("description")) for r in rows]


def seen(message: SentMessage) -> Seen:
    return Seen(message.text, tuple(option.shown for option in offered(message)))


def new_number(needles: Sequence[str]) -> str:
    """A Saudi mobile as WhatsApp writes it, holding none of the journey's never_stored
    strings: the number is the chat's address, stored in clear by design."""
    while True:
        wa_id = f"96655{next(_numbers):07d}"
        if not any(needle in wa_id for needle in needles):
            return wa_id


class WhatsAppChannel:
    """A person on WhatsApp: each step a signed webhook, the replies what the fake got."""

    def __init__(
        self, cloud: Cloud, services: WhatsAppServices, dispatcher: Dispatcher, wa_id: str
    ) -> None:
        self.wa, self.client, self.db = cloud.wa, cloud.client, services.db
        self.services, self.dispatcher, self.wa_id = services, dispatcher, wa_id
        self.problems: list[str] = []  # what Meta would not have taken, step by step
        self.received: list[SentMessage] = []
        self._step = 0
        self._unsent: set[int] = set()

    async def play(self, step: Step) -> list[Seen]:
        self._step += 1
        where = f"step {self._step} ({step.describe()})"
        payload = self._payload(step)
        sent, calls = len(self.wa.sent), len(self.wa.calls)
        await self._post(payload, where)
        await self._dispatch(where)
        new = [m for m in self.wa.sent[sent:] if m.to == self.wa_id]
        self.received += new
        self._check_wire(where, self.wa.calls[calls:], new)
        return [seen(message) for message in new]

    async def state(self) -> Mapping[str, Any] | None:
        async with self.db.reading() as s:
            query = select(Conversation.state).where(
                Conversation.channel == CHANNEL, Conversation.chat_id == self.wa_id
            )
            return (await s.execute(query)).scalar_one_or_none()

    async def close(self) -> None:
        await self.services.aclose()

    def _payload(self, step: Step) -> JsonDict:
        if step.action == "say":
            return self.wa.text_message(self.wa_id, step.value)
        if step.action == "press":
            return self._press(step.value)
        if step.action == "contact":
            if step.value == "own":
                return self.wa.contact(self.wa_id, f"+{self.wa_id}", contact_wa_id=self.wa_id)
            return self.wa.contact(self.wa_id, FOREIGN_PHONE, contact_wa_id=FOREIGN_WA_ID)
        return self._attachment(step.value)

    def _attachment(self, kind: str) -> JsonDict:
        _, size, name, mime = FILES[kind]
        media = self.wa.add_media(bytes(size), mime, name)
        if kind == "photo":
            return self.wa.image(self.wa_id, media)
        if kind == "document":
            return self.wa.document(self.wa_id, media, name or "file")
        if kind == "voice":
            return self.wa.voice(self.wa_id, media)
        return self.wa.sticker(self.wa_id, media)

    def _press(self, wanted: str) -> JsonDict:
        """The option of the latest message that offers any, by what its title shows."""
        message = next((m for m in reversed(self.received) if offered(m)), None)
        if message is None:
            raise NoSuchButton(f"no button {wanted!r}: no message offered any")
        options = offered(message)
        chosen = options[pick_button([option.shown for option in options], wanted)]
        if message.payload["interactive"]["type"] == "button":
            return self.wa.button_reply(self.wa_id, chosen.id, chosen.title, context=message.wamid)
        return self.wa.list_reply(
            self.wa_id, chosen.id, chosen.title, chosen.description, context=message.wamid
        )

    async def _post(self, payload: JsonDict, where: str) -> None:
        """Meta's POST: the raw body as Meta writes it, signed with the app secret."""
        self.wa.open_window(self.wa_id)
        body = webhook_body(payload)
        headers = {SIGNATURE_HEADER: signature(body, self.wa.app_secret)}
        headers["Content-Type"] = "application/json"
        response = await self.client.post(WEBHOOK_PATH, content=body, headers=headers)
        if response.status_code != 200:
            self.problems.append(f"{where}: the webhook answered {response.status_code}")

    async def _dispatch(self, where: str) -> None:
        """The outbox sent until nothing is due; a reply left unsent is a problem."""
        for _ in range(MAX_ROUNDS):
            if not await self.dispatcher.dispatch_once():
                break
        async with self.db.reading() as s:
            query = select(OutboxMessage.id, OutboxMessage.state, OutboxMessage.last_error).where(
                OutboxMessage.channel == CHANNEL,
                OutboxMessage.chat_id == self.wa_id,
                OutboxMessage.state != "sent",
            )
            rows = (await s.execute(query)).all()
        for row_id, state, error in rows:
            if row_id not in self._unsent:
                self._unsent.add(row_id)
                self.problems.append(f"{where}: a reply was not sent ({state}: {error})")

    def _check_wire(self, where: str, calls: Sequence[Any], new: Sequence[SentMessage]) -> None:
        self.problems += [
            f"{where}: the Cloud API refused {c.method} {c.path} ({c.status}, error {c.error})"
            for c in calls
            if c.status is not None and c.status >= 400
        ]
        self.problems += [
            f"{where}: Meta would fail a {m.type} message with {m.error}" for m in new if m.error
        ]


def connect(cloud: Cloud, engine: Engine, db: Database, clock: FixedClock, org: str) -> Dispatcher:
    """The journey's engine behind the webhook, and a dispatcher to WhatsApp, as bot/wiring.py
    assembles them (no pacing)."""
    cloud.app.state.engine = engine
    cloud.app.state.whatsapp = WhatsAppServices(cloud.api, db, clock)
    profile = faq_for(org).profile
    tr = with_digits(speaking(catalog, profile).t, profile.digits)
    sender = WhatsAppSender(cloud.api, ServiceWindow(db, clock), templates(org), tr)
    return Dispatcher(db, {CHANNEL: sender}, clock, limits={CHANNEL: UNPACED})


def templates(org: str) -> Templates:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    return Templates(
        language=settings.whatsapp_template_language,
        status=settings.whatsapp_template_status,
        survey=settings.whatsapp_template_survey,
        message=settings.whatsapp_template_message,
        org_name=org_name(org),
    )


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("journey", JOURNEYS, ids=[j.id for j in JOURNEYS])
async def test_journey_over_whatsapp(
    journey: Journey, journey_db: Database, clock: FixedClock, tmp_path: Path, cloud: Cloud
) -> None:
    engine = build_engine(journey_db, journey.org, clock, tmp_path)
    dispatcher = connect(cloud, engine, journey_db, clock, journey.org)
    channel = WhatsAppChannel(
        cloud, cloud.app.state.whatsapp, dispatcher, new_number(journey.never_stored)
    )
    backend = "sqlite" if journey_db.is_sqlite else "postgresql"
    try:
        log = await play(journey, channel, f"whatsapp on {backend}")
    finally:
        await channel.close()
    for problem in channel.problems:
        log.note(problem)
    for needle, where in await stored_in_clear(journey_db, journey.never_stored):
        log.note(f"never_stored {needle!r} is stored in clear in {where}")
    if log.failures:
        pytest.fail(log.report(), pytrace=False)
