"""The turn's identifiers moved into the beneficiary's own envelope before anything is kept.

The dialog encrypts what the form takes under the master key (it has no database); the
engine, in the same transaction, re-encrypts each such value under the beneficiary's data
key (storage/data_keys.py), so that nothing stored stays readable with the master key
alone and an erasure's destroyed key shreds it all.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from handlers import fields
from handlers.desk_views import RevealedIdentifier
from handlers.errors import Refusal
from handlers.turn import Turn
from storage import data_keys
from storage.crypto import DecryptionError, Vault
from storage.db import Session

SEALED_FIELDS = ("national_id_enc", "phone_enc")


def _holders(turn: Turn) -> list[dict[str, Any]]:
    """Where the turn carries sealed fields: the draft, a submitted form, a correction."""
    form = turn.state.get("form")
    draft = form.get("data") if isinstance(form, dict) else None
    found = [draft, turn.submit, turn.complete]
    return [d for d in found if isinstance(d, dict)]


async def seal_turn(
    session: Session,
    vault: Vault,
    beneficiary_id: int,
    turn: Turn,
    message: str | None,
    now: datetime,
) -> str | None:
    """Seals the turn's fields in place; the message's identifiers token, sealed."""
    for data in _holders(turn):
        for field in SEALED_FIELDS:
            if isinstance(data.get(field), str):
                data[field] = await data_keys.seal(session, vault, beneficiary_id, data[field], now)
        if "national_id_hash" in data:
            # Hashed again now the data key was opened: a rotation since the dialog hashed
            # it (this process learns of one on opening a key) changed the hash key.
            clear = await data_keys.open_token(session, vault, str(data["national_id_enc"]))
            data["national_id_hash"] = vault.keyed_hash(clear)
    if message is None:
        return None
    return await data_keys.seal(session, vault, beneficiary_id, message, now)


async def revealed(
    session: Session, vault: Vault, message_id: int, at: datetime, token: str
) -> list[RevealedIdentifier]:
    """The identifiers a message shows masked, opened for an admin who asked."""
    try:
        values = json.loads(await data_keys.open_token(session, vault, token))
    except (DecryptionError, ValueError):
        raise Refusal("staffweb-unreadable", http_status=500) from None
    masks = {"national_id": fields.mask_national_id, "phone": fields.mask_phone}
    return [
        RevealedIdentifier(message_id, at, v["kind"], masks[v["kind"]](v["value"]), v["value"])
        for v in values
        if v.get("kind") in masks
    ]
