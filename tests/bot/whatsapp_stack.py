"""The whole app of `python bot.py` with WhatsApp configured, in this test's event loop,
against the project's fake Cloud API: Meta's webhooks come from the fake, the bot's sends
go to it. `WhatsAppStack` holds the parts a test looks at.

The app is bot/server.py's own `build_app`, served by uvicorn on a free loopback port, so
everything between the webhook and the fake (signature, engine, outbox, dispatcher,
rendering, statuses, media) is the code that runs in production.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy import func, select

from bot.config import Settings
from bot.i18n import Catalog, speaking
from bot.server import build_app
from bot.wiring import build_faq
from handlers.clock import SystemClock
from handlers.staff_auth import StaffMember
from handlers.staff_desk import StaffDesk
from handlers.staff_inbox import add_staff
from storage.db import Database, sqlite_url
from storage.models import OutboxMessage, Staff
from tests.fakes.whatsapp import FakeWhatsApp, SentMessage
from tests.processes import free_port, new_pg_database
from tests.waiting import until

catalog = Catalog("ar")
TEST_KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()
VERIFY_TOKEN = "verify-me"
USER = "966551234567"


@dataclass
class WhatsAppStack:
    wa: FakeWhatsApp
    db: Database  # the test's own connection to what the bot stores
    url: str  # the bot's base URL
    app: Any
    data_dir: Path

    @property
    def webhook(self) -> str:
        return f"{self.url}/whatsapp/webhook"

    async def answers(self, count: int, to: str = USER, timeout: float = 20.0) -> list[SentMessage]:
        """Wait until `to` has got `count` more messages than before, and nothing due is
        left in the outbox; the messages that came."""
        before = len(self.wa.messages_to(to))
        await until(lambda: len(self.wa.messages_to(to)) >= before + count, timeout)
        await self.drained()
        return self.wa.messages_to(to)[before:]

    async def says(self, text: str, to: str = USER, replies: int = 1) -> list[SentMessage]:
        before = len(self.wa.messages_to(to))
        await self.wa.user_says(to, text)
        await until(lambda: len(self.wa.messages_to(to)) >= before + replies, 20.0)
        await self.drained()
        return self.wa.messages_to(to)[before:]

    async def after(
        self, action: Awaitable[Any], count: int = 1, to: str = USER
    ) -> list[SentMessage]:
        """What `to` got from `action` (a message Meta delivers): `count` messages at least."""
        before = len(self.wa.messages_to(to))
        await action
        await until(lambda: len(self.wa.messages_to(to)) >= before + count, 20.0)
        await self.drained()
        return self.wa.messages_to(to)[before:]

    async def drained(self, timeout: float = 20.0) -> None:
        """Until no message is due in the outbox: what a turn queued has reached the fake."""
        async with asyncio.timeout(timeout):
            while await self._due():
                await asyncio.sleep(0.02)

    async def _due(self) -> int:
        query = select(func.count()).where(
            OutboxMessage.state.in_(("pending", "sending")),
            OutboxMessage.due_at <= datetime.now(UTC),
        )
        async with self.db.reading() as s:
            return int((await s.execute(query)).scalar_one())

    async def outbox(self) -> list[OutboxMessage]:
        async with self.db.reading() as s:
            return list(
                (await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars()
            )

    async def settled(self, check: Callable[[], Any], timeout: float = 20.0) -> Any:
        return await until(check, timeout)

    async def press(self, label: str, to: str = USER, replies: int = 1) -> list[SentMessage]:
        """Press the option containing `label` in the latest message that offers options."""
        offered = [m for m in self.wa.messages_to(to) if options(m)]
        assert offered, "no message offered options"
        last = offered[-1]
        kind = last.payload["interactive"]["type"]
        chosen = [(i, t) for i, t in options(last) if label in t]
        assert chosen, f"no option {label!r} among {[t for _, t in options(last)]}"
        before = len(self.wa.messages_to(to))
        if kind == "button":
            await self.wa.user_presses(to, *chosen[0])
        else:
            await self.wa.user_picks(to, *chosen[0])
        await until(lambda: len(self.wa.messages_to(to)) >= before + replies, 20.0)
        await self.drained()
        return self.wa.messages_to(to)[before:]

    async def staff_member(self) -> StaffMember:
        """Sara, an admin, created on first use."""
        async with self.db.reading() as s:
            found = (await s.execute(select(Staff).where(Staff.username == "sara"))).scalar()
        if found is None:
            await add_staff(self.db, SystemClock(), username="sara", name="سارة", role="admin")
            return await self.staff_member()
        return StaffMember(found.id, found.username, found.display_name, found.role, "")

    @property
    def desk(self) -> StaffDesk:
        return self.app.state.staff.desk  # type: ignore[no-any-return]


def options(message: SentMessage) -> list[tuple[str, str]]:
    """(id, title) of each reply button or list row a message offers; [] for the rest."""
    interactive = message.payload.get("interactive") or {}
    action = interactive.get("action") or {}
    if interactive.get("type") == "button":
        return [(b["reply"]["id"], b["reply"]["title"]) for b in action["buttons"]]
    rows = [r for section in action.get("sections") or [] for r in section["rows"]]
    return [(r["id"], r["title"] + " " + r.get("description", "")) for r in rows]


def seen(message: SentMessage) -> str:
    """What the person reads: the text, an interactive message's body, a template's name."""
    if message.type == "template":
        return "template:" + message.payload["template"]["name"]
    return message.text


def settings_for(wa: FakeWhatsApp, data_dir: Path, port: int, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "org": "little-hearts",
        "data_dir": data_dir,
        "encryption_key": TEST_KEY,
        "secret_key": "whatsapp-test-secret",
        "http_port": port,
        "log_level": "warning",
        # Replies of one turn go out back to back here; production spaces them by 1 s.
        "whatsapp_per_recipient_interval": 0.0,
        "WHATSAPP_ACCESS_TOKEN": wa.token,
        "WHATSAPP_PHONE_NUMBER_ID": wa.phone_number_id,
        "WHATSAPP_APP_SECRET": wa.app_secret,
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "WHATSAPP_API_BASE": wa.base_url,
    }
    return Settings(_env_file=None, **(values | extra))  # type: ignore[call-arg]


@asynccontextmanager
async def whatsapp_stack(
    tmp_path: Path, *, postgres: str | None = None, **extra: Any
) -> AsyncIterator[WhatsAppStack]:
    """The fake, the bot's app on loopback, and a connection of the test's own."""
    wa = FakeWhatsApp()
    await wa.start()
    try:
        async with _database(tmp_path / "var", postgres) as url:
            port = free_port()
            settings = settings_for(wa, tmp_path / "var", port, database_url=url, **extra)
            async with _served(settings) as app:
                wa.webhook_url = f"http://127.0.0.1:{port}/whatsapp/webhook"
                db = Database(url or sqlite_url(tmp_path / "var"))
                try:
                    yield WhatsAppStack(wa, db, f"http://127.0.0.1:{port}", app, tmp_path / "var")
                finally:
                    await db.dispose()
    finally:
        await wa.stop()


@asynccontextmanager
async def _database(data_dir: Path, postgres: str | None) -> AsyncIterator[str | None]:
    data_dir.mkdir(parents=True, exist_ok=True)
    if postgres is None:
        yield None
        return
    async with new_pg_database(postgres, "tawasul_wa") as url:
        db = Database(url)
        await db.upgrade()
        await db.dispose()
        yield url


@asynccontextmanager
async def _served(settings: Settings) -> AsyncIterator[Any]:
    faq = build_faq(settings, catalog)
    app = build_app(settings, speaking(catalog, faq.profile), faq)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=settings.http_port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        await until(lambda: server.started or task.done(), 60.0)
        if task.done():
            task.result()
        yield app
    finally:
        server.should_exit = True
        await task
