"""The data dir holds the database, its WAL and the keys: readable by this user only."""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def lock_down(data_dir: Path) -> None:
    """0700 for the dir, 0600 for what is in it, and a umask so that what SQLite creates
    later (`-wal`, `-shm`, journals) is born the same way."""
    os.umask(0o077)
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(DIR_MODE)
    # Installs from before this rule have world-readable files: mend them on start.
    for path in data_dir.rglob("*"):
        if not path.is_symlink():
            path.chmod(DIR_MODE if path.is_dir() else FILE_MODE)
