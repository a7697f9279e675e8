"""Figures for the satisfaction and service reports (`bot.py report`, the /staff reports page).

Each figure is one async function over a session and a `Period` [since, until) in aware UTC.
Only plain aggregates and row reads go to SQL; anything date-shaped (days, weeks, medians)
is computed here in Python, because SQLite and PostgreSQL spell date functions differently
and the days must be the association's (Asia/Riyadh), not the server's.

Which rows a period holds, per figure:
- CSAT and its buckets: surveys *answered* in the period.
- response rate: surveys *sent* in the period, and how many of those were answered (whenever).
- requests by status: requests *submitted* in the period, by their status now.
- time to decision: requests *decided* (accepted or rejected) in the period.
- time to first reply: handover cases *opened* in the period.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from handlers.dates import RIYADH
from handlers.requests import DECISIONS, STATUSES
from storage import reports as queries
from storage.db import Database, Session

RATINGS = (1, 2, 3, 4, 5)
# The default period: the last 30 days, today included.
DEFAULT_DAYS = 30
FIRST_YEAR, LAST_YEAR = 1900, 2999
_DAY = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
Bucket = Literal["day", "week"]
# Up to this many days a period is shown day by day; longer ones week by week.
DAILY_UP_TO_DAYS = 31


@dataclass(frozen=True)
class Period:
    since: datetime
    until: datetime  # exclusive

    def __post_init__(self) -> None:
        if self.since.tzinfo is None or self.until.tzinfo is None:
            raise ValueError("a report period needs aware datetimes")
        if self.since >= self.until:
            raise ValueError("a report period must end after it starts")
        # The project keeps time in UTC; a local start (Period.of_days) is converted once.
        object.__setattr__(self, "since", self.since.astimezone(UTC))
        object.__setattr__(self, "until", self.until.astimezone(UTC))

    @classmethod
    def of_days(cls, first: date, last: date, tz: ZoneInfo = RIYADH) -> Period:
        """The whole local days `first` … `last` (both included) in the association's zone."""
        since = datetime.combine(first, time(), tz)
        until = datetime.combine(last + timedelta(days=1), time(), tz)
        return cls(since, until)

    def last_day(self, tz: ZoneInfo = RIYADH) -> date:
        """The last local day the period includes (`until` itself is excluded)."""
        return (self.until - timedelta(microseconds=1)).astimezone(tz).date()

    def default_bucket(self) -> Bucket:
        return "day" if self.until - self.since <= timedelta(days=DAILY_UP_TO_DAYS) else "week"


def parse_day(text: str) -> date:
    """``2026-11-01``, ``2026/11/1`` or ``٢٠٢٦/١١/٠١``; ValueError for anything else."""
    # Arabic-Indic and Persian digits are digits (category Nd) with their usual values;
    # NFKC does not fold them, so they are mapped one by one.
    folded = "".join(
        str(unicodedata.digit(ch)) if unicodedata.category(ch) == "Nd" else ch
        for ch in text.strip()
    )
    match = _DAY.fullmatch(folded)
    if match is None:
        raise ValueError(text)
    year, month, day = (int(g) for g in match.groups())
    # Far years overflow the zone arithmetic; a Hijri year (1448) is not a Gregorian one.
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(text)
    return date(year, month, day)  # ValueError for 2026-02-30 too


def period_between(
    first: date | None, last: date | None, today: date, tz: ZoneInfo = RIYADH
) -> Period:
    """Whole local days, both ends included; by default the last 30 days up to today."""
    last = last or today
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise ValueError("a report period must end after it starts")
    return Period.of_days(first, last, tz)


@dataclass(frozen=True)
class Csat:
    distribution: dict[int, int]  # rating 1–5 → answers, every rating present
    count: int
    average: float | None  # None when nobody answered: no data, not zero

    @property
    def satisfied_share(self) -> float | None:
        """The share of 4 and 5 ratings, the usual CSAT percentage."""
        if not self.count:
            return None
        return (self.distribution[4] + self.distribution[5]) / self.count


@dataclass(frozen=True)
class ResponseRate:
    sent: int
    answered: int

    @property
    def rate(self) -> float | None:
        return self.answered / self.sent if self.sent else None


@dataclass(frozen=True)
class CsatBucket:
    start: date  # the local day, or the Sunday that starts the week
    count: int
    average: float | None


@dataclass(frozen=True)
class Durations:
    count: int  # how many were measured
    median: timedelta | None
    # Items of the period still waiting for the event (cases no staff member answered yet);
    # always 0 for decisions, which are counted by the day they were made.
    waiting: int = 0


