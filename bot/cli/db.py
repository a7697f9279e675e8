"""`bot.py db upgrade | backup | restore`: database maintenance."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, TypeVar

from bot.cli.common import EXIT_FAILED, EXIT_USAGE, Subparsers, complain, refused
from bot.config import Settings
from bot.i18n import Catalog

T = TypeVar("T")


def register(sub: Subparsers) -> None:
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_sub.add_parser("upgrade", help="apply the migrations (PostgreSQL needs this)")
    upgrade.set_defaults(run=cmd_db_upgrade)
    db_backup = db_sub.add_parser("backup", help="copy the SQLite database (safe while running)")
    db_backup.add_argument("path", type=Path)
    db_backup.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    db_backup.set_defaults(run=cmd_db_backup)
    db_restore = db_sub.add_parser("restore", help="put a backup back (the bot stopped)")
    db_restore.add_argument("path", type=Path)
    db_restore.set_defaults(run=cmd_db_restore)


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    from bot.wiring import database_for

    async def upgrade() -> None:
        db = database_for(settings)
        try:
            await db.upgrade()
        finally:
            await db.dispose()

    asyncio.run(upgrade())
    out.write(tr("db-upgraded") + "\n")
    return 0


def _attempt(tr: Catalog, failed_id: str, action: Callable[[], T]) -> T | None:
    """What `action` returns; None (having said why) when it is refused or SQLite fails."""
    import sqlite3

    from storage.backup import BackupError

    try:
        return action()
    except BackupError as exc:
        refused(tr, exc)
    except sqlite3.Error as exc:
        complain(tr(failed_id, detail=str(exc)))
    return None


def _sqlite_file(settings: Settings) -> Path | None:
    """The SQLite database's file; None when the database is PostgreSQL."""
    from storage.backup import database_file

    return database_file(settings.database_url, settings.data_dir)


def cmd_db_backup(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    from storage.backup import backup
    from storage.crypto import KEY_FILE

    file = _sqlite_file(settings)
    if file is None:
        return complain(tr("db-backup-postgresql"), EXIT_USAGE)
    size = _attempt(tr, "db-backup-failed", lambda: backup(file, args.path, force=args.force))
    if size is None:
        return EXIT_FAILED
    out.write(tr("db-backup-written", path=str(args.path), size=size) + "\n")
    if settings.encryption_key:
        out.write(tr("db-backup-key-env") + "\n")
    else:
        out.write(tr("db-backup-key-file", key=str(settings.data_dir / KEY_FILE)) + "\n")
    return 0


def cmd_db_restore(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    from handlers.clock import SystemClock
    from storage.backup import Restored, carry_data_keys, migrate, restore

    file = _sqlite_file(settings)
    if file is None:
        return complain(tr("db-restore-postgresql"), EXIT_USAGE)

    def put_back(into: Path) -> Restored:
        restored = restore(into, args.path, SystemClock().now())
        asyncio.run(migrate(into))
        carry_data_keys(into, restored.aside, args.path)
        return restored

    restored = _attempt(tr, "db-restore-failed", lambda: put_back(file))
    if restored is None:
        return EXIT_FAILED
    out.write(tr("db-restored", path=str(args.path)) + "\n")
    if restored.aside is not None:
        out.write(tr("db-restore-aside", aside=str(restored.aside)) + "\n")
    out.write(tr("db-restore-key") + "\n")
    return 0
