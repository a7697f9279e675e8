"""The web app with the staff inbox over a real engine and database, for the staff tests.

`staff_app` wires what bot/server.py wires (engine, staff desk, file source, the wake-ups
that answer the chat's long polls) around a database: one already open (the HTTP tests, on
the test's own event loop) or one opened in the app's lifespan from a URL (the browser
tests, whose server runs its own loop).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from bot.channels.web.app import create_app
from bot.channels.web.uploads import WebUploads
from bot.i18n import Catalog, speaking
from bot.staff_web import FaqDesk, FileSource, StaffBackend
from bot.staff_web.faq_views import read_guide
from faq.profile import missing_phrases
from faq.service import FaqService
from handlers.clock import Clock, SystemClock
from handlers.engine import Engine
from handlers.faq_edits import build_service
from handlers.faq_learning import FaqLearning, LiveFaq
from handlers.staff_auth import set_password
from handlers.staff_desk import StaffDesk
from handlers.staff_inbox import add_staff
from handlers.types import ChatEngine
from storage.crypto import Vault
from storage.db import Database
from storage.notify import Wakeups
from tests.handlers.chats import form_engine

tr = Catalog("ar")
KEY = bytes(range(32))
SECRET = "staff-test-secret"
ORG_NAME = "جمعية القلوب الصغيرة لرعاية مرضى القلب من الأطفال"
PASSWORD = "كلمة سر طويلة 123"
# A handover message with a national ID and a mobile in it, and how they read in clear.
TYPED = "رقم هويتي 1000000008 وجوالي 0551234567 ابي اكلم موظف"
CLEAR = ("1000000008", "0551234567", "+966551234567")
ARABIC = re.compile(r"[\u0600-\u06FF]")
# How often the FAQ pages' app looks for a new FAQ version besides its wake-ups.
FAQ_POLL = 0.2


def learning_pages(faq: FaqService, guide: Path | None) -> Callable[[Database], FaqDesk]:
    """The FAQ editor's pages over the open database, as bot/wiring.py builds them: the
    profile's entries with staff's edits on top, and the profile's guide beside them."""
    base = list(faq.entries.values())
    missing = missing_phrases(tr.t)
    build = partial(build_service, faq.profile, base, missing)

    def pages(db: Database) -> FaqDesk:
        live = LiveFaq(faq)
        learning = FaqLearning(
            db, SystemClock(), live, faq.profile.slug, build, base=base, missing=missing
        )
        return FaqDesk(learning, live, read_guide(guide))

    return pages


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
    faq_desk: Callable[[Database], FaqDesk] | None = None,
    org_name: str = ORG_NAME,
) -> FastAPI:
    """The app; while it runs, holder["engine"], ["desk"], ["db"] are its parts, and with
    `faq_desk` (built on the open database) the FAQ editor's pages, holder["faq"]."""
    said = speaking(tr, faq.profile)  # as bot/server.py: in the association's own words

    @asynccontextmanager
    async def factory() -> AsyncIterator[ChatEngine]:
        opened = db or Database(url or "")
        if db is None:
            await opened.upgrade()
        clock = SystemClock()
        engine = build_engine(opened, faq, clock)
        desk = StaffDesk(opened, clock, said.t, Vault(KEY))
        faq_pages = faq_desk(opened) if faq_desk is not None else None
        watching = None
        if faq_pages is not None:
            # As bot/wiring.py: the dialog answers from the FAQ the pages edit, and a
            # background task retrains it after each edit.
            engine.dialog.live = faq_pages.live
            watching = asyncio.create_task(faq_pages.learning.watch(FAQ_POLL))
        backend = StaffBackend(desk, files, faq=faq_pages)
        holder.update(engine=engine, desk=desk, db=opened, backend=backend, faq=faq_pages)
        app.state.wakeups = wakeups = Wakeups(opened)
        opened.on_written = wakeups.written
        try:
            yield engine
        finally:
            if watching is not None:
                watching.cancel()
                await asyncio.gather(watching, return_exceptions=True)
            app.state.wakeups = opened.on_written = None
            await wakeups.close()
            holder.clear()
            if db is None:
                await opened.dispose()

    app = create_app(
        engine_factory=factory,
        catalog=said,
        org_name=org_name,
        secret_key=SECRET,
        cookie_secure=cookie_secure,
        staff=lambda: holder.get("backend"),
        uploads=uploads,
    )
    return app


async def add_member(db: Database, username: str, role: str, password: str = PASSWORD) -> None:
    await add_staff(db, SystemClock(), username=username, name=f"موظف {username}", role=role)
    await set_password(db, username, password)


def client(app: FastAPI, ip: str = "127.0.0.1") -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(ip, 4321)),
        base_url="http://testserver",
    )


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


async def sign_in(
    browser: httpx.AsyncClient, username: str, password: str = PASSWORD, next_url: str = ""
) -> httpx.Response:
    page = await browser.get("/staff/login", params={"next": next_url} if next_url else None)
    assert page.status_code == 200
    return await browser.post(
        "/staff/login",
        data={
            "csrf": csrf_of(page.text),
            "username": username,
            "password": password,
            "next": next_url,
        },
    )


def arabic_page(response: httpx.Response, text: str) -> bool:
    html = response.text
    return '<html lang="ar" dir="rtl">' in html and text in html and bool(ARABIC.search(html))


async def staff_sign_in(page: Any, url: str, username: str, landing: str) -> None:
    """In a browser page: the sign-in form at `url`, as `username`, until `landing` opens."""
    await page.goto(url)
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(landing)


@asynccontextmanager
async def staff_database(path: Path, **roles: str) -> AsyncIterator[tuple[str, Database]]:
    """A migrated SQLite database at `path` with these staff (username=role): its URL, and
    the database open until the block ends (the browser tests' servers open their own)."""
    url = f"sqlite+aiosqlite:///{path}"
    db = Database(url)
    await db.upgrade()
    try:
        for username, role in roles.items():
            await add_member(db, username, role)
        yield url, db
    finally:
        await db.dispose()
