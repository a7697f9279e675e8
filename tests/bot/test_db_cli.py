"""`bot.py db backup` and `bot.py db restore` as an operator runs them: real processes,
beside a real `python bot.py` serving the web chat to visitors who keep writing.

Backups are SQLite's (PostgreSQL has pg_dump, which the commands point to); each wait is
bounded, nothing is timed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from storage.backup import known_revisions, migrate
from storage.crypto import KEY_FILE, DecryptionError, Vault, data_fernet, load_or_create_master_key
from storage.db import SQLITE_FILE
from tests.bot.server_process import (
    NATIONAL_ID,
    PHONE,
    Backend,
    Server,
    chat_history,
    fill_the_form,
    new_visitor,
    post_chat,
    server_client,
)
from tests.processes import ROOT, clean_env, free_port
from tests.waiting import until

VISITORS = 6
BACKUPS = 3
WRITTEN = "كُتبت النسخة الاحتياطية"
KEY_REMINDER = "مفتاح التشفير ليس في النسخة"
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
WESTERN = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    return clean_env(TAWASUL_DATA_DIR=str(data_dir), TAWASUL_LOCALE="ar", **extra)


def cli(data_dir: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "bot.py", "db", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(data_dir, **extra),
        timeout=120,
    )


async def acli(data_dir: Path, *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "bot.py",
        "db",
        *args,
        cwd=ROOT,
        env=_env(data_dir),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def _load_text(visitor: int, n: int) -> str:
    return f"رسالة الزائر {visitor} رقم {n}".translate(ARABIC_DIGITS)


def _stored_texts(path: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        return {t for (t,) in conn.execute("SELECT text FROM messages WHERE direction = 'in'")}


def _identifiers(path: Path) -> tuple[str, str]:
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        row = conn.execute("SELECT national_id_enc, phone_enc FROM requests").fetchone()
    return str(row[0]), str(row[1])


def _key_rows(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        return int(conn.execute("SELECT count(*) FROM data_keys").fetchone()[0])


def _open(path: Path, vault: Vault, token: str) -> str:
    """A value sealed under its beneficiary's data key, opened as storage/data_keys.py does."""
    _, key_id, sealed = token.split(".", 2)
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        row = conn.execute("SELECT wrapped FROM data_keys WHERE id = ?", (key_id,)).fetchone()
    return data_fernet(vault.unwrap(str(row[0]))).decrypt(sealed).decode("utf-8")


# -- under load ---------------------------------------------------------------------------


async def test_backups_under_load_restore_every_acknowledged_message(tmp_path: Path) -> None:
    server = Server(Backend("sqlite", tmp_path / "data", ""), free_port(), tmp_path / "bot.log")
    try:
        async with asyncio.timeout(300):
            taken, visitor = await _back_up_while_visitors_write(server, tmp_path)
            await _restore_is_refused_while_the_bot_runs(server, taken[-1][0])
    finally:
        server.stop_all()

    fresh = tmp_path / "restored"
    fresh.mkdir(mode=0o700)
    # The key travels apart from the backup; without it the identifiers stay sealed.
    key = fresh / KEY_FILE
    shutil.copy2(server.backend.data_dir / KEY_FILE, key)
    key.chmod(0o600)
    last, acknowledged = taken[-1]
    result = cli(fresh, "restore", str(last))
    assert result.returncode == 0, result.stderr
    assert "استُرجعت النسخة" in result.stdout
    assert "حُفظت قاعدة البيانات السابقة" not in result.stdout  # there was none
    restored = fresh / SQLITE_FILE
    assert acknowledged <= _stored_texts(restored)

    national_id, phone = _identifiers(restored)
    vault = Vault(load_or_create_master_key(fresh, None))
    # The data keys came from the file beside the backup (there was no database to keep).
    assert _open(restored, vault, national_id) == NATIONAL_ID
    assert _open(restored, vault, phone).endswith(PHONE[1:])
    with pytest.raises(DecryptionError):
        _open(restored, Vault(os.urandom(32)), national_id)
    raw = last.read_bytes()
    assert NATIONAL_ID.encode() not in raw and PHONE[1:].encode() not in raw
    assert b"data_keys" in raw and _key_rows(last) == 0  # the keys live apart

    # The visitor, back on the restored bot, finds the conversation where it was.
    again = Server(Backend("sqlite", fresh, ""), free_port(), tmp_path / "restored.log")
    try:
        async with asyncio.timeout(120):
            await again.start()
            async with server_client(again) as client:
                seen = {
                    m["text"] for m in await chat_history(client, visitor) if m["direction"] == "in"
                }
    finally:
        again.stop_all()
    assert NATIONAL_ID not in " ".join(seen)  # shown masked, as it was
    mine = [t for t in acknowledged if t.startswith(_load_text(0, 0).rsplit(" ", 1)[0])]
    assert max(mine, key=lambda t: int(t.rsplit(" ", 1)[1].translate(WESTERN))) in seen


