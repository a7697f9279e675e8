"""The report figures' reads: plain aggregates and rows over a window [since, until).

Anything date-shaped (days, weeks, medians) is left to `handlers.reports`, because SQLite
and PostgreSQL spell date functions differently.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Subquery, func, select

from storage.db import Session
from storage.models import (
    HandoverCase,
    Message,
    RequestTransition,
    SupportRequest,
    Survey,
    UTCDateTime,
)


def _within(column: Any, since: datetime, until: datetime) -> Any:
    return (column >= since) & (column < until)


def _answered(since: datetime, until: datetime) -> tuple[Any, ...]:
    return (
        Survey.status == "answered",
        Survey.rating.is_not(None),
        _within(Survey.answered_at, since, until),
    )


async def rating_counts(
    session: Session, since: datetime, until: datetime
) -> Sequence[Row[int | None, int]]:
    """(rating, answers) for the surveys answered in the window."""
    query = select(Survey.rating, func.count()).where(*_answered(since, until))
    return (await session.execute(query.group_by(Survey.rating))).all()


async def sent_and_answered(session: Session, since: datetime, until: datetime) -> tuple[int, int]:
    """Surveys sent in the window, and how many of those were answered (whenever)."""
    counts = select(func.count(Survey.id), func.count(Survey.answered_at))
    row = await session.execute(counts.where(_within(Survey.sent_at, since, until)))
    sent, answered = row.one()
    return int(sent), int(answered)


async def ratings(
    session: Session, since: datetime, until: datetime
) -> Sequence[Row[datetime | None, int | None]]:
    """(answered_at, rating) of every survey answered in the window."""
    query = select(Survey.answered_at, Survey.rating).where(*_answered(since, until))
    return (await session.execute(query)).all()


async def status_counts(
    session: Session, since: datetime, until: datetime
) -> Sequence[Row[str, int]]:
    """(status, requests) for the requests submitted in the window."""
    query = select(SupportRequest.status, func.count()).group_by(SupportRequest.status)
    rows = await session.execute(query.where(_within(SupportRequest.submitted_at, since, until)))
    return rows.all()


def _first_transition(to: Collection[str]) -> Subquery:
    request_id = RequestTransition.request_id
    first = select(request_id.label("request_id"), func.min(RequestTransition.at).label("at"))
    return first.where(RequestTransition.to_status.in_(to)).group_by(request_id).subquery()


async def decision_times(
    session: Session, since: datetime, until: datetime, decisions: Collection[str]
) -> Sequence[Row[datetime, datetime]]:
    """(submitted_at, decided) of the requests decided in the window.

    Decided is `decided_at`, or the first transition to one of `decisions`: it stands in for
    rows decided before `decided_at` was kept, or by a path that forgot to set it.
    """
    first = _first_transition(decisions)
    decided = func.coalesce(SupportRequest.decided_at, first.c.at, type_=UTCDateTime())
    rows = await session.execute(
        select(SupportRequest.submitted_at, decided)
        .outerjoin(first, first.c.request_id == SupportRequest.id)
        .where(_within(decided, since, until))
    )
    return rows.all()


async def first_reply_times(
    session: Session, since: datetime, until: datetime
) -> Sequence[Row[datetime, datetime | None]]:
    """(opened_at, first staff message or None) of the handover cases opened in the window."""
    first = (
        select(Message.case_id.label("case_id"), func.min(Message.created_at).label("at"))
        .where(Message.author == "staff", Message.case_id.is_not(None))
        .group_by(Message.case_id)
        .subquery()
    )
    rows = await session.execute(
        select(HandoverCase.opened_at, first.c.at)
        .outerjoin(first, first.c.case_id == HandoverCase.id)
        .where(_within(HandoverCase.opened_at, since, until))
    )
    return rows.all()