@dataclass(frozen=True)
class Report:
    period: Period
    csat: Csat
    response: ResponseRate
    bucket: Bucket
    csat_over_time: tuple[CsatBucket, ...]
    requests_by_status: dict[str, int]
    time_to_decision: Durations
    time_to_first_reply: Durations

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types (`bot.py report --json`)."""
        return {
            "since": self.period.since.isoformat(),
            "until": self.period.until.isoformat(),
            "csat": _csat_dict(self.csat),
            "response_rate": {
                "sent": self.response.sent,
                "answered": self.response.answered,
                "rate": _round(self.response.rate, 4),
            },
            "csat_over_time": {
                "bucket": self.bucket,
                "points": [_bucket_dict(b) for b in self.csat_over_time],
            },
            "requests_by_status": dict(self.requests_by_status),
            "time_to_decision": _seconds(self.time_to_decision),
            "time_to_first_reply": _seconds(self.time_to_first_reply),
        }


def _csat_dict(csat: Csat) -> dict[str, Any]:
    return {
        "count": csat.count,
        "average": _round(csat.average),
        "satisfied_share": _round(csat.satisfied_share, 4),
        "distribution": {str(r): n for r, n in csat.distribution.items()},
    }


def _bucket_dict(bucket: CsatBucket) -> dict[str, Any]:
    return {
        "start": bucket.start.isoformat(),
        "count": bucket.count,
        "average": _round(bucket.average),
    }


def _seconds(d: Durations) -> dict[str, Any]:
    median = None if d.median is None else round(d.median.total_seconds())
    return {"count": d.count, "median_seconds": median, "waiting": d.waiting}


def format_average(value: float) -> str:
    """An average rating as every report shows it: one decimal, 5.0 and 4.3 alike."""
    return f"{value:.1f}"


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _median(durations: list[timedelta]) -> timedelta | None:
    if not durations:
        return None
    return timedelta(seconds=statistics.median(d.total_seconds() for d in durations))


async def csat(session: Session, period: Period) -> Csat:
    rows = await queries.rating_counts(session, period.since, period.until)
    counted = {rating: n for rating, n in rows}
    distribution = {r: counted.get(r, 0) for r in RATINGS}
    count = sum(distribution.values())
    total = sum(r * n for r, n in distribution.items())
    return Csat(distribution, count, total / count if count else None)


async def response_rate(session: Session, period: Period) -> ResponseRate:
    sent, answered = await queries.sent_and_answered(session, period.since, period.until)
    return ResponseRate(sent, answered)


def bucket_start(day: date, bucket: Bucket) -> date:
    # The Saudi week starts on Sunday (isoweekday 7).
    return day if bucket == "day" else day - timedelta(days=day.isoweekday() % 7)


def bucket_starts(period: Period, bucket: Bucket, tz: ZoneInfo = RIYADH) -> list[date]:
    """Every bucket the period touches, empty ones included, so a chart shows the gaps."""
    first = bucket_start(period.since.astimezone(tz).date(), bucket)
    last = period.last_day(tz)
    step = timedelta(days=1 if bucket == "day" else 7)
    starts = []
    current = first
    while current <= last:
        starts.append(current)
        current += step
    return starts


async def csat_over_time(
    session: Session,
    period: Period,
    bucket: Bucket | None = None,
    tz: ZoneInfo = RIYADH,
) -> tuple[CsatBucket, ...]:
    bucket = bucket or period.default_bucket()
    ratings: dict[date, list[int]] = {start: [] for start in bucket_starts(period, bucket, tz)}
    for answered_at, rating in await queries.ratings(session, period.since, period.until):
        if answered_at is None or rating is None:  # excluded by the query; for the types
            continue
        start = bucket_start(answered_at.astimezone(tz).date(), bucket)
        ratings.setdefault(start, []).append(rating)
    return tuple(
        CsatBucket(start, len(values), sum(values) / len(values) if values else None)
        for start, values in sorted(ratings.items())
    )


async def requests_by_status(session: Session, period: Period) -> dict[str, int]:
    """Every lifecycle status in its order (zeros included), then any unknown one."""
    counts = dict.fromkeys(STATUSES, 0)
    for status, n in await queries.status_counts(session, period.since, period.until):
        counts[status] = n
    return counts


async def time_to_decision(session: Session, period: Period) -> Durations:
    """submitted_at → the decision: `decided_at`, or the first accepted/rejected transition."""
    rows = await queries.decision_times(session, period.since, period.until, DECISIONS)
    durations = [at - submitted for submitted, at in rows if at >= submitted]
    return Durations(len(durations), _median(durations))


async def time_to_first_reply(session: Session, period: Period) -> Durations:
    """A handover case's opened_at → the first message a staff member wrote on it."""
    rows = await queries.first_reply_times(session, period.since, period.until)
    durations = [max(at - opened, timedelta()) for opened, at in rows if at is not None]
    return Durations(len(durations), _median(durations), len(rows) - len(durations))


async def build_report(
    db: Database, period: Period, *, bucket: Bucket | None = None, tz: ZoneInfo = RIYADH
) -> Report:
    """Every figure, read in one session (one snapshot of the data)."""
    async with db.reading() as session:
        return Report(
            period=period,
            csat=await csat(session, period),
            response=await response_rate(session, period),
            bucket=bucket or period.default_bucket(),
            csat_over_time=await csat_over_time(session, period, bucket, tz),
            requests_by_status=await requests_by_status(session, period),
            time_to_decision=await time_to_decision(session, period),
            time_to_first_reply=await time_to_first_reply(session, period),
        )
