"""The CSV exports' reads: which columns leave the database, and which never do.

The encrypted identifiers (national ID, phone) are never selected here: a bulk file must
not carry them, so they aren't even fetched.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, func, literal, select
from sqlalchemy.orm import aliased

from storage.db import Session
from storage.models import HandoverCase, RequestTransition, Staff, SupportRequest, Survey


async def requests_filed(
    session: Session, since: datetime, until: datetime
) -> Sequence[Row[str | None, str, str, str, datetime, datetime | None]]:
    """(reference, type, status, city, submitted_at, decided_at), oldest first."""
    rows = await session.execute(
        select(
            SupportRequest.reference,
            SupportRequest.type,
            SupportRequest.status,
            SupportRequest.city,
            SupportRequest.submitted_at,
            SupportRequest.decided_at,
        )
        .where(SupportRequest.submitted_at >= since, SupportRequest.submitted_at < until)
        .order_by(SupportRequest.submitted_at, SupportRequest.id)
    )
    return rows.all()


async def last_movers(session: Session, request_ids: set[int]) -> dict[int, str]:
    """The staff member who last moved each request (its status actor "staff:username")."""
    if not request_ids:
        return {}
    rows = await session.execute(
        select(RequestTransition.request_id, Staff.display_name)
        .join(Staff, RequestTransition.actor == literal("staff:") + Staff.username)
        .where(RequestTransition.request_id.in_(request_ids))
        .order_by(RequestTransition.id)
    )
    return {request_id: name for request_id, name in rows.all()}


_SURVEY_COLUMNS = (
    Survey.answered_at,
    Survey.rating,
    Survey.comment,
    Survey.trigger,
    SupportRequest.reference,
)


async def survey_answers(
    session: Session, since: datetime, until: datetime
) -> Sequence[
    Row[datetime | None, int | None, str | None, str, str | None, int | None, str, int | None]
]:
    """(answered_at, rating, comment, trigger, reference, case_id, staff, request_id).

    The staff member is the one the survey was scheduled for, else whoever had the case;
    None for the rest, oldest first.
    """
    assignee = aliased(Staff)
    staff = func.coalesce(Staff.display_name, assignee.display_name)
    rows = await session.execute(
        select(*_SURVEY_COLUMNS, Survey.case_id, staff, Survey.request_id)
        .outerjoin(SupportRequest, SupportRequest.id == Survey.request_id)
        .outerjoin(Staff, Staff.id == Survey.staff_id)
        .outerjoin(HandoverCase, HandoverCase.id == Survey.case_id)
        .outerjoin(assignee, assignee.id == HandoverCase.assignee_id)
        .where(
            Survey.status == "answered",
            Survey.answered_at >= since,
            Survey.answered_at < until,
        )
        .order_by(Survey.answered_at, Survey.id)
    )
    return rows.all()
