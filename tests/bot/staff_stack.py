"""The web app with the staff inbox over a real engine and database, for the staff tests.

`staff_app` wires what bot/server.py wires (engine, staff desk, file source) around a
database: one already open (the HTTP tests, on the test's own event loop) or one opened
in the app's lifespan from a URL (the browser tests, whose server runs its own loop).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from bot.channels.web.app import create_app
from bot.channels.web.uploads import WebUploads
from bot.i18n import Catalog, speaking
from bot.staff_web import FileSource, StaffBackend
from faq.service import FaqService
from handlers.clock import Clock, SystemClock
from handlers.engine import Engine
from handlers.staff_auth import set_password
from handlers.staff_desk import StaffDesk
from handlers.staff_inbox import add_staff
from handlers.types import ChatEngine
from storage.crypto import Vault
from storage.db import Database
from tests.handlers.test_request_form import form_engine

tr = Catalog("ar")
KEY = bytes(range(32))
SECRET = "staff-test-secret"
ORG_NAME = "جمعية القلوب الصغيرة لرعاية مرضى القلب من الأطفال"
PASSWORD = "كلمة سر طويلة 123"


def build_engine(db: Database, faq: FaqService, clock: Clock) -> Engine:
    return form_engine(db, faq, clock)


def staff_app(
    faq: FaqService,
    holder: dict[str, Any],
    *,
    db: Database | None = None,
    url: str | None = None,
    files: FileSource | None = None,
    cookie_secure: bool = False,
    uploads: WebUploads | None = None,
) -> FastAPI:
    """The app; while it runs, holder["engine"], ["desk"], ["db"] are its parts."""
    said = speaking(tr, faq.profile)  # as bot/server.py: in the association's own words

    @asynccontextmanager
    async def factory() -> AsyncIterator[ChatEngine]:
        opened = db or Database(url or "")
        if db is None:
            await opened.upgrade()
        clock = SystemClock()
        engine = build_engine(opened, faq, clock)
        desk = StaffDesk(opened, clock, said.t, Vault(KEY))
        holder.update(engine=engine, desk=desk, db=opened, backend=StaffBackend(desk, files))
        try:
            yield engine
        finally:
            holder.clear()
            if db is None:
                await opened.dispose()

    return create_app(
        engine_factory=factory,
        catalog=said,
        org_name=ORG_NAME,
        secret_key=SECRET,
        cookie_secure=cookie_secure,
        staff=lambda: holder.get("backend"),
        uploads=uploads,
    )


async def add_member(db: Database, username: str, role: str, password: str = PASSWORD) -> None:
    await add_staff(db, SystemClock(), username=username, name=f"موظف {username}", role=role)
    await set_password(db, username, password)
