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
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from hijridate import Gregorian

from handlers.dates import RIYADH
from handlers.reports import Period
from handlers.types import Translate
from storage import exports as queries
from storage.db import Session

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
    return "'" + text if isinstance(value, str) and text.startswith(_FORMULA_START) else text


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
    session: Session, period: Period, tr: Translate, tz: ZoneInfo = RIYADH
) -> bytes:
    """Requests filed in the period, oldest first."""
    rows = await queries.requests_filed(session, period.since, period.until)
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
        for reference, kind, status, city, submitted, decided in rows
    ]
    return encode_csv([tr(c) for c in REQUEST_COLUMNS], lines)


async def survey_answers_csv(
    session: Session, period: Period, tr: Translate, tz: ZoneInfo = RIYADH
) -> bytes:
    """Survey answers given in the period, oldest first, with what and who they rate.

    The staff member is the one the survey was scheduled for; failing that (a campaign, a
    case closed before anyone claimed it, a status set from the command line), whoever
    had the case or last moved the request.
    """
    found = await queries.survey_answers(session, period.since, period.until)
    movers = await queries.last_movers(
        session, {request_id for *_, staff, request_id in found if request_id and not staff}
    )
    lines = [
        _survey_line(row, movers, tr, tz)
        for row in found
        if row[0] is not None  # excluded by the query; for the types
    ]
    return encode_csv([tr(c) for c in SURVEY_COLUMNS], lines)


def _survey_line(
    row: Sequence[Any], movers: dict[int, str], tr: Translate, tz: ZoneInfo
) -> tuple[Cell, ...]:
    answered, rating, comment, trigger, reference, case_id, staff, request_id = row
    return (
        _local(answered, tz),
        _hijri(answered, tz),
        rating,
        comment,
        tr(f"report-trigger-{trigger}"),
        reference,
        case_id,
        staff or movers.get(request_id or 0),
    )
