"""The signing key: from TAWASUL_SECRET_KEY, or generated once into the data dir."""

from __future__ import annotations

import secrets
from pathlib import Path

from storage.crypto import create_secret_file

KEY_FILE = "secret.key"


def load_or_create_secret(data_dir: Path, configured: str | None) -> str:
    if configured:
        return configured
    path = data_dir / KEY_FILE
    if not path.exists():
        create_secret_file(path, secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip()
