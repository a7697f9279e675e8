"""Backing up the embedded SQLite database, and putting a backup back.

A backup goes through SQLite's online backup API: one step, under one read transaction, so
the copy is a consistent snapshot even while the bot writes (in WAL mode readers never
stop writers). The copy is switched out of WAL mode so that it is one self-contained file.

A restore replaces the database only while nobody has it open. Every connection to a WAL
database holds a shared lock on the file for as long as it is open, idle or not, so an
exclusive lock (`locking_mode=EXCLUSIVE` + `BEGIN EXCLUSIVE`, without waiting) is refused
exactly while the bot runs; once taken it is kept until the copy is in, so a bot starting
meanwhile waits instead of reading half a database. The backup is written into that
locked connection with the same backup API (never a file copy, which would leave the old
database's `-wal` beside the new one to be replayed into it).

Neither holds the encryption key: it lives apart (the data dir's `encryption.key` or
`TAWASUL_ENCRYPTION_KEY`) and must be kept apart. PostgreSQL is backed up with `pg_dump`.
Nor does a backup hold the beneficiaries' data keys (storage/data_keys.py): they are key
material too, and a restore takes them from the database it replaces, so a person erased
since the backup was taken stays unreadable in it (docs/privacy.md).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from storage.db import MIGRATIONS, SQLITE_FILE, Database

FILE_MODE = 0o600
# The data keys of a backup, in a file of their own beside it (key material, kept apart).
KEYS_SUFFIX = ".keys"
ASIDE_SUFFIX = ".before-restore-"


class BackupError(Exception):
    """A refusal; nothing was changed. Shaped as `handlers.errors.Refusal` (which storage,
    below handlers, can't import): `message_id` names the catalog text, `arguments` fill it."""

    def __init__(self, message_id: str, **arguments: object) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.arguments = arguments


@dataclass(frozen=True)
class Restored:
    revision: str  # the migration the backup was at, before it was upgraded
    aside: Path | None  # where the database it replaced was kept (None: there was none)


def database_file(database_url: str | None, data_dir: Path) -> Path | None:
    """The SQLite file the bot uses; None when the database is not SQLite."""
    if not database_url:
        return data_dir / SQLITE_FILE
    if database_url.startswith("sqlite") and ":///" in database_url:
        return Path(database_url.split(":///", 1)[1])
    return None


def known_revisions() -> set[str]:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


# -- backup -------------------------------------------------------------------------------


def backup(database: Path, target: Path, *, force: bool = False) -> int:
    """Write a consistent copy of `database` to `target` (mode 0600); its size in bytes."""
    if not database.is_file():
        raise BackupError("db-backup-no-database", path=str(database))
    if target.is_dir():
        raise BackupError("db-backup-target-dir", path=str(target))
    if target.exists() and not force:
        raise BackupError("db-backup-exists", path=str(target))
    if not target.parent.is_dir():
        raise BackupError("db-backup-no-folder", path=str(target.parent))
    # Written beside the target, then moved into place: nobody sees half a backup.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}-", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    keys = tmp.with_name(tmp.name + KEYS_SUFFIX)
    try:
        _copy(_read_only(database), tmp)
        _split_data_keys(tmp, keys)
        if keys.exists():
            _place(keys, keys_file(target), force=True)
        _place(tmp, target, force=force)
    finally:
        tmp.unlink(missing_ok=True)
        keys.unlink(missing_ok=True)
    return target.stat().st_size


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)


def _copy(source: sqlite3.Connection, tmp: Path) -> None:
    dest = sqlite3.connect(tmp)
    try:
        with contextlib.closing(source):
            source.backup(dest)  # pages=-1: the whole database in one step, one snapshot
        dest.execute("PRAGMA journal_mode=DELETE")
        dest.commit()
    finally:
        dest.close()
    with tmp.open("rb+") as fh:
        os.fsync(fh.fileno())


def keys_file(backup_file: Path) -> Path:
    return backup_file.with_name(backup_file.name + KEYS_SUFFIX)


def _split_data_keys(copy: Path, keys: Path) -> None:
    """The copy's data keys moved into `keys`; VACUUM leaves no freed page holding one."""
    with contextlib.closing(sqlite3.connect(copy, isolation_level=None)) as conn:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'data_keys'").fetchone():
            return
        os.close(os.open(keys, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE))
        conn.execute("ATTACH DATABASE ? AS keys", (str(keys),))
        conn.execute("CREATE TABLE keys.data_keys AS SELECT * FROM main.data_keys")
        conn.execute("DETACH DATABASE keys")
        conn.execute("DELETE FROM data_keys")
        conn.execute("VACUUM")


