"""Fixtures of the journey suite: the real engine per association, and one browser.

The engine is assembled as bot/wiring.py assembles it (the association's real profile,
its schedule, the request form with a test key) on a real database, so every journey runs
on SQLite and, with TAWASUL_TEST_DATABASE_URL, on PostgreSQL. The database is migrated
once per module like tests/conftest.py's `database` and emptied before each journey (a
migration per journey would cost more than all the journeys together). The web
journeys also run in headless Chromium against the real web chat: one browser for the
whole module, one web chat server per association, started when first needed. The
WhatsApp journeys share one fake Cloud API server per module (`whatsapp_fake`).
"""

from __future__ import annotations

import base64
import functools
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.channels.web.app import create_app
from bot.config import PROFILES_DIR, Settings
from bot.i18n import Catalog
from bot.wiring import build_form
from faq.profile import missing_phrases
from faq.service import FaqService
from handlers.clock import Clock, FixedClock
from handlers.conversation import Dialog
from handlers.engine import Engine
from handlers.hours import Schedule
from storage.db import Database
from storage.models import Base
from tests.browser import CHROMIUM, NO_CHROMIUM, chromium, serve
from tests.conftest import BACKENDS, pg_schema_database
from tests.fakes.whatsapp import FakeWhatsApp

catalog = Catalog("ar")
# A Sunday, 10:00 in Riyadh: inside working hours everywhere, outside quiet hours.
SUNDAY_MORNING = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
TEST_KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()
WEB_SECRET = "journeys-web-key"


@functools.cache
def faq_for(org: str) -> FaqService:
    """The association's FAQ and profile, built once per run (matching is state-free)."""
    return FaqService.from_dir(PROFILES_DIR / org, missing_phrases(catalog.t))


def build_engine(database: Database, org: str, clock: Clock, data_dir: Path) -> Engine:
    """The core of one association, as bot/wiring.py's open_core builds it."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        org=org,
        data_dir=data_dir,
        encryption_key=TEST_KEY,
    )
    faq = faq_for(org)
    form = build_form(settings, catalog, faq, clock)
    schedule = Schedule.from_profile(faq.profile.schedule)
    return Engine(database, Dialog(faq, catalog.t, clock, schedule, form), clock)


def org_name(org: str) -> str:
    return faq_for(org).profile.name


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(SUNDAY_MORNING)


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=BACKENDS)
async def migrated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    """As tests/conftest.py's `database`, once per module: SQLite, and PostgreSQL if given."""
    if request.param == "sqlite":
        db = Database(f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'journeys.db'}")
        await db.upgrade()
        yield db
        await db.dispose()
        return
    async with pg_schema_database("j") as db:
        yield db


@pytest_asyncio.fixture(loop_scope="module")
async def journey_db(migrated: Database) -> Database:
    """The migrated database with no rows: each journey starts as on a new installation."""
    # DELETE, not TRUNCATE: on a dozen small tables PostgreSQL's TRUNCATE takes a second.
    async with migrated.transaction() as s:
        for table in reversed(Base.metadata.sorted_tables):
            await s.execute(table.delete())
    return migrated


class WebChats:
    """The real web chat app of each association, served on loopback when first asked for."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._urls: dict[str, str] = {}
        self._servers = ExitStack()

    def database_url(self, org: str) -> str:
        return f"sqlite+aiosqlite:///{self.root / org / 'web.db'}"

    def url(self, org: str) -> str:
        if org not in self._urls:
            (self.root / org).mkdir(parents=True, exist_ok=True)
            app = create_app(
                engine_factory=self._factory(org),
                catalog=catalog,
                org_name=org_name(org),
                secret_key=WEB_SECRET,
            )
            self._urls[org] = self._servers.enter_context(serve(app))
        return self._urls[org]

    def close(self) -> None:
        self._servers.close()
        self._urls.clear()

    def _factory(self, org: str) -> Any:
        url, data_dir = self.database_url(org), self.root / org

        @asynccontextmanager
        async def factory() -> AsyncIterator[Engine]:
            db = Database(url)
            await db.upgrade()
            try:
                yield build_engine(db, org, FixedClock(SUNDAY_MORNING), data_dir)
            finally:
                await db.dispose()

        return factory


@pytest.fixture(scope="module")
def web_chats(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebChats]:
    chats = WebChats(tmp_path_factory.mktemp("web-journeys"))
    try:
        yield chats
    finally:
        chats.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Any]:
    """One headless Chromium for every web journey; each journey gets a context of its own."""
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    async with chromium() as launched:
        yield launched


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def whatsapp_fake() -> AsyncIterator[FakeWhatsApp]:
    """One fake Cloud API for the module; each journey speaks from a number of its own."""
    wa = FakeWhatsApp()
    # As on Meta: a free-form message reaches only someone who wrote in the last 24 hours.
    wa.require_window = True
    # The journeys check what a person sees, not Meta's 80 messages a second (the
    # benchmark does): played back to back they would exceed it.
    wa.per_second = 10**6
    await wa.start()
    try:
        yield wa
    finally:
        await wa.stop()
