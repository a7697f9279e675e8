"""A beneficiary through the real engine: the engine with the request form, a `Chat` that
types and presses, filling in and submitting the form, and staff delivering the service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.i18n import Catalog, speaking
from faq.service import FaqService
from handlers import fields
from handlers.clock import Clock
from handlers.conversation import Dialog
from handlers.engine import Engine
from handlers.form_prompts import FormConfig
from handlers.replies import Reply
from handlers.request_form import RequestForm
from handlers.requests import set_status
from handlers.surveys import SurveyPolicy
from handlers.types import Attachment, Incoming
from storage.crypto import Vault
from storage.db import Database
from tests.bidi import plain

tr = Catalog("ar")
KEY = bytes(range(32))
NATIONAL_ID = "1098765439"
# Sunday 10:00 in Riyadh
SUNDAY = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
POLICY = SurveyPolicy()


def form_engine(database: Database, faq: FaqService, clock: Clock) -> Engine:
    """The engine with the request form, as bot/wiring.py builds it (a test key)."""
    profile = faq.profile
    said = speaking(tr, profile)
    config = FormConfig(
        form_name=profile.request_form,
        services=profile.services,
        period=profile.review_period.phrase,
        declaration=profile.declaration or "",
        declaration_version="v-test",
        draft_ttl=timedelta(days=7),
        cities=fields.cities_near(profile.city),
    )
    form = RequestForm(said.t, Vault(KEY), config, clock.now)
    return Engine(database, Dialog(faq, said.t, clock, form=form), clock)


class Chat:
    """One beneficiary typing into the engine, remembering the last buttons offered."""

    def __init__(self, engine: Engine, chat: str = "amina", channel: str = "web") -> None:
        self.engine, self.chat, self.channel = engine, chat, channel
        self.last: list[Reply] = []

    async def say(self, text: str = "", **kw: object) -> list[Reply]:
        incoming = Incoming(self.channel, self.chat, self.chat, text=text, **kw)  # type: ignore[arg-type]
        self.last = await self.engine.handle(incoming)
        return self.last

    async def press(self, label: str) -> list[Reply]:
        button = next(b for r in self.last for b in r.buttons if plain(b.label) == plain(label))
        return await self.say(payload=button.payload)

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.last)


async def fill_until_summary(chat: Chat, *, national_id: str = NATIONAL_ID) -> None:
    await chat.say("ابي اقدم طلب مساعدة")
    assert "1️⃣" in chat.text
    for answer in ("سارة محمد العتيبي", national_id, "٠٥٥٨٧٦٤٣٢١"):
        await chat.say(answer)
    await chat.press("جدة")
    await chat.press("علاج أمراض القلب للأطفال")
    await chat.say("بنتي عمرها سنتين وعندها ثقب في القلب وتحتاج عملية")
    await chat.say(
        attachments=(Attachment("file-1", "photo", 120_000, "report.jpg", "image/jpeg"),)
    )
    assert "المجموع: 1" in chat.text
    await chat.press("✔️ تم")
    assert "📋" in chat.text


async def submit(chat: Chat) -> str:
    await fill_until_summary(chat)
    await chat.press("✅ البيانات صحيحة")
    await chat.press("أقرّ وأوافق")
    assert "رقم طلبك" in chat.text
    return plain(chat.text).split("رقم طلبك: ")[1].split()[0]


async def submit_as(engine: Engine, name: str) -> str:
    """A request from another person (each needs a national ID of their own)."""
    ids = {"amina": "1098765439", "omar": "1000000008", "sara": "2000000006"}
    chat = Chat(engine, name)
    await fill_until_summary(chat, national_id=ids[name])
    await chat.press("✅ البيانات صحيحة")
    await chat.press("أقرّ وأوافق")
    return chat.text


async def move(
    database: Database,
    clock: Clock,
    reference: str,
    status: str,
    note: str | None = None,
    actor: str = "staff:huda",
) -> None:
    """Staff set the request's status, as the desk does (the survey policy applies)."""
    await set_status(
        database,
        clock,
        tr.t,
        reference=reference,
        status=status,
        note=note,
        actor=actor,
        surveys=POLICY,
    )


async def deliver_service(
    database: Database, clock: Clock, reference: str, actor: str = "staff:huda"
) -> None:
    """Staff take the request through to service_delivered, which schedules its survey."""
    for status in ("under_review", "accepted", "service_delivered"):
        await move(database, clock, reference, status, actor=actor)


def shown(chat: Chat) -> str:
    """Everything the person sees: the texts and the buttons' labels."""
    return "\n".join([r.text for r in chat.last] + [b.label for r in chat.last for b in r.buttons])


async def file_request(chat: Chat, seen: list[str]) -> None:
    """Through the form with the first city and the first request type, seeing each reply."""
    await chat.say(payload="intent:how_to_apply")
    seen.append(shown(chat))
    for answer in ("سارة محمد العتيبي", NATIONAL_ID, "0558764321"):
        await chat.say(answer)
        seen.append(shown(chat))
    for _step in ("city", "type"):
        await chat.say(payload=chat.last[-1].buttons[0].payload)
        seen.append(shown(chat))
    await chat.say("أحتاج موعداً في العيادة لمتابعة حالة ابني الصحية")
    seen.append(shown(chat))
    for label in ("form-done", "form-confirm", "form-accept"):
        await chat.press(tr(label))
        seen.append(shown(chat))
