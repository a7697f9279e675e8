"""Rotating the master key: the data keys re-wrapped, the data itself left as it is.

One transaction: values from before envelope encryption move into their envelopes (under
the old key, still known), every data key is re-wrapped under the new master key, and the
national-ID hashes are computed again under it. A second pass after the commit catches a
key that a running process wrapped under the old master meanwhile. The caller then puts
the new key where the bot reads it (bot/cli/keys.py); running processes follow on their
own (storage/crypto.py, `Vault.unwrap`).
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.clock import Clock
from storage import data_keys, rotation
from storage.crypto import Vault
from storage.db import Database


@dataclass(frozen=True)
class Rotated:
    rewrapped: int  # data keys now under the new master key
    sealed: int  # values from before envelope encryption, moved into one
    rehashed: int  # national-ID hashes computed again


async def rotate(db: Database, clock: Clock, old: Vault, new: Vault) -> Rotated:
    now = clock.now()
    async with db.transaction() as session:
        sealed = await rotation.seal_legacy(session, old, now)
        rewrapped = await data_keys.rewrap_all(session, old, new)
        rehashed = await rotation.rehash(session, new)
    async with db.transaction() as session:
        rewrapped += await data_keys.rewrap_all(session, old, new)
    return Rotated(rewrapped, sealed, rehashed)
