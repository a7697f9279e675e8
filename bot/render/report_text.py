"""The report as text for the terminal (`bot.py report`), every word from the catalogs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from handlers.dates import format_date
from handlers.reports import Durations, Report, format_average

Translate = Callable[..., str]
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
    period = report.period
    lines = [
        tr("report-title"),
        tr(
            "report-period",
            since=format_date(period.since, tr),
            # `until` is excluded: the last day shown is the one before it.
            until=format_date(period.until - timedelta(microseconds=1), tr),
        ),
        "",
        tr("report-csat-heading"),
    ]
    csat = report.csat
    if csat.average is None or csat.satisfied_share is None:
        lines.append(tr("report-no-data"))
    else:
        lines.append(
            tr(
                "report-csat",
                average=format_average(csat.average),
                count=csat.count,
                satisfied=_percent(csat.satisfied_share),
            )
        )
        largest = max(csat.distribution.values())
        for rating in sorted(csat.distribution, reverse=True):
            count = csat.distribution[rating]
            lines.append(
                "  " + tr("report-rating-row", rating=rating, bar=bar(count, largest), count=count)
            )

    lines += ["", tr("report-response-heading")]
    response = report.response
    if response.rate is None:
        lines.append(tr("report-no-data"))
    else:
        lines.append(
            tr(
                "report-response",
                rate=_percent(response.rate),
                answered=response.answered,
                sent=response.sent,
            )
        )

    total = sum(report.requests_by_status.values())
    lines += ["", tr("report-requests-heading", count=total)]
    if not total:
        lines.append(tr("report-no-data"))
    else:
        for status, count in report.requests_by_status.items():
            lines.append("  " + tr("report-status-row", status=tr(f"status-{status}"), count=count))

    lines += ["", tr("report-decision-heading")]
    lines.append(_durations("report-decision", report.time_to_decision, tr))
    lines += ["", tr("report-reply-heading")]
    lines.append(_durations("report-reply", report.time_to_first_reply, tr))
    waiting = report.time_to_first_reply.waiting
    if waiting:
        lines.append(tr("report-reply-waiting", count=waiting))
    return "\n".join(lines)
