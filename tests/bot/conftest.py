"""Fixtures for the channel adapters: the real engine on a temporary database, and `app`,
the web app with the staff inbox over the `database` fixture (sara, a researcher; boss, an
admin).

`chat_engine_factory` is what `bot.channels.web.app.create_app` takes: a zero-argument callable that
returns an async context manager yielding a `ChatEngine`. Every test gets a fresh SQLite
database, migrated as the app migrates it, and the little-hearts profile.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from fastapi import FastAPI

from bot.config import PROFILES_DIR
from bot.i18n import Catalog
from bot.wiring import Core
from faq.profile import missing_phrases
from faq.service import FaqService
from handlers.clock import SystemClock
from handlers.conversation import Dialog
from handlers.engine import Engine
from handlers.types import ChatEngine
from storage.db import Database
from tests.bot.staff_stack import add_member, staff_app
from tests.bot.telegram_users import running_core
from tests.browser import chromium
from tests.fakes.telegram import FakeTelegram

EngineFactory = Callable[[], AbstractAsyncContextManager[ChatEngine]]
tr = Catalog("ar")


@pytest.fixture(scope="session")
def faq_service() -> FaqService:
    return FaqService.from_dir(PROFILES_DIR / "little-hearts", missing_phrases(tr.t))


@pytest.fixture
def chat_engine_factory(tmp_path: Path, faq_service: FaqService) -> EngineFactory:
    @asynccontextmanager
    async def factory() -> AsyncIterator[ChatEngine]:
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'web.db'}")
        await db.upgrade()
        clock = SystemClock()
        try:
            yield Engine(db, Dialog(faq_service, tr.t, clock), clock)
        finally:
            await db.dispose()

    return factory


@pytest_asyncio.fixture
async def app(
    database: Database, faq_service: FaqService
) -> AsyncIterator[tuple[FastAPI, dict[str, Any]]]:
    holder: dict[str, Any] = {}
    application = staff_app(faq_service, holder, db=database)
    async with application.router.lifespan_context(application):
        await add_member(database, "sara", "researcher")
        await add_member(database, "boss", "admin")
        yield application, holder


@pytest_asyncio.fixture
async def core(tg: FakeTelegram, tmp_path: Path, faq_service: FaqService) -> AsyncIterator[Core]:
    """The core against the fake Bot API server, polling it."""
    async with running_core(tg, tmp_path, faq_service) as core:
        yield core


@pytest_asyncio.fixture
async def browser() -> AsyncIterator[Any]:
    """Headless Chromium, for the browser tests (their modules skip without it)."""
    async with chromium() as launched:
        yield launched
