"""Each beneficiary's own data key: the envelope around their encrypted values.

A value sealed for a beneficiary is ``dk1.<key id>.<Fernet token under the data key>``;
the data key (32 random bytes) is stored only wrapped by the master key (`Vault.wrap`).
Destroying a beneficiary's key rows makes every copy of their sealed values unreadable,
in the database and in every backup taken before, since no backup holds a data key the
master key could still open once its row is gone from the live database and rotated out
of the old backups' reach (docs/privacy.md, "Destruction and keys").

A token without the prefix was written under the master key itself (before migration
0013, or by the dialog this very turn): it is still read, and `seal` moves it into the
beneficiary's envelope.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import DecryptionError, Vault, data_fernet
from storage.key_models import DataKey

PREFIX = "dk1"
DATA_KEY_BYTES = 32


def is_sealed(token: str) -> bool:
    return token.startswith(PREFIX + ".")


async def _current_key(
    session: AsyncSession, vault: Vault, beneficiary_id: int, now: datetime
) -> tuple[str, bytes]:
    """The beneficiary's oldest data key, made on first use."""
    row = (
        await session.execute(
            select(DataKey)
            .where(DataKey.beneficiary_id == beneficiary_id)
            .order_by(DataKey.created_at, DataKey.id)
            .limit(1)
        )
    ).scalar_one_or_none()
    if row is not None:
        return row.id, vault.unwrap(row.wrapped)
    await follow_rotation(session, vault)
    key, key_id = os.urandom(DATA_KEY_BYTES), secrets.token_hex(16)
    session.add(
        DataKey(id=key_id, beneficiary_id=beneficiary_id, wrapped=vault.wrap(key), created_at=now)
    )
    await session.flush()
    return key_id, key


async def seal(
    session: AsyncSession, vault: Vault, beneficiary_id: int, token: str, now: datetime
) -> str:
    """A master-key token re-encrypted under the beneficiary's data key (sealed: as is)."""
    if is_sealed(token):
        return token
    key_id, key = await _current_key(session, vault, beneficiary_id, now)
    sealed = data_fernet(key).encrypt(vault.decrypt(token).encode("utf-8")).decode("ascii")
    return f"{PREFIX}.{key_id}.{sealed}"


async def open_token(session: AsyncSession, vault: Vault, token: str) -> str:
    """The clear value; `DecryptionError` when its key was destroyed or it was altered."""
    if not is_sealed(token):
        return vault.decrypt(token)
    _, key_id, sealed = token.split(".", 2)
    row = await session.get(DataKey, key_id)
    if row is None:
        raise DecryptionError("the data key of this value was destroyed (erasure)")
    try:
        return data_fernet(vault.unwrap(row.wrapped)).decrypt(sealed).decode("utf-8")
    except ValueError as exc:
        raise DecryptionError("a sealed value was altered") from exc


async def open_json(session: AsyncSession, vault: Vault, token: str) -> object:
    return json.loads(await open_token(session, vault, token))


async def move_keys(session: AsyncSession, from_id: int, to_id: int) -> None:
    """A channel-only beneficiary joins its owner: its keys (and what they seal) go too."""
    await session.execute(
        update(DataKey).where(DataKey.beneficiary_id == from_id).values(beneficiary_id=to_id)
    )


async def destroy_keys(session: AsyncSession, beneficiary_id: int) -> int:
    """Crypto-shredding: every value sealed for the beneficiary becomes unreadable."""
    result = await session.execute(delete(DataKey).where(DataKey.beneficiary_id == beneficiary_id))
    return int(getattr(result, "rowcount", 0) or 0)


async def rewrap_all(session: AsyncSession, old: Vault, new: Vault) -> int:
    """Every data key not yet under the new master key re-wrapped; the data stays as is."""
    mark = new.wrap_mark()
    found = select(DataKey).where(DataKey.wrapped.not_like(mark + "%")).with_for_update()
    rows = (await session.execute(found)).scalars().all()
    for row in rows:
        row.wrapped = new.wrap(old.unwrap(row.wrapped))
    return len(rows)


async def follow_rotation(session: AsyncSession, vault: Vault) -> None:
    """Before wrapping a new key: a rotation committed since this process started is
    seen on any stored key, and the vault moves to the new master key with it."""
    # Any one key tells: a rotation re-wraps them all in one transaction.
    other = (await session.execute(select(DataKey.wrapped).limit(1))).scalar_one_or_none()
    if other is not None and not other.startswith(vault.wrap_mark()):
        with contextlib.suppress(DecryptionError):
            vault.unwrap(other)
