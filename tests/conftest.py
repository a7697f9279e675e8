"""Shared fixtures: real databases (SQLite always, PostgreSQL when the URL is given) and the
fake Bot API server."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import pytest_asyncio
from hypothesis import settings

from storage.db import Database
from tests.fakes.telegram import FakeTelegram
from tests.fakes.whatsapp import FakeWhatsApp

PG_URL = os.environ.get("TAWASUL_TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]

# The property tests run the same examples on every run, so a red CI is reproducible and
# a green one means something; `pytest --hypothesis-profile=explore` searches afresh.
settings.register_profile("tawasul", derandomize=True, deadline=None, database=None)
settings.register_profile("explore", deadline=None)
settings.load_profile("tawasul")


@pytest.fixture(scope="session", autouse=True)
def faq_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder of trained matchers for the whole run, shared by every worker: each
    `bot.py` the tests start loads the matcher another one trained instead of training it
    again for seconds (faq/trained.py)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "faq-cache"
    os.environ["TAWASUL_CACHE_DIR"] = str(folder)
    return folder


@pytest_asyncio.fixture(params=BACKENDS)
async def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    """A migrated, empty database; on PostgreSQL a schema of its own, dropped afterwards."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "tawasul.db"
        db = Database(f"sqlite+aiosqlite:///{path}")
        await db.upgrade()
        yield db
        await db.dispose()
        return
    async with pg_schema_database("t") as db:
        yield db


@asynccontextmanager
async def pg_schema_database(prefix: str) -> AsyncIterator[Database]:
    """A migrated database in a PostgreSQL schema of its own (`prefix`_…), dropped after."""
    assert PG_URL is not None
    db = Database(PG_URL, schema=f"{prefix}_{uuid.uuid4().hex[:12]}")
    await db.create_schema()
    await db.upgrade()
    try:
        yield db
    finally:
        await db.drop_schema()
        await db.dispose()


@pytest_asyncio.fixture
async def wa() -> AsyncIterator[FakeWhatsApp]:
    """The project's fake WhatsApp Cloud API server on loopback, for the WhatsApp tests."""
    server = FakeWhatsApp()
    await server.start()
    yield server
    await server.stop()


@pytest_asyncio.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    """The project's fake Bot API server on loopback, for the Telegram tests."""
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()
