"""The signing key: from TAWASUL_SECRET_KEY, or generated once into the data dir."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

KEY_FILE = "secret.key"


def load_or_create_secret(data_dir: Path, configured: str | None) -> str:
    if configured:
        return configured
    path = data_dir / KEY_FILE
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting together must not each write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key
