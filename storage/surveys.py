"""Surveys' reads and writes: inserts that skip a duplicate, the jobs' locked batches,
a campaign's targets, and what a beneficiary has left to rate. Nothing here commits."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, select
from sqlalchemy.dialects import postgresql, sqlite

from storage.db import Session
from storage.models import CaseStatus, Conversation, HandoverCase, SupportRequest, Survey
from storage.repositories import locked_conversations


def _insert_all(session: Session, rows: list[dict[str, Any]]) -> postgresql.Insert | sqlite.Insert:
    """Insert surveys, skipping any whose (request|case, trigger) already has one."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(Survey).values(rows).on_conflict_do_nothing()


async def insert(session: Session, values: dict[str, Any]) -> int | None:
    """Insert one survey; None when its (request|case, trigger) already has one."""
    stmt = _insert_all(session, [values]).returning(Survey.id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def insert_many(session: Session, rows: list[dict[str, Any]]) -> dict[int | None, int]:
    """One statement for them all: request id → survey id of those not taken already."""
    if not rows:
        return {}
    stmt = _insert_all(session, rows).returning(Survey.request_id, Survey.id)
    return {rid: sid for rid, sid in (await session.execute(stmt)).all()}


# -- the jobs' batches --------------------------------------------------------------------------


async def _locked(
    session: Session, condition: ColumnElement[bool], limit: int
) -> list[tuple[Conversation, Survey]]:
    """The surveys matching `condition`, each with its conversation, both locked.

    Locked in the engine's order (the conversation, then the survey; by conversation id),
    so that a job and a person answering wait for each other instead of deadlocking; the
    condition is checked again under the locks, so two runs never act on one survey twice.
    """
    candidates = await session.execute(
        select(Survey.id, Survey.conversation_id)
        .where(condition)
        .order_by(Survey.conversation_id, Survey.id)
        .limit(limit)
    )
    found = []
    for survey_id, conversation_id in candidates.all():
        conversation = await session.get(Conversation, conversation_id, with_for_update=True)
        survey = await _lock_again(session, survey_id, condition)
        if conversation is not None and survey is not None:
            found.append((conversation, survey))
    return found


async def _lock_again(
    session: Session, survey_id: int, condition: ColumnElement[bool]
) -> Survey | None:
    query = select(Survey).where(Survey.id == survey_id, condition).with_for_update()
    found = await session.execute(query.execution_options(populate_existing=True))
    return found.scalar_one_or_none()


async def locked_due(
    session: Session, now: datetime, limit: int
) -> list[tuple[Conversation, Survey]]:
    """Scheduled surveys whose time has come."""
    return await _locked(session, (Survey.status == "scheduled") & (Survey.due_at <= now), limit)


async def locked_expired(
    session: Session, now: datetime, limit: int
) -> list[tuple[Conversation, Survey]]:
    """Sent surveys past their week."""
    return await _locked(session, (Survey.status == "sent") & (Survey.expires_at <= now), limit)


async def locked_to_remind(
    session: Session, now: datetime, remind_after: timedelta, limit: int
) -> list[tuple[Conversation, Survey]]:
    """Sent surveys not answered nor reminded `remind_after` since, still open."""
    condition = (
        (Survey.status == "sent")
        & Survey.reminded_at.is_(None)
        & (Survey.sent_at <= now - remind_after)
        & (Survey.expires_at > now)
    )
    return await _locked(session, condition, limit)


# -- a campaign ----------------------------------------------------------------------------------


async def campaign_targets(
    session: Session, status: str, since: datetime
) -> Sequence[Row[int, int, int, str | None]]:
    """(id, beneficiary, conversation, reference) of requests in `status` updated since
    `since` that no campaign surveyed yet, by id."""
    already = select(Survey.request_id).where(
        Survey.trigger == "campaign", Survey.request_id.is_not(None)
    )
    rows = await session.execute(
        select(
            SupportRequest.id,
            SupportRequest.beneficiary_id,
            SupportRequest.conversation_id,
            SupportRequest.reference,
        )
        .where(
            SupportRequest.status == status,
            SupportRequest.updated_at >= since,
            SupportRequest.id.not_in(already),
        )
        .order_by(SupportRequest.id)
    )
    return rows.all()


async def lock_conversations(session: Session, ids: Collection[int]) -> dict[int, Conversation]:
    """One query locks them all, in id order like the jobs."""
    return {c.id: c for c in await locked_conversations(session, Conversation.id.in_(ids))}


# -- "rate the service" from the menu ----------------------------------------------------------


def _rated(column: Any) -> Any:
    return select(column).where(Survey.status == "answered", column.is_not(None))


async def latest_unrated_request(
    session: Session, beneficiary_id: int, statuses: Collection[str]
) -> Row[int, datetime] | None:
    """(id, updated_at) of the beneficiary's latest request in `statuses` nobody rated."""
    found = await session.execute(
        select(SupportRequest.id, SupportRequest.updated_at)
        .where(
            SupportRequest.beneficiary_id == beneficiary_id,
            SupportRequest.status.in_(statuses),
            SupportRequest.id.not_in(_rated(Survey.request_id)),
        )
        .order_by(SupportRequest.updated_at.desc(), SupportRequest.id.desc())
        .limit(1)
    )
    return found.first()


async def latest_unrated_case(
    session: Session, beneficiary_id: int
) -> Row[int, datetime | None, int | None] | None:
    """(id, closed_at, assignee) of the beneficiary's latest closed case nobody rated."""
    found = await session.execute(
        select(HandoverCase.id, HandoverCase.closed_at, HandoverCase.assignee_id)
        .where(
            HandoverCase.beneficiary_id == beneficiary_id,
            HandoverCase.status == CaseStatus.CLOSED,
            HandoverCase.closed_at.is_not(None),
            HandoverCase.id.not_in(_rated(Survey.case_id)),
        )
        .order_by(HandoverCase.closed_at.desc(), HandoverCase.id.desc())
        .limit(1)
    )
    return found.first()


async def latest_locked(session: Session, kind: str, subject_id: int) -> Survey | None:
    """The newest survey of a request or (kind "case") a case, locked."""
    column = Survey.request_id if kind == "request" else Survey.case_id
    found = await session.execute(
        select(Survey).where(column == subject_id).order_by(Survey.id.desc()).with_for_update()
    )
    return found.scalars().first()
