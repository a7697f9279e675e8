"""Rotating the master key under a running engine: nothing re-encrypted, nothing lost."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers.clock import FixedClock
from handlers.engine import Engine
from handlers.keys_rotate import rotate
from storage import data_keys
from storage.crypto import DecryptionError, Vault
from storage.db import Database
from storage.key_models import DataKey
from storage.models import Beneficiary, SupportRequest
from tests.handlers.chats import KEY, submit_as

NEW_KEY = bytes(range(100, 132))
IDS = {"amina": "1098765439", "omar": "1000000008"}


async def test_a_running_engine_follows_a_rotation_and_the_old_key_opens_nothing(
    database: Database, engine: Engine, clock: FixedClock
) -> None:
    known = [KEY]
    running = Vault(KEY, reload=lambda: known)  # the bot's key sources, read again
    engine.cipher = running
    assert engine.dialog.form is not None
    engine.dialog.form.cipher = running
    await submit_as(engine, "amina")
    async with database.reading() as s:
        before = {
            r.id: r.national_id_enc for r in (await s.execute(select(SupportRequest))).scalars()
        }

    known.append(NEW_KEY)  # written down before the rotation commits (bot/cli/keys.py)
    done = await rotate(database, clock, Vault(KEY), Vault(NEW_KEY))
    assert done.rewrapped == 1 and done.rehashed == 1 and done.sealed == 0
    await submit_as(engine, "omar")  # the running engine, after the rotation

    new, old = Vault(NEW_KEY), Vault(KEY)
    async with database.reading() as s:
        wrapped = (await s.execute(select(DataKey.wrapped))).scalars().all()
        requests = (await s.execute(select(SupportRequest))).scalars().all()
        opened = [await data_keys.open_token(s, new, r.national_id_enc) for r in requests]
        hashes = set((await s.execute(select(Beneficiary.national_id_hash))).scalars())
    assert len(wrapped) == 2 and all(w.startswith(new.wrap_mark()) for w in wrapped)
    for w in wrapped:
        with pytest.raises(DecryptionError):
            old.unwrap(w)
    assert sorted(opened) == sorted(IDS.values())
    assert hashes == {new.keyed_hash(i) for i in IDS.values()}
    # The data itself was not re-encrypted: the same tokens, now opened by the new key.
    assert {r.id: r.national_id_enc for r in requests if r.id in before} == before
