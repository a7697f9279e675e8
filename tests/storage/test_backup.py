"""storage/backup.py on real SQLite files: a backup while another connection writes, and
every refusal of a restore leaving everything as it was.

(The same under a running `python bot.py`, through the command line: tests/bot/test_db_cli.py.)
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import stat
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command

from storage.backup import BackupError, backup, inspect, known_revisions, migrate, restore
from storage.db import SQLITE_FILE, _config

NOW = datetime(2025, 3, 1, 9, 30, 5, tzinfo=UTC)


def _upgrade_to(path: Path, revision: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        command.upgrade(_config(connection), revision)
    engine.dispose()


@pytest.fixture
def live(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    path = data / SQLITE_FILE
    asyncio.run(migrate(path))
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE load (n INTEGER)")
        conn.commit()
    return path


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute(sql).fetchall()


@contextlib.contextmanager
def _writer(path: Path) -> Iterator[list[int]]:
    """Another connection committing rows one by one until the block ends; what it
    committed, in order."""
    committed: list[int] = []
    stop = threading.Event()

    def write() -> None:
        with contextlib.closing(sqlite3.connect(path, timeout=30)) as conn:
            n = 0
            while not stop.is_set():
                conn.execute("INSERT INTO load VALUES (?)", (n,))
                conn.commit()
                committed.append(n)
                n += 1

    thread = threading.Thread(target=write)
    thread.start()
    try:
        yield committed
    finally:
        stop.set()
        thread.join(timeout=30)


def test_a_backup_taken_while_another_connection_writes_is_one_consistent_file(
    live: Path, tmp_path: Path
) -> None:
    target = tmp_path / "backup.db"
    with _writer(live) as committed:
        while len(committed) < 200:
            pass
        before = len(committed)
        size = backup(live, target)
        after = len(committed)
    assert after > before, "the writer was not writing during the backup"
    assert size == target.stat().st_size > 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    # One self-contained file: no WAL mode, nothing beside it.
    assert not list(tmp_path.glob("backup.db-*"))
    assert _rows(target, "PRAGMA journal_mode") == [("delete",)]
    assert _rows(target, "PRAGMA integrity_check") == [("ok",)]
    # A snapshot: every row committed before it began, then a gapless run of the rest.
    copied = [n for (n,) in _rows(target, "SELECT n FROM load ORDER BY n")]
    assert copied == list(range(len(copied)))
    assert before <= len(copied) <= after
    assert inspect(target) == max(known_revisions())


def test_a_backup_never_overwrites_unless_forced(live: Path, tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("do not lose me")
    with pytest.raises(BackupError) as refused:
        backup(live, target)
    assert refused.value.message_id == "db-backup-exists"
    assert target.read_text() == "do not lose me"
    assert set(tmp_path.iterdir()) == {live.parent, target}  # no half-written copy left
    backup(live, target, force=True)
    assert inspect(target)


@pytest.mark.parametrize(
    ("make", "message_id"),
    [
        (lambda d: d, "db-backup-target-dir"),
        (lambda d: d / "missing" / "b.db", "db-backup-no-folder"),
    ],
)
def test_a_backup_to_nowhere_is_refused(
    live: Path, tmp_path: Path, make: object, message_id: str
) -> None:
    assert callable(make)
    with pytest.raises(BackupError) as refused:
        backup(live, make(tmp_path))
    assert refused.value.message_id == message_id


def test_there_is_nothing_to_back_up_before_the_first_start(tmp_path: Path) -> None:
    with pytest.raises(BackupError) as refused:
        backup(tmp_path / SQLITE_FILE, tmp_path / "b.db")
    assert refused.value.message_id == "db-backup-no-database"
    assert not (tmp_path / SQLITE_FILE).exists()


def test_a_restore_keeps_the_old_database_aside_and_brings_the_backup_in(
    live: Path, tmp_path: Path
) -> None:
    source = tmp_path / "backup.db"
    backup(live, source)
    with contextlib.closing(sqlite3.connect(live)) as conn:
        conn.execute("INSERT INTO load VALUES (42)")  # written after the backup
        conn.commit()
    restored = restore(live, source, NOW)
    assert restored.aside == live.parent / f"{SQLITE_FILE}.before-restore-20250301T093005Z"
    assert _rows(restored.aside, "SELECT n FROM load") == [(42,)]
    assert stat.S_IMODE(restored.aside.stat().st_mode) == 0o600
    assert _rows(live, "SELECT n FROM load") == []
    assert stat.S_IMODE(live.stat().st_mode) == 0o600
    # A second restore in the same second keeps both earlier databases.
    again = restore(live, source, NOW)
    assert again.aside is not None and again.aside != restored.aside
    assert restored.aside.exists()


def test_an_older_backup_is_upgraded(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    _upgrade_to(old, "0005")
    live = tmp_path / "data" / SQLITE_FILE
    restored = restore(live, old, NOW)
    assert restored.revision == "0005" and restored.aside is None
    asyncio.run(migrate(live))
    assert _rows(live, "SELECT version_num FROM alembic_version") == [(max(known_revisions()),)]


def _foreign_db(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE notes (t TEXT)")
        conn.commit()


def _future_db(path: Path) -> None:
    _upgrade_to(path, "head")
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()


@pytest.mark.parametrize(
    ("make", "message_id"),
    [
        (lambda p: p.write_text("not a database at all " * 100), "db-restore-not-a-database"),
        (
            lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\xff" * 2000),
            "db-restore-not-a-database",
        ),
        (_foreign_db, "db-restore-not-tawasul"),
        (lambda p: p.write_bytes(b""), "db-restore-not-tawasul"),
        (_future_db, "db-restore-unknown-version"),
        (lambda p: None, "db-restore-missing"),
    ],
)
def test_a_restore_of_something_else_is_refused_and_changes_nothing(
    live: Path, tmp_path: Path, make: object, message_id: str
) -> None:
    assert callable(make)
    source = tmp_path / "candidate.db"
    make(source)
    before = live.read_bytes()
    with pytest.raises(BackupError) as refused:
        restore(live, source, NOW)
    assert refused.value.message_id == message_id
    assert live.read_bytes() == before
    assert not list(live.parent.glob("*.before-restore-*"))


def test_a_restore_is_refused_while_the_database_is_open(live: Path, tmp_path: Path) -> None:
    source = tmp_path / "backup.db"
    backup(live, source)
    # What the running bot holds: a pooled connection that has read once, idle now.
    bot = sqlite3.connect(live)
    try:
        bot.execute("PRAGMA journal_mode=WAL")
        bot.execute("SELECT count(*) FROM load").fetchall()
        with pytest.raises(BackupError) as refused:
            restore(live, source, NOW)
        assert refused.value.message_id == "db-restore-running"
        assert not list(live.parent.glob("*.before-restore-*"))
        bot.execute("INSERT INTO load VALUES (7)")  # and the bot goes on undisturbed
        bot.commit()
    finally:
        bot.close()
    assert restore(live, source, NOW).aside is not None