async def _back_up_while_visitors_write(
    server: Server, tmp_path: Path
) -> tuple[list[tuple[Path, set[str]]], dict[str, str]]:
    """Back up BACKUPS times while VISITORS keep writing; each backup with the texts
    acknowledged before it started. And the first visitor's cookie."""
    await server.start()
    acknowledged: list[tuple[float, str]] = []
    stop = asyncio.Event()
    async with server_client(server, max_connections=VISITORS + 10) as client:
        visitors = [await new_visitor(client) for _ in range(VISITORS)]
        await fill_the_form(client, visitors[0])

        async def keep_writing(v: int) -> None:
            n = 0
            while not stop.is_set():
                text = _load_text(v, n)
                await post_chat(client, visitors[v], text=text, message_id=f"load-{n}")
                acknowledged.append((time.monotonic(), text))
                n += 1

        writers = [asyncio.create_task(keep_writing(v)) for v in range(VISITORS)]
        taken: list[tuple[Path, set[str]]] = []
        during = 0
        try:
            for b in range(BACKUPS):
                await until(lambda b=b: len(acknowledged) >= 20 * (b + 1), timeout=60)
                started = time.monotonic()
                before = {text for at, text in acknowledged if at < started}
                target = tmp_path / f"backup-{b}.db"
                code, out, err = await acli(server.backend.data_dir, "backup", str(target))
                assert code == 0, err
                assert WRITTEN in out and KEY_REMINDER in out, out
                during += sum(1 for at, _ in acknowledged if at >= started)
                assert before <= _stored_texts(target)
                taken.append((target, before))
        finally:
            stop.set()
            results = await asyncio.gather(*writers, return_exceptions=True)
        assert not [r for r in results if isinstance(r, BaseException)], results
    assert during > 0, "no visitor was answered while a backup ran"
    return taken, visitors[0]


async def _restore_is_refused_while_the_bot_runs(server: Server, backup: Path) -> None:
    data_dir = server.backend.data_dir
    before = sorted(p.name for p in data_dir.iterdir())
    code, _, err = await acli(data_dir, "restore", str(backup))
    assert code == 1
    assert "البوت يعمل" in err and "لم يتغير شيء" in err, err
    assert sorted(p.name for p in data_dir.iterdir()) == before
    async with server_client(server) as client:  # and it goes on serving
        assert (await client.get("/healthz")).status_code == 200


# -- refusals -----------------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir(mode=0o700)
    asyncio.run(migrate(path / SQLITE_FILE))  # as the bot leaves it after its first start
    return path


def test_a_backup_never_overwrites_a_file_without_force(data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "keep.txt"
    target.write_text("mine")
    refused = cli(data_dir, "backup", str(target))
    assert refused.returncode == 1
    assert "موجود" in refused.stderr and "--force" in refused.stderr
    assert target.read_text() == "mine"
    forced = cli(data_dir, "backup", str(target), "--force")
    assert forced.returncode == 0, forced.stderr
    assert str(data_dir / KEY_FILE) in forced.stdout
    assert target.stat().st_mode & 0o077 == 0


def test_the_key_reminder_names_the_variable_when_the_key_is_configured(
    data_dir: Path, tmp_path: Path
) -> None:
    key = "A" * 43
    result = cli(data_dir, "backup", str(tmp_path / "b.db"), TAWASUL_ENCRYPTION_KEY=key)
    assert result.returncode == 0, result.stderr
    assert "TAWASUL_ENCRYPTION_KEY" in result.stdout and key not in result.stdout


def _sqlite_without_tawasul(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE notes (t TEXT)")
        conn.commit()


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p.write_text("صورة الهوية"), "ليس قاعدة بيانات"),
        (_sqlite_without_tawasul, "ليست نسخة من تواصل"),
        (lambda p: None, "غير موجود"),
    ],
    ids=["not-a-database", "wrong-schema", "missing"],
)
def test_a_restore_of_something_else_is_refused_in_arabic_and_changes_nothing(
    data_dir: Path, tmp_path: Path, make: Any, says: str
) -> None:
    source = tmp_path / "candidate.db"
    make(source)
    database = data_dir / SQLITE_FILE
    before = database.read_bytes()
    result = cli(data_dir, "restore", str(source))
    assert result.returncode == 1
    assert says in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert database.read_bytes() == before
    assert not list(data_dir.glob("*.before-restore-*"))


def test_restoring_twice_keeps_each_database_it_replaced(data_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "b.db"
    assert cli(data_dir, "backup", str(source)).returncode == 0
    first = cli(data_dir, "restore", str(source))
    assert first.returncode == 0, first.stderr
    assert "حُفظت قاعدة البيانات السابقة" in first.stdout
    with contextlib.closing(sqlite3.connect(data_dir / SQLITE_FILE)) as conn:
        (version,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert version == max(known_revisions())
    assert len(list(data_dir.glob(f"{SQLITE_FILE}.before-restore-*"))) == 1


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_postgresql_is_pointed_to_its_own_tools(tmp_path: Path, command: str) -> None:
    url = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
    result = cli(tmp_path / "data", command, str(tmp_path / "x.dump"), TAWASUL_DATABASE_URL=url)
    assert result.returncode == 2
    tool = "pg_dump" if command == "backup" else "pg_restore"
    assert tool in result.stderr and "PostgreSQL" in result.stderr
    assert not (tmp_path / "x.dump").exists()
