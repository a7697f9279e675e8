"""The composition root: the one place that builds the core from configuration.

`bot.py` (through `bot/cli.py`) asks for a `Core`; tests build theirs the same way with
their own settings, database and clock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.config import Settings
from bot.errors import NotMigrated
from bot.i18n import Catalog
from faq.profile import missing_phrases
from faq.service import FaqService
from handlers.clock import Clock, SystemClock
from handlers.conversation import Dialog
from handlers.engine import Engine
from handlers.hours import Schedule
from storage.db import Database, sqlite_url


@dataclass
class Core:
    settings: Settings
    catalog: Catalog
    faq: FaqService
    db: Database
    engine: Engine


def database_for(settings: Settings) -> Database:
    return Database(settings.database_url or sqlite_url(settings.data_dir))


def build_faq(settings: Settings, catalog: Catalog) -> FaqService:
    return FaqService.from_dir(settings.profile_dir(), missing_phrases(catalog.t))


@asynccontextmanager
async def open_core(
    settings: Settings,
    catalog: Catalog,
    *,
    faq: FaqService | None = None,
    clock: Clock | None = None,
) -> AsyncIterator[Core]:
    clock = clock or SystemClock()
    faq = faq or build_faq(settings, catalog)
    db = database_for(settings)
    try:
        if db.is_sqlite:
            await db.upgrade()
        elif not await db.is_current():
            raise NotMigrated(catalog.t("cli-error-not-migrated"))
        schedule = Schedule.from_profile(faq.profile.schedule)
        engine = Engine(db, Dialog(faq, catalog.t, clock, schedule), clock)
        yield Core(settings=settings, catalog=catalog, faq=faq, db=db, engine=engine)
    finally:
        await db.dispose()
