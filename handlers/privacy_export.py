"""A copy of everything held about one beneficiary, as one JSON-ready object (PDPL access).

The identifiers are opened here, in full, because the copy is the person's own: it goes to
an admin answering their request, never to a list or a log. A value whose data key was
destroyed (an erasure) shows as null with `"unreadable": true`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from handlers.clock import Clock
from handlers.privacy_subject import Audit, Subject, find
from storage import data_keys, privacy
from storage.crypto import DecryptionError, Vault
from storage.db import Database, Session
from storage.models import HandoverCase, Message, SupportRequest, Survey

FORMAT = "tawasul.privacy-export/1"


async def export(
    db: Database, clock: Clock, vault: Vault, subject: Subject, *, audit: Audit | None = None
) -> dict[str, Any]:
    now = clock.now()
    async with db.transaction() as session:
        beneficiary = await find(session, vault, subject)
        held = await privacy.holdings(session, beneficiary)
        copy = await _copy(session, vault, held, now)
        if audit is not None:
            audit(session, "privacy.exported", f"beneficiary:{beneficiary.id}", {}, now)
    return copy


async def _copy(
    session: Session, vault: Vault, held: privacy.Holdings, now: datetime
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "exported_at": _at(now),
        "profile": _profile(held),
        "channels": [
            {"channel": i.channel, "user": i.external_user_id, "since": _at(i.created_at)}
            for i in held.identities
        ],
        "requests": [await _request(session, vault, held, r) for r in held.requests],
        "cases": [_case(c) for c in held.cases],
        "transcript": [await _message(session, vault, m) for m in held.messages],
        "surveys": [_survey(s) for s in held.surveys],
        "audit": [
            {"at": _at(e.at), "actor": e.actor, "action": e.action, "subject": e.subject}
            for e in held.audit
        ],
    }


def _profile(held: privacy.Holdings) -> dict[str, Any]:
    b = held.beneficiary
    return {
        "id": b.id,
        "created_at": _at(b.created_at),
        "locale": b.locale,
        "display_name": b.display_name,
        "erased_at": _at(b.erased_at),
    }


def _case(c: HandoverCase) -> dict[str, Any]:
    return {
        "id": c.id,
        "reason": c.reason,
        "status": c.status,
        "opened_at": _at(c.opened_at),
        "closed_at": _at(c.closed_at),
    }


def _survey(s: Survey) -> dict[str, Any]:
    return {
        "trigger": s.trigger,
        "status": s.status,
        "rating": s.rating,
        "comment": s.comment,
        "answered_at": _at(s.answered_at),
    }


async def _request(
    session: Session, vault: Vault, held: privacy.Holdings, r: SupportRequest
) -> dict[str, Any]:
    national_id = await _open(session, vault, r.national_id_enc)
    phone = await _open(session, vault, r.phone_enc)
    return {
        "reference": r.reference,
        "type": r.type,
        "status": r.status,
        "full_name": r.full_name,
        "national_id": national_id,
        "phone": phone,
        "unreadable": national_id is None or phone is None,
        "city": r.city,
        "description": r.description,
        "missing_info": r.missing_info,
        "declaration_version": r.declaration_version,
        "declared_at": _at(r.declared_at),
        "submitted_at": _at(r.submitted_at),
        "decided_at": _at(r.decided_at),
        "attachments": [
            {"kind": a.kind, "name": a.name, "size": a.size, "at": _at(a.created_at)}
            for a in held.attachments
            if a.request_id == r.id
        ],
        "history": [
            {"from": t.from_status, "to": t.to_status, "note": t.note, "at": _at(t.at)}
            for t in held.transitions
            if t.request_id == r.id
        ],
    }


async def _message(session: Session, vault: Vault, m: Message) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "at": _at(m.created_at),
        "direction": m.direction,
        "author": m.author,
        "text": m.text,
    }
    if m.identifiers_enc:
        opened = await _open(session, vault, m.identifiers_enc)
        shown["identifiers"] = None if opened is None else json.loads(opened)
    return shown


async def _open(session: Session, vault: Vault, token: str | None) -> str | None:
    if not token:
        return None
    try:
        return await data_keys.open_token(session, vault, token)
    except DecryptionError:
        return None


def _at(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
