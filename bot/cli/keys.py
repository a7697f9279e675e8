"""`bot.py keys rotate`: a new master key, the data keys re-wrapped under it, no downtime.

The new key is `TAWASUL_NEW_ENCRYPTION_KEY` when set, else one generated into the data
dir as `encryption.key.new` (or the one an interrupted rotation left there). It is written
down before the database changes, so that every process can find it the moment the
rotation commits (storage/crypto.py `key_sources`); running bots move to it on their own.
Afterwards, with the key kept in the data dir, `encryption.key.new` replaces
`encryption.key` and the old key is gone; with `TAWASUL_ENCRYPTION_KEY`, the operator puts
the new key there (the command says so). docs/privacy.md, "Destruction and keys".
"""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.cli.common import EXIT_FAILED, Subparsers, complain, database
from bot.config import Settings
from bot.i18n import Catalog

if TYPE_CHECKING:
    from handlers.keys_rotate import Rotated


def register(sub: Subparsers) -> None:
    keys = sub.add_parser("keys", help="the encryption keys")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    rotate = keys_sub.add_parser("rotate", help="a new master key; the data keys re-wrapped")
    rotate.set_defaults(run=cmd_keys_rotate)


def _pending(settings: Settings) -> Path:
    from storage.crypto import KEY_FILE, NEW_SUFFIX

    return settings.data_dir / (KEY_FILE + NEW_SUFFIX)


def _new_key(settings: Settings) -> bytes:
    """The key to move to, written down where every process looks for it."""
    from storage.crypto import create_secret_file, generate_master_key, key_sources

    pending = _pending(settings)
    given = (settings.new_encryption_key or "").strip()
    if given and not settings.encryption_key:
        # Bound for the key file: what an interrupted rotation left there gives way.
        if pending.exists() and pending.read_text(encoding="ascii").strip() != given:
            pending.unlink()
        create_secret_file(pending, given + "\n")
    elif not given and not pending.exists():
        create_secret_file(pending, generate_master_key() + "\n")
    # [the current key, the given new one or the pending one, …]
    return key_sources(settings.data_dir, settings.encryption_key, given or None)[1]


def cmd_keys_rotate(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    from handlers.clock import SystemClock
    from handlers.keys_rotate import rotate
    from storage.crypto import KEY_FILE, Vault, fingerprint, load_or_create_master_key

    old_key = load_or_create_master_key(settings.data_dir, settings.encryption_key)
    new_key = _new_key(settings)
    if fingerprint(new_key) == fingerprint(old_key):
        return complain(tr("keys-rotate-same"), EXIT_FAILED)

    async def run() -> Rotated:
        async with database(settings, tr) as db:
            return await rotate(db, SystemClock(), Vault(old_key), Vault(new_key))

    done = asyncio.run(run())
    out.write(tr("keys-rotated", count=done.rewrapped) + "\n")
    if settings.encryption_key:
        if _pending(settings).exists():  # generated here: the operator moves it
            out.write(tr("keys-rotated-file", path=str(_pending(settings))) + "\n")
        out.write(tr("keys-rotated-env") + "\n")
        return 0
    key_file = settings.data_dir / KEY_FILE
    os.replace(_pending(settings), key_file)
    out.write(tr("keys-rotated-file", path=str(key_file)) + "\n")
    return 0
