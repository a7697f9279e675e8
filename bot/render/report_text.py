"""The report as text for the terminal (`bot.py report`), every word from the catalogs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from handlers.dates import format_date
from handlers.reports import Csat, Durations, Period, Report, ResponseRate, format_average
from handlers.types import Translate

BAR_WIDTH = 20
FULL, EMPTY = "█", "░"


def format_duration(value: timedelta, tr: Translate) -> str:
    """E.g. "يومان و12 ساعة", "3 ساعات و5 دقائق", "30 دقيقة": two units at most."""
    minutes = round(value.total_seconds() / 60)
    if minutes < 1:
        return tr("report-duration-under-minute")
    if minutes < 60:
        return tr("report-minutes", n=minutes)
    if minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        return _pair(tr, tr("report-hours", n=hours), rest and tr("report-minutes", n=rest))
    hours = round(minutes / 60)
    days, rest = divmod(hours, 24)
    return _pair(tr, tr("report-days", n=days), rest and tr("report-hours", n=rest))


def _pair(tr: Translate, first: str, second: str | int) -> str:
    return tr("report-duration-and", first=first, second=second) if second else first


def bar(count: int, largest: int, width: int = BAR_WIDTH) -> str:
    """A bar of `width` cells, filled in proportion; any count above zero shows one cell."""
    filled = 0 if not largest else round(count / largest * width)
    if count and not filled:
        filled = 1
    return FULL * filled + EMPTY * (width - filled)


def _percent(share: float) -> str:
    return f"{share * 100:.0f}"


def _durations(report_id: str, d: Durations, tr: Translate) -> str:
    if d.median is None:
        return tr("report-no-data")
    return tr(report_id, duration=format_duration(d.median, tr), count=d.count)


def render_text(report: Report, tr: Translate) -> str:
    """The report's sections, a blank line between them."""
    sections = [
        _title(report.period, tr),
        _csat(report.csat, tr),
        _response(report.response, tr),
        _requests(report.requests_by_status, tr),
        [tr("report-decision-heading"), _durations("report-decision", report.time_to_decision, tr)],
        _reply(report.time_to_first_reply, tr),
    ]
    return "\n\n".join("\n".join(lines) for lines in sections)


def _title(period: Period, tr: Translate) -> list[str]:
    # `until` is excluded: the last day shown is the one before it.
    last = period.until - timedelta(microseconds=1)
    since, until = format_date(period.since, tr), format_date(last, tr)
    return [tr("report-title"), tr("report-period", since=since, until=until)]


def _csat(csat: Csat, tr: Translate) -> list[str]:
    """The average and the satisfied share, then one bar per rating, 5 first."""
    heading = tr("report-csat-heading")
    if csat.average is None or csat.satisfied_share is None:
        return [heading, tr("report-no-data")]
    satisfied = _percent(csat.satisfied_share)
    average = format_average(csat.average)
    lines = [heading, tr("report-csat", average=average, count=csat.count, satisfied=satisfied)]
    largest = max(csat.distribution.values())
    for rating in sorted(csat.distribution, reverse=True):
        count = csat.distribution[rating]
        row = tr("report-rating-row", rating=rating, bar=bar(count, largest), count=count)
        lines.append("  " + row)
    return lines


def _response(response: ResponseRate, tr: Translate) -> list[str]:
    heading = tr("report-response-heading")
    if response.rate is None:
        return [heading, tr("report-no-data")]
    rate = _percent(response.rate)
    sent, answered = response.sent, response.answered
    return [heading, tr("report-response", rate=rate, answered=answered, sent=sent)]


def _requests(by_status: Mapping[str, int], tr: Translate) -> list[str]:
    total = sum(by_status.values())
    lines = [tr("report-requests-heading", count=total)]
    if not total:
        return [*lines, tr("report-no-data")]
    for status, count in by_status.items():
        lines.append("  " + tr("report-status-row", status=tr(f"status-{status}"), count=count))
    return lines


def _reply(reply: Durations, tr: Translate) -> list[str]:
    """Time to the first reply, and how many cases still wait for one."""
    lines = [tr("report-reply-heading"), _durations("report-reply", reply, tr)]
    if reply.waiting:
        lines.append(tr("report-reply-waiting", count=reply.waiting))
    return lines
