"""`bot.py privacy export | erase` as an admin runs them, and the grep that proves the erasure.

A beneficiary files a request through the real chat; after `privacy erase` neither the
SQLite file nor its WAL (nor a PostgreSQL dump) holds their name, national ID, phone or
description, and a backup taken before the erasure no longer opens their ID and phone.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from storage.db import SQLITE_FILE
from tests.bot.test_request_cli import FORM, NATIONAL_ID
from tests.conftest import PG_URL
from tests.processes import clean_env, new_pg_database, run_cli

NAME = "نورة سعد الشهري"
PHONE = "558764321"  # the local digits of +966 55 876 4321, however it is written
DESCRIPTION = "والدتي كبيرة في السن"
SECRETS = [NAME, NATIONAL_ID, PHONE, DESCRIPTION, "noura"]
OTHER_ID = "1000000008"
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _env(data_dir: Path, **more: str) -> dict[str, str]:
    return clean_env(TAWASUL_DATA_DIR=str(data_dir), TAWASUL_ORG="takatuf", **more)


def _file(env: dict[str, str], user: str, form: list[str]) -> str:
    """A request filed in the terminal chat; its reference."""
    args = ["chat", "--json", "--org", "takatuf", "--user", user]
    result = run_cli(args, env, "\n".join(form) + "\n")
    assert result.returncode == 0, result.stderr
    receipt = json.loads(result.stdout.splitlines()[-1])["replies"][0]["text"]
    return str(receipt.split(": ")[1].split()[0].strip("\u2066\u2069"))


def _other(form: list[str]) -> list[str]:
    """Another person's form: their own name, ID, phone and description."""
    about = "أحتاج مساعدة في سداد الإيجار"
    return [form[0], "سلمان خالد القحطاني", OTHER_ID, "0561234567", *form[4:6], about, *form[7:]]


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(["privacy", *args], env)


def _raw(data_dir: Path) -> bytes:
    """The SQLite file and whatever lies beside it (-wal, -shm), as bytes."""
    return b"".join(p.read_bytes() for p in data_dir.glob(SQLITE_FILE + "*"))


def _found(raw: bytes) -> list[str]:
    return [s for s in SECRETS if s.encode("utf-8") in raw]


def test_erasure_leaves_nothing_readable_in_the_sqlite_file_and_its_wal(tmp_path: Path) -> None:
    data = tmp_path / "var"
    env = _env(data)
    reference = _file(env, "noura", FORM)
    other = _file(env, "salman", _other(FORM))
    assert _found(_raw(data))  # the grep finds them while they are held

    copy = _cli(env, "export", "--reference", reference.translate(ARABIC_INDIC))
    assert copy.returncode == 0, copy.stderr
    held = json.loads(copy.stdout)
    assert held["requests"][0]["national_id"] == NATIONAL_ID
    assert held["requests"][0]["full_name"] == NAME
    assert any(DESCRIPTION in m["text"] for m in held["transcript"])

    backup = tmp_path / "before.db"
    assert run_cli(["db", "backup", str(backup)], env).returncode == 0

    refused = _cli(env, "erase", "--national-id", NATIONAL_ID, "--reason", "طلب المستفيد")
    assert refused.returncode == 1 and "--yes" in refused.stderr
    still_open = _cli(env, "erase", "--national-id", NATIONAL_ID, "--reason", "طلب", "--yes")
    assert still_open.returncode == 1 and reference in still_open.stderr
    assert "--force-open" in still_open.stderr

    by_id = ["--national-id", NATIONAL_ID.translate(ARABIC_INDIC)]
    args = ["erase", *by_id, "--reason", "طلب المستفيد", "--yes", "--force-open"]
    erased = _cli(env, *args)
    assert erased.returncode == 0, erased.stderr
    assert "أُتلفت بيانات المستفيد" in erased.stdout and reference in erased.stdout
    assert _found(_raw(data)) == []

    again = _cli(env, *args)
    assert again.returncode == 1 and "لا يوجد مستفيد" in again.stderr  # the ID's hash is gone
    by_reference = _cli(env, "erase", "--reference", reference, "--reason", "x", "--yes")
    assert by_reference.returncode == 0 and "من قبل" in by_reference.stdout

    left = json.loads(_cli(env, "export", "--reference", reference).stdout)["requests"][0]
    assert left["national_id"] is None and left["full_name"] == "" and left["unreadable"]
    assert left["status"] == "submitted" and left["type"]  # the counts stay for the reports
    kept = json.loads(_cli(env, "export", "--reference", other).stdout)["requests"][0]
    assert kept["national_id"] == OTHER_ID  # nobody else lost anything

    _restore_the_old_backup(tmp_path, data, backup, reference, other)


def _restore_the_old_backup(
    tmp_path: Path, data: Path, backup: Path, reference: str, other: str
) -> None:
    """The backup from before the erasure, put back with today's key material (the master
    key and the data keys of the live database): the erased person's ID and phone stay
    shut, everyone else's open."""
    raw = backup.read_bytes()
    assert NATIONAL_ID.encode() not in raw and PHONE.encode() not in raw  # never in clear
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(data, elsewhere)
    env = _env(elsewhere)
    restored = run_cli(["db", "restore", str(backup)], env)
    assert restored.returncode == 0, restored.stderr
    copy = json.loads(_cli(env, "export", "--reference", reference).stdout)["requests"][0]
    assert copy["full_name"] == NAME  # the old backup still has what it had...
    assert copy["national_id"] is None and copy["phone"] is None  # ...but not the ID, phone
    kept = json.loads(_cli(env, "export", "--reference", other).stdout)["requests"][0]
    assert kept["national_id"] == OTHER_ID


def test_nobody_matching_is_said_in_arabic_with_exit_1(tmp_path: Path) -> None:
    env = _env(tmp_path / "var")
    for args in (["export", "--reference", "2612-00042"], ["export", "--national-id", OTHER_ID]):
        result = _cli(env, *args)
        assert result.returncode == 1 and "لا يوجد مستفيد" in result.stderr
        assert OTHER_ID not in result.stderr  # an ID is said masked


@pytest.mark.skipif(PG_URL is None, reason="needs PostgreSQL: set TAWASUL_TEST_DATABASE_URL")
def test_erasure_leaves_nothing_in_a_postgresql_dump(tmp_path: Path) -> None:
    assert PG_URL is not None and shutil.which("pg_dump")

    async def run() -> None:
        async with new_pg_database(PG_URL, "tawasul_erase") as url:
            await asyncio.to_thread(_erase_on, tmp_path, url)

    asyncio.run(run())


def _erase_on(tmp_path: Path, url: str) -> None:
    env = _env(tmp_path / "var", TAWASUL_DATABASE_URL=url)
    assert run_cli(["db", "upgrade"], env).returncode == 0
    reference = _file(env, "noura", FORM)
    dump = ["pg_dump", "--data-only", url.replace("postgresql+asyncpg://", "postgresql://")]
    assert _found(subprocess.run(dump, capture_output=True, check=True).stdout)
    erased = _cli(env, "erase", "--reference", reference, "--reason", "x", "--yes", "--force-open")
    assert erased.returncode == 0, erased.stderr
    assert _found(subprocess.run(dump, capture_output=True, check=True).stdout) == []
