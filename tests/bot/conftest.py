"""Fixtures for the channel adapters: the real engine on a temporary database.

`chat_engine_factory` is what `bot.channels.web.app.create_app` takes: a zero-argument callable that
returns an async context manager yielding a `ChatEngine`. Every test gets a fresh SQLite
database, migrated as the app migrates it, and the little-hearts profile.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest

from bot.config import PROFILES_DIR
from bot.i18n import Catalog
from faq.profile import missing_phrases
from faq.service import FaqService
from handlers.clock import SystemClock
from handlers.conversation import Dialog
from handlers.engine import Engine
from handlers.types import ChatEngine
from storage.db import Database

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
