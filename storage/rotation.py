"""What a master-key rotation touches besides the data keys (handlers/keys_rotate.py).

Values written before envelope encryption (migration 0013) are still under the master key
itself; the rotation moves them into their beneficiary's envelope first, since the old
master key is about to open nothing. And the keyed hash of each national ID is computed
again under the new key, from the ID its data key opens.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import data_keys
from storage.crypto import DecryptionError, Vault
from storage.models import Beneficiary, Conversation, Message, SupportRequest

_SEALED = data_keys.PREFIX + ".%"


async def seal_legacy(session: AsyncSession, vault: Vault, now: datetime) -> int:
    """Every value still under the master key alone, moved into its envelope."""
    moved = 0
    requests = await session.execute(
        select(SupportRequest).where(
            (
                SupportRequest.national_id_enc.not_like(_SEALED)
                & (SupportRequest.national_id_enc != "")
            )
            | (SupportRequest.phone_enc.not_like(_SEALED) & (SupportRequest.phone_enc != ""))
        )
    )
    for r in requests.scalars():
        r.national_id_enc = await _sealed(session, vault, r.beneficiary_id, r.national_id_enc, now)
        r.phone_enc = await _sealed(session, vault, r.beneficiary_id, r.phone_enc, now)
        moved += 1
    messages = await session.execute(
        select(Message, Conversation.beneficiary_id)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Message.identifiers_enc.is_not(None), Message.identifiers_enc.not_like(_SEALED))
    )
    for message, owner in messages:
        message.identifiers_enc = await _sealed(session, vault, owner, message.identifiers_enc, now)
        moved += 1
    return moved


async def _sealed(
    session: AsyncSession, vault: Vault, beneficiary_id: int, token: str | None, now: datetime
) -> str:
    if not token:
        return token or ""
    return await data_keys.seal(session, vault, beneficiary_id, token, now)


async def rehash(session: AsyncSession, new: Vault) -> int:
    """Each beneficiary's national-ID hash under the new key, from their latest request."""
    owners = await session.execute(
        select(Beneficiary).where(Beneficiary.national_id_hash.is_not(None))
    )
    changed = 0
    for beneficiary in owners.scalars():
        latest = await session.execute(
            select(SupportRequest.national_id_enc)
            .where(SupportRequest.beneficiary_id == beneficiary.id)
            .order_by(SupportRequest.id.desc())
            .limit(1)
        )
        token = latest.scalar_one_or_none()
        if not token:
            continue
        try:
            clear = await data_keys.open_token(session, new, token)
        except DecryptionError:
            continue
        beneficiary.national_id_hash = new.keyed_hash(clear)
        changed += 1
    return changed
