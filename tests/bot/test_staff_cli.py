"""`bot.py staff add --password-stdin` and `bot.py staff password`, as an admin runs them."""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path

import pytest

from handlers.staff_auth import authenticate
from storage.db import Database, sqlite_url
from tests.processes import run_cli

PASSWORD = "كلمة سر طويلة 123"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TAWASUL_")}
    return {**clean, "TAWASUL_DATA_DIR": str(tmp_path / "var")}


def run(env: dict[str, str], args: list[str], stdin: str) -> subprocess.CompletedProcess[str]:
    return run_cli(args, env, stdin)


def signs_in(env: dict[str, str], username: str, password: str) -> bool:
    async def check() -> bool:
        db = Database(sqlite_url(Path(env["TAWASUL_DATA_DIR"])))
        try:
            return await authenticate(db, username, password) is not None
        finally:
            await db.dispose()

    return asyncio.run(check())


def test_an_admin_sets_passwords_without_them_showing_anywhere(env: dict[str, str]) -> None:
    added = run(
        env,
        ["staff", "add", "sara", "--name", "سارة", "--role", "admin", "--password-stdin"],
        PASSWORD + "\n",
    )
    assert added.returncode == 0, added.stderr
    assert "/link" in added.stdout
    assert PASSWORD not in added.stdout + added.stderr
    assert signs_in(env, "sara", PASSWORD)

    short = run(env, ["staff", "password", "sara"], "قصيرة\n")
    assert short.returncode == 1 and "قصيرة؛ أقلها 10" in short.stderr
    assert signs_in(env, "sara", PASSWORD)  # nothing changed

    changed = run(env, ["staff", "password", "sara"], "a brand new password\n")
    assert changed.returncode == 0 and "/staff/login" in changed.stdout
    assert "a brand new password" not in changed.stdout + changed.stderr
    assert signs_in(env, "sara", "a brand new password")
    assert not signs_in(env, "sara", PASSWORD)

    nobody = run(env, ["staff", "password", "nobody"], "a brand new password\n")
    assert nobody.returncode == 1 and "«nobody»" in nobody.stderr
    empty = run(env, ["staff", "password", "sara"], "")
    assert empty.returncode == 1 and "لم تصل كلمة مرور" in empty.stderr
