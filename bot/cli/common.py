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
    from handlers.faq_types import FaqEdit
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

    return FaqService.from_dir(profile_dir(settings, org, profile), missing_phrases(tr.t))


def learned_faq_service(
    settings: Settings, tr: Catalog, org: str | None, profile: Path | None
) -> FaqService:
    """The profile's FAQ with staff's edits in the configured database (`faq teach` …) on
    top; the profile alone where there is no database yet (nothing is created for it)."""
    from faq.service import load_out_of_scope
    from handlers.faq_edits import build_service

    directory = profile_dir(settings, org, profile)
    loaded, entries = load_profile_dir(directory)
    edits = stored_edits(settings, tr, loaded.slug)
    missing = missing_phrases(tr.t)
    return build_service(loaded, entries, missing, edits, out_of_scope=load_out_of_scope(directory))


def stored_edits(settings: Settings, tr: Catalog, org: str) -> list[FaqEdit]:
    from storage.db import SQLITE_FILE

    if settings.database_url is None and not (settings.data_dir / SQLITE_FILE).exists():
        return []

    async def read(db: Database) -> list[FaqEdit]:
        from handlers.faq_edits import to_edit
        from storage.faq_learning import active_edits

        async with db.reading() as session:
            return [to_edit(row) for row in await active_edits(session, org)]

    return on_database(settings, tr, read)


def on_database(settings: Settings, tr: Catalog, use: Callable[[Database], Awaitable[T]]) -> T:
    """Run `use` on the configured database (see `database`) from a synchronous command."""

    async def run() -> T:
        async with database(settings, tr) as db:
            return await use(db)

    return asyncio.run(run())