def carry_data_keys(database: Path, aside: Path | None, source: Path) -> int:
    """After a restore and its migrations, the data keys it gets: those of the database it
    replaced (an erasure since the backup stays done), or else the backup's own."""
    origin = aside if aside is not None else keys_file(source)
    if not origin.is_file():
        return 0
    with contextlib.closing(sqlite3.connect(database, isolation_level=None)) as conn:
        conn.execute("ATTACH DATABASE ? AS origin", (str(origin),))
        if not conn.execute(
            "SELECT 1 FROM origin.sqlite_master WHERE name = 'data_keys'"
        ).fetchone():
            return 0
        moved = conn.execute(
            "INSERT OR REPLACE INTO main.data_keys SELECT * FROM origin.data_keys "
            "WHERE beneficiary_id IN (SELECT id FROM main.beneficiaries)"
        )
        return moved.rowcount


def _place(tmp: Path, target: Path, *, force: bool) -> None:
    if force:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)  # fails if the target appeared meanwhile: never overwritten
    except FileExistsError:
        raise BackupError("db-backup-exists", path=str(target)) from None


# -- restore ------------------------------------------------------------------------------


def inspect(path: Path) -> str:
    """The migration a backup file is at; BackupError unless it is a Tawasul database."""
    if not path.is_file():
        raise BackupError("db-restore-missing", path=str(path))
    try:
        with contextlib.closing(_read_only(path)) as conn:
            if conn.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise BackupError("db-restore-damaged", path=str(path))
            rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            raise BackupError("db-restore-not-tawasul", path=str(path)) from None
        raise BackupError("db-restore-not-a-database", path=str(path)) from None
    except sqlite3.DatabaseError:
        raise BackupError("db-restore-not-a-database", path=str(path)) from None
    versions = {str(row[0]) for row in rows}
    if len(versions) != 1 or not versions <= known_revisions():
        found = ", ".join(sorted(versions)) or "-"
        raise BackupError("db-restore-unknown-version", path=str(path), version=found)
    return versions.pop()


def restore(database: Path, source: Path, now: datetime) -> Restored:
    """Replace `database` with the backup `source`, keeping the old one aside.

    Refuses (BackupError, nothing changed) unless `source` is a Tawasul database at a known
    migration and nobody has `database` open. The caller then runs the migrations.
    """
    revision = inspect(source)
    database.parent.mkdir(parents=True, exist_ok=True)
    had_data = database.is_file() and database.stat().st_size > 0
    live = _lock_exclusively(database)
    try:
        aside = _keep_aside(live, database, now) if had_data else None
        # The copy takes the backup's page size, which a WAL database cannot change.
        live.execute("PRAGMA journal_mode=DELETE")
        with contextlib.closing(_read_only(source)) as src:
            src.backup(live)
    finally:
        live.close()
    database.chmod(FILE_MODE)
    return Restored(revision=revision, aside=aside)


def _lock_exclusively(database: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")  # the exclusive locking mode keeps the lock until close
    except sqlite3.OperationalError as exc:
        conn.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise BackupError("db-restore-running", path=str(database)) from None
        raise BackupError("db-restore-current-unreadable", path=str(database)) from None
    except sqlite3.DatabaseError:
        conn.close()
        raise BackupError("db-restore-current-unreadable", path=str(database)) from None
    return conn


def _keep_aside(live: sqlite3.Connection, database: Path, now: datetime) -> Path:
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    for n in range(1, 100):
        aside = database.with_name(
            f"{database.name}{ASIDE_SUFFIX}{stamp}{'' if n == 1 else f'-{n}'}"
        )
        try:
            os.close(os.open(aside, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
        except FileExistsError:
            continue
        dest = sqlite3.connect(aside)
        try:
            live.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
        return aside
    raise BackupError("db-restore-aside-taken", path=str(database))


async def migrate(database: Path) -> None:
    """Bring a restored (possibly older) backup up to the current schema."""
    db = Database(f"sqlite+aiosqlite:///{database.resolve()}")
    try:
        await db.upgrade()
    finally:
        await db.dispose()
