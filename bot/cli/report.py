"""`bot.py report`: satisfaction and requests over a period, as text or one JSON object."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, TextIO

from bot.cli.common import EXIT_USAGE, Subparsers, complain, on_database
from bot.config import Settings
from bot.i18n import Catalog

if TYPE_CHECKING:
    from handlers.reports import Period


def register(sub: Subparsers) -> None:
    report = sub.add_parser("report", help="satisfaction and requests report")
    report.add_argument("--since", help="first day, YYYY-MM-DD (default: 30 days ago)")
    report.add_argument("--until", help="last day, included, YYYY-MM-DD (default: today)")
    report.add_argument("--json", action="store_true", help="the figures as one JSON object")
    report.set_defaults(run=cmd_report)


def _period(args: argparse.Namespace, tr: Catalog) -> Period | None:
    """The days asked for; None (having said why) when they aren't days or are the wrong
    way round."""
    from handlers.clock import SystemClock
    from handlers.dates import RIYADH
    from handlers.reports import parse_day, period_between

    days = []
    for value in (args.since, args.until):
        try:
            days.append(None if value is None else parse_day(value))
        except ValueError:
            complain(tr("report-error-date", value=value))
            return None
    today = SystemClock().now().astimezone(RIYADH).date()
    try:
        return period_between(days[0], days[1], today)
    except ValueError:
        since, until = (str(d) for d in days)
        complain(tr("report-error-order", since=since, until=until))
        return None


def cmd_report(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    from bot.render.report_text import render_text
    from handlers.reports import build_report

    period = _period(args, tr)
    if period is None:
        return EXIT_USAGE

    report = on_database(settings, tr, lambda db: build_report(db, period))
    if args.json:
        out.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
    else:
        out.write(render_text(report, tr.t) + "\n")
    return 0
