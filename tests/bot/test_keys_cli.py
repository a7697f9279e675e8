"""`bot.py keys rotate` as an operator runs it: the key file, or the two variables."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

import pytest

from storage.crypto import (
    KEY_FILE,
    DecryptionError,
    Vault,
    generate_master_key,
    load_or_create_master_key,
)
from storage.db import SQLITE_FILE
from tests.bot.test_privacy_erase_cli import _env, _file
from tests.bot.test_request_cli import FORM, NATIONAL_ID
from tests.processes import run_cli


def _wrapped(data: Path) -> list[str]:
    path = data / SQLITE_FILE
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        return [str(w) for (w,) in conn.execute("SELECT wrapped FROM data_keys")]


def _national_id(env: dict[str, str]) -> str | None:
    result = run_cli(["privacy", "export", "--national-id", NATIONAL_ID], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["requests"][0]["national_id"]


def test_rotating_the_key_file_keeps_everything_readable_and_the_old_key_opens_nothing(
    tmp_path: Path,
) -> None:
    data = tmp_path / "var"
    env = _env(data)
    _file(env, "noura", FORM)
    old = load_or_create_master_key(data, None)

    rotated = run_cli(["keys", "rotate"], env)
    assert rotated.returncode == 0, rotated.stderr
    assert "أُعيد تغليف 1" in rotated.stdout and str(data / KEY_FILE) in rotated.stdout
    assert not (data / (KEY_FILE + ".new")).exists()
    new = load_or_create_master_key(data, None)
    assert new != old
    assert _national_id(env) == NATIONAL_ID  # the ID still opens, and is still found
    for wrapped in _wrapped(data):
        Vault(new).unwrap(wrapped)
        with pytest.raises(DecryptionError):
            Vault(old).unwrap(wrapped)


def test_with_the_key_in_the_environment_the_new_one_comes_from_the_environment_too(
    tmp_path: Path,
) -> None:
    data = tmp_path / "var"
    old, new = generate_master_key(), generate_master_key()
    _file(_env(data, TAWASUL_ENCRYPTION_KEY=old), "noura", FORM)
    same = run_cli(
        ["keys", "rotate"], _env(data, TAWASUL_ENCRYPTION_KEY=old, TAWASUL_NEW_ENCRYPTION_KEY=old)
    )
    assert same.returncode == 1 and "نفسه" in same.stderr

    env = _env(data, TAWASUL_ENCRYPTION_KEY=old, TAWASUL_NEW_ENCRYPTION_KEY=new)
    rotated = run_cli(["keys", "rotate"], env)
    assert rotated.returncode == 0, rotated.stderr
    assert "TAWASUL_ENCRYPTION_KEY" in rotated.stdout
    assert not (data / KEY_FILE).exists()  # nothing written to disk: the key is the operator's
    assert _national_id(_env(data, TAWASUL_ENCRYPTION_KEY=new)) == NATIONAL_ID
    assert _national_id(env) == NATIONAL_ID  # before the restart: the old key + the new one
