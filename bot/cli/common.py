"""What the command groups share: exit codes, saying a refusal, the database and the FAQ."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO, TypeAlias, TypeVar

from bot.config import Settings
from bot.errors import NotMigrated, UnknownOrg
from bot.i18n import Catalog, speaking
from faq.profile import load_profile_dir, missing_phrases

if TYPE_CHECKING:
    from faq.service import FaqService
    from storage.db import Database

EXIT_FAILED = 1
EXIT_USAGE = 2  # what argparse returns for a bad argument

# Every command is called the same way; its parser names it with `set_defaults(run=...)`.
Command = Callable[[argparse.Namespace, Settings, Catalog, TextIO], int]
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
T = TypeVar("T")


class Refused(Protocol):
    """`handlers.errors.Refusal`, or `storage.backup.BackupError` which is shaped like it."""

    message_id: str
    arguments: dict[str, object]


def complain(text: str, code: int = EXIT_FAILED) -> int:
    """Say why on stderr; the exit code to return."""
    print(text, file=sys.stderr)
    return code


def refused(tr: Catalog, exc: Refused) -> int:
    return complain(tr(exc.message_id, exc.arguments))


@asynccontextmanager
async def database(settings: Settings, tr: Catalog) -> AsyncIterator[Database]:
    """The configured database, migrated: the embedded SQLite upgrades itself (as the bot
    does at start-up); PostgreSQL must have been migrated with `bot.py db upgrade`."""
    from bot.wiring import database_for

    db = database_for(settings)
    try:
        if db.is_sqlite:
            await db.upgrade()
        elif not await db.is_current():
            raise NotMigrated(tr("cli-error-not-migrated"))
        yield db
    finally:
        await db.dispose()


def profile_dir(settings: Settings, org: str | None, profile: Path | None) -> Path:
    if profile is not None:
        return profile
    directory = settings.profile_dir(org)
    if not directory.is_dir():
        raise UnknownOrg(org or settings.org)
    return directory


def in_own_words(settings: Settings, tr: Catalog) -> Catalog:
    """The configured association's catalog: staff commands name its people as it does."""
    profile, _ = load_profile_dir(profile_dir(settings, None, None))
    return speaking(tr, profile)


def faq_service(
    settings: Settings, tr: Catalog, org: str | None, profile: Path | None
) -> FaqService:
    # Imported here: `faq build` and `--help` need no model, so they start fast.
    from faq.service import FaqService

    return FaqService.from_dir(
        profile_dir(settings, org, profile),
        missing_phrases(tr.t),
        cache_dir=settings.faq_cache_dir(),
    )


def on_database(settings: Settings, tr: Catalog, use: Callable[[Database], Awaitable[T]]) -> T:
    """Run `use` on the configured database (see `database`) from a synchronous command."""

    async def run() -> T:
        async with database(settings, tr) as db:
            return await use(db)

    return asyncio.run(run())
