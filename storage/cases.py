"""Handover cases in the database: opened, found, locked, listed. Never committed here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Beneficiary,
    CaseStatus,
    Conversation,
    HandoverCase,
    Message,
    OutboxMessage,
    OutboxState,
    Staff,
)

# A case with its conversation, the name the channel gave and the assignee's name.
CaseRow = tuple[HandoverCase, Conversation, str | None, str | None]


async def open_case(
    session: AsyncSession, conversation: Conversation, reason: str, now: datetime
) -> HandoverCase:
    case = HandoverCase(
        beneficiary_id=conversation.beneficiary_id,
        conversation_id=conversation.id,
        reason=reason,
        status=CaseStatus.OPEN,
        opened_at=now,
    )
    session.add(case)
    await session.flush()
    return case


async def close_case(session: AsyncSession, case_id: int, now: datetime) -> None:
    case = await case_for_update(session, case_id)
    if case is not None and case.status != CaseStatus.CLOSED:
        case.status = CaseStatus.CLOSED
        case.closed_at = now


async def case_for_update(session: AsyncSession, case_id: int) -> HandoverCase | None:
    return await session.get(HandoverCase, case_id, with_for_update=True)


async def case_at(
    session: AsyncSession, thread_id: int | None, reply_to: int | None
) -> HandoverCase | None:
    """The case of a staff group's forum topic, else of the card a message replies to."""
    if thread_id is not None:
        found = await _one_case(session, HandoverCase.staff_thread_id == thread_id)
        if found is not None:
            return found
    if reply_to is not None:
        return await _one_case(session, HandoverCase.staff_card_message_id == reply_to)
    return None


async def _one_case(session: AsyncSession, where: ColumnElement[bool]) -> HandoverCase | None:
    found = await session.execute(select(HandoverCase).where(where))
    return found.scalar_one_or_none()


def _with_people() -> Select[HandoverCase, Conversation, str | None, str]:
    return (
        select(HandoverCase, Conversation, Beneficiary.display_name, Staff.display_name)
        .join(Conversation, Conversation.id == HandoverCase.conversation_id)
        .join(Beneficiary, Beneficiary.id == HandoverCase.beneficiary_id)
        .outerjoin(Staff, Staff.id == HandoverCase.assignee_id)
    )


async def case_row(session: AsyncSession, case_id: int) -> CaseRow | None:
    row = (await session.execute(_with_people().where(HandoverCase.id == case_id))).first()
    if row is None:
        return None
    case, conversation, who, assignee = row
    return case, conversation, who, assignee


async def case_rows(session: AsyncSession, tab: str, staff_id: int, limit: int) -> list[CaseRow]:
    """A tab of the staff inbox: open, mine, unclaimed, or closed (latest closed first)."""
    query = _with_people()
    live = HandoverCase.status != CaseStatus.CLOSED
    if tab == "open":
        query = query.where(live)
    elif tab == "mine":
        query = query.where(live, HandoverCase.assignee_id == staff_id)
    elif tab == "unclaimed":
        query = query.where(live, HandoverCase.assignee_id.is_(None))
    else:
        query = query.where(HandoverCase.status == CaseStatus.CLOSED).order_by(
            HandoverCase.closed_at.desc(), HandoverCase.id.desc()
        )
    rows = (await session.execute(query.limit(limit))).all()
    return [(case, conversation, who, assignee) for case, conversation, who, assignee in rows]


async def messages_of_cases(session: AsyncSession, case_ids: list[int]) -> dict[int, list[Message]]:
    """Each case's own messages, oldest first."""
    by_case: dict[int, list[Message]] = {i: [] for i in case_ids}
    if case_ids:
        found = await session.execute(
            select(Message)
            .where(Message.case_id.in_(case_ids))
            .order_by(Message.case_id, Message.id)
        )
        for m in found.scalars():
            by_case[m.case_id or 0].append(m)
    return by_case


async def recent_messages(
    session: AsyncSession, conversation_id: int, limit: int, *, after: int = 0
) -> list[Message]:
    """The conversation's latest messages (after the id `after`), oldest first."""
    found = await session.execute(
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.id > after)
        .order_by(Message.id.desc())
        .limit(limit)
    )
    return list(reversed(found.scalars().all()))


async def sealed_messages(
    session: AsyncSession, conversation_id: int, limit: int
) -> list[tuple[int, datetime, str]]:
    """(id, time, sealed identifiers) of the latest messages that hold some, oldest first."""
    rows = await session.execute(
        select(Message.id, Message.created_at, Message.identifiers_enc)
        .where(Message.conversation_id == conversation_id, Message.identifiers_enc.is_not(None))
        .order_by(Message.id.desc())
        .limit(limit)
    )
    return [(i, at, token) for i, at, token in reversed(rows.all()) if token is not None]


async def unclaimed_for_update(
    session: AsyncSession, opened_before: datetime
) -> list[HandoverCase]:
    """Open cases nobody claimed since before then, locked (another process skips them)."""
    rows = await session.execute(
        select(HandoverCase)
        .where(
            HandoverCase.status == CaseStatus.OPEN,
            HandoverCase.assignee_id.is_(None),
            HandoverCase.opened_at <= opened_before,
        )
        .order_by(HandoverCase.id)
        .with_for_update(skip_locked=True)
    )
    return list(rows.scalars().all())


async def deliveries(
    session: AsyncSession, conversation_id: int, since: datetime
) -> dict[tuple[datetime, str], str]:
    """What the channel said of each message sent since `since`, by (time, text): a
    transcript line and its outbox row are written together, with the same time and text.
    The latest word per message: `held`, `failed`, or the delivery status."""
    rows = await session.execute(
        select(
            OutboxMessage.created_at,
            OutboxMessage.body,
            OutboxMessage.state,
            OutboxMessage.delivery,
        )
        .where(OutboxMessage.conversation_id == conversation_id, OutboxMessage.created_at >= since)
        .order_by(OutboxMessage.id)
    )
    found: dict[tuple[datetime, str], str] = {}
    for at, body, state, delivery in rows.all():
        word = state if state in (OutboxState.HELD, OutboxState.FAILED) else delivery
        if word:
            found[(at, str(body.get("text", "")))] = word
    return found
