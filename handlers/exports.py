"""CSV exports of requests and survey answers for staff who work in Excel.

UTF-8 with a byte-order mark, or Excel reads the Arabic as mojibake. Every text cell that
a spreadsheet would take for a formula (=, +, -, @, tab, CR first) is prefixed with an
apostrophe: comments and cities are typed by beneficiaries, and a "=HYPERLINK(…)" in a
comment must stay text on a staff member's machine.

National IDs and phones are never read out of their encrypted columns here: the query
does not select them, and the export shows a fixed mask. Revealing one is a deliberate,
audited act on a single request's page, not something a bulk file may carry.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from hijridate import Gregorian
from sqlalchemy import func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from handlers.dates import RIYADH
from handlers.reports import Period
from storage.models import HandoverCase, RequestTransition, Staff, SupportRequest, Survey

Translate = Callable[..., str]
MASKED = "**********"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

REQUEST_COLUMNS = (
    "csv-request-reference",
    "csv-request-type",
    "csv-request-status",
    "csv-request-city",
    "csv-request-submitted",
    "csv-request-submitted-hijri",
    "csv-request-decided",
    "csv-request-national-id",
    "csv-request-phone",
)
SURVEY_COLUMNS = (
    "csv-survey-answered",
    "csv-survey-answered-hijri",
    "csv-survey-rating",
    "csv-survey-comment",
    "csv-survey-trigger",
    "csv-survey-request",
    "csv-survey-case",
    "csv-survey-staff",
)

Cell = str | int | None


def safe_cell(value: Cell) -> str:
    """A cell as text that no spreadsheet evaluates."""
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def encode_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180 quoting, CRLF line ends as Excel expects
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([safe_cell(c) for c in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def csv_filename(kind: str, period: Period, tz: ZoneInfo = RIYADH) -> str:
    """E.g. ``requests-2026-11-01_2026-11-30.csv``: ASCII, safe in a Content-Disposition."""
    first = period.since.astimezone(tz).date()
    return f"{kind}-{first.isoformat()}_{period.last_day(tz).isoformat()}.csv"


def _local(moment: datetime | None, tz: ZoneInfo) -> str:
    return "" if moment is None else moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _hijri(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return str(Gregorian(local.year, local.month, local.day).to_hijri().isoformat())


async def requests_csv(
    session: AsyncSession, period: Period, tr: Translate, tz: ZoneInfo = RIYADH
) -> bytes:
    """Requests filed in the period, oldest first."""
    rows = await session.execute(
        # Only these columns: the encrypted identifiers are never even fetched.
        select(
            SupportRequest.reference,
            SupportRequest.type,
            SupportRequest.status,
            SupportRequest.city,
            SupportRequest.submitted_at,
            SupportRequest.decided_at,
        )
        .where(
            SupportRequest.submitted_at >= period.since,
            SupportRequest.submitted_at < period.until,
        )
        .order_by(SupportRequest.submitted_at, SupportRequest.id)
    )
    lines = [
        (
            reference,
            kind,
            tr(f"status-{status}"),
            city,
            _local(submitted, tz),
            _hijri(submitted, tz),
            _local(decided, tz),
            MASKED,
            MASKED,
        )
        for reference, kind, status, city, submitted, decided in rows.all()
    ]
    return encode_csv([tr(c) for c in REQUEST_COLUMNS], lines)


async def _request_handlers(session: AsyncSession, request_ids: set[int]) -> dict[int, str]:
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


async def survey_answers_csv(
    session: AsyncSession, period: Period, tr: Translate, tz: ZoneInfo = RIYADH
) -> bytes:
    """Survey answers given in the period, oldest first, with what and who they rate.

    The staff member is the one the survey was scheduled for; failing that (a campaign, a
    case closed before anyone claimed it, a status set from the command line), whoever
    had the case or last moved the request.
    """
    assignee = aliased(Staff)
    rows = await session.execute(
        select(
            Survey.answered_at,
            Survey.rating,
            Survey.comment,
            Survey.trigger,
            SupportRequest.reference,
            Survey.case_id,
            func.coalesce(Staff.display_name, assignee.display_name),
            Survey.request_id,
        )
        .outerjoin(SupportRequest, SupportRequest.id == Survey.request_id)
        .outerjoin(Staff, Staff.id == Survey.staff_id)
        .outerjoin(HandoverCase, HandoverCase.id == Survey.case_id)
        .outerjoin(assignee, assignee.id == HandoverCase.assignee_id)
        .where(
            Survey.status == "answered",
            Survey.answered_at >= period.since,
            Survey.answered_at < period.until,
        )
        .order_by(Survey.answered_at, Survey.id)
    )
    found = rows.all()
    handlers = await _request_handlers(
        session, {request_id for *_, staff, request_id in found if request_id and not staff}
    )
    lines = []
    for answered, rating, comment, trigger, reference, case_id, staff, request_id in found:
        if answered is None:  # excluded by the query; for the types
            continue
        lines.append(
            (
                _local(answered, tz),
                _hijri(answered, tz),
                rating,
                comment,
                tr(f"report-trigger-{trigger}"),
                reference,
                case_id,
                staff or handlers.get(request_id or 0),
            )
        )
    return encode_csv([tr(c) for c in SURVEY_COLUMNS], lines)
