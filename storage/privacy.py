"""What is held about one beneficiary, and overwriting it (handlers/privacy_erase.py).

Erasure overwrites rather than flags: the free texts become empty in place, so no query,
export or dump can find them again, while the rows themselves stay, for the counts, the
statuses, the dates and the ratings that the reports aggregate.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.models import (
    AuditEvent,
    Beneficiary,
    ChannelIdentity,
    Conversation,
    HandoverCase,
    Message,
    OutboxMessage,
    RequestAttachment,
    RequestTransition,
    SupportRequest,
    Survey,
)

ERASED = "erased"


@dataclass(frozen=True)
class Holdings:
    """Every row about one beneficiary, oldest first."""

    beneficiary: Beneficiary
    identities: list[ChannelIdentity]
    conversations: list[Conversation]
    requests: list[SupportRequest]
    attachments: list[RequestAttachment]
    transitions: list[RequestTransition]
    cases: list[HandoverCase]
    messages: list[Message]
    surveys: list[Survey]
    audit: list[AuditEvent]

    @property
    def conversation_ids(self) -> list[int]:
        return [c.id for c in self.conversations]

    @property
    def actors(self) -> list[str]:
        """How the beneficiary is named as the author of a change: their chats."""
        return [f"{c.channel}:{c.chat_id}" for c in self.conversations]


async def beneficiary_by_reference(session: AsyncSession, reference: str) -> Beneficiary | None:
    found = select(SupportRequest.beneficiary_id).where(SupportRequest.reference == reference)
    owner = (await session.execute(found)).scalar_one_or_none()
    return None if owner is None else await session.get(Beneficiary, owner)


async def beneficiary_by_hash(session: AsyncSession, national_id_hash: str) -> Beneficiary | None:
    found = select(Beneficiary).where(Beneficiary.national_id_hash == national_id_hash)
    return (await session.execute(found)).scalar_one_or_none()


async def _all(session: AsyncSession, query: Any) -> list[Any]:
    return list((await session.execute(query)).scalars().all())


async def holdings(session: AsyncSession, beneficiary: Beneficiary) -> Holdings:
    bid = beneficiary.id
    conversations = await _all(
        session, select(Conversation).where(Conversation.beneficiary_id == bid)
    )
    requests = await _all(
        session,
        select(SupportRequest).where(SupportRequest.beneficiary_id == bid).order_by("id"),
    )
    cases = await _all(session, select(HandoverCase).where(HandoverCase.beneficiary_id == bid))
    subjects = [f"request:{r.reference}" for r in requests] + [f"case:{c.id}" for c in cases]
    req_ids = [r.id for r in requests]
    return Holdings(
        beneficiary=beneficiary,
        identities=await _all(
            session, select(ChannelIdentity).where(ChannelIdentity.beneficiary_id == bid)
        ),
        conversations=conversations,
        requests=requests,
        attachments=await _all(
            session, select(RequestAttachment).where(RequestAttachment.request_id.in_(req_ids))
        ),
        transitions=await _all(session, _in(RequestTransition, "request_id", req_ids)),
        cases=cases,
        messages=await _all(
            session, _in(Message, "conversation_id", [c.id for c in conversations])
        ),
        surveys=await _all(session, select(Survey).where(Survey.beneficiary_id == bid)),
        audit=await _all(session, _in(AuditEvent, "subject", subjects)),
    )


def _in(table: Any, column: str, values: list[Any]) -> Any:
    """The rows of `table` whose `column` is one of `values`, oldest first."""
    return select(table).where(getattr(table, column).in_(values)).order_by(table.id)


async def _staff_outbox_ids(session: AsyncSession, case_ids: set[int]) -> list[int]:
    """The staff group's messages about the beneficiary's cases (a card, their words)."""
    if not case_ids:
        return []
    rows = await session.execute(
        select(OutboxMessage.id, OutboxMessage.body).where(OutboxMessage.kind == "staff")
    )
    return [i for i, body in rows if isinstance(body, dict) and body.get("case_id") in case_ids]


async def overwrite(session: AsyncSession, held: Holdings, now: datetime) -> dict[str, int]:
    """The free texts emptied and the channel names replaced; what each statement touched."""
    staff_ids = await _staff_outbox_ids(session, {c.id for c in held.cases})
    wipes = {**_transcript_wipes(held.conversation_ids, staff_ids), **_request_wipes(held)}
    counts = {name: await _update(session, statement) for name, statement in wipes.items()}
    await _rename_chats(session, held)
    beneficiary = held.beneficiary
    beneficiary.display_name = beneficiary.national_id_hash = None
    beneficiary.erased_at = now
    return counts


def _transcript_wipes(conv_ids: list[int], staff_ids: list[int]) -> dict[str, Any]:
    """What was said: both ways in the transcript, and every message queued about it."""
    outbox = OutboxMessage.conversation_id.in_(conv_ids) | OutboxMessage.id.in_(staff_ids)
    return {
        "messages": update(Message)
        .where(Message.conversation_id.in_(conv_ids))
        .values(text="", data={}, identifiers_enc=None),
        "outbox": update(OutboxMessage).where(outbox).values(body={}, last_error=None),
    }


def _request_wipes(held: Holdings) -> dict[str, Any]:
    """The requests' free fields and sealed values, staff notes, files' names, comments."""
    req_ids = [r.id for r in held.requests]
    noted = RequestTransition.note.is_not(None)
    commented = Survey.comment.is_not(None)
    return {
        "requests": update(SupportRequest)
        .where(SupportRequest.id.in_(req_ids))
        .values(full_name="", description="", missing_info=None)
        .values(national_id_enc="", phone_enc=""),
        "notes": update(RequestTransition)
        .where(RequestTransition.request_id.in_(req_ids), noted)
        .values(note=None),
        "attachments": update(RequestAttachment)
        .where(RequestAttachment.request_id.in_(req_ids))
        .values(file_id="", name=None),
        "surveys": update(Survey)
        .where(Survey.beneficiary_id == held.beneficiary.id, commented)
        .values(comment=None),
    }


async def _rename_chats(session: AsyncSession, held: Holdings) -> None:
    """The chat ids (a WhatsApp one is the phone number) wherever they name the person."""
    actors = held.actors
    await session.execute(
        update(RequestTransition).where(RequestTransition.actor.in_(actors)).values(actor=ERASED)
    )
    await session.execute(
        update(AuditEvent).where(AuditEvent.actor.in_(actors)).values(actor=ERASED)
    )
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.conversation_id.in_(held.conversation_ids))
        .values(chat_id=ERASED)
    )
    for conversation in held.conversations:
        conversation.chat_id = f"{ERASED}:{conversation.id}"
        conversation.state = {}
    for identity in held.identities:
        identity.external_user_id = f"{ERASED}:{identity.id}"
        identity.reachable = False


async def _update(session: AsyncSession, statement: Any) -> int:
    result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


async def compact_sqlite(db: Database) -> None:
    """SQLite, after the erasure's commit: no freed page nor WAL frame keeps an old copy.

    VACUUM rewrites the file from the live rows only; the checkpoint then empties the WAL,
    which held the pages as they were before. (A reader still open can hold the WAL back:
    the next checkpoint after it finishes empties it.) Its own connection: the engine's
    begin every statement in a transaction, where VACUUM can't run.
    """
    path = db.engine.url.database
    if db.is_sqlite and path:
        await asyncio.to_thread(_compact, path)


def _compact(path: str) -> None:
    with contextlib.closing(sqlite3.connect(path, isolation_level=None, timeout=30)) as conn:
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
