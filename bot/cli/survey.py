"""`bot.py survey push`: a satisfaction campaign, queued here and followed while the bot sends.

The command only queues: the bot's outbox dispatcher sends, within Telegram's limits, so a
push never races the bot for the same messages. Re-running it (after a crash, say) queues
no one twice.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass
from datetime import date, datetime
from time import monotonic as clock_s
from typing import TYPE_CHECKING, TextIO

from bot.cli.common import EXIT_USAGE, Subparsers, complain, database
from bot.config import Settings
from bot.i18n import Catalog
from bot.render.progress import Progress

if TYPE_CHECKING:
    from handlers.surveys import SurveyPolicy
    from storage.db import Database


def register(sub: Subparsers) -> None:
    survey = sub.add_parser("survey", help="satisfaction surveys")
    survey_sub = survey.add_subparsers(dest="survey_command", required=True)
    push = survey_sub.add_parser("push", help="survey every request in a status (a campaign)")
    push.add_argument("--status", required=True, help="e.g. service_delivered")
    push.add_argument("--since", required=True, help="requests updated since, YYYY-MM-DD")
    push.add_argument(
        "--no-wait", action="store_true", help="queue the surveys and return, don't follow"
    )
    push.add_argument(
        "--stall-after",
        type=float,
        default=60.0,
        help="seconds without a sent message before warning that the bot isn't running",
    )
    push.set_defaults(run=cmd_survey_push)


def _campaign_day(args: argparse.Namespace, tr: Catalog) -> date | None:
    """The first day of the campaign; None (having said why) for an unknown status or day."""
    from handlers.reports import parse_day
    from handlers.requests import STATUSES

    if args.status not in STATUSES:
        complain(tr("campaign-error-status", status=args.status, known=", ".join(STATUSES)))
        return None
    try:
        return parse_day(args.since)
    except ValueError:
        complain(tr("campaign-error-date", value=args.since))
        return None


def cmd_survey_push(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    """Queue a campaign, then follow the running bot sending it, with a progress bar."""
    from faq.profile import load_profile_dir
    from handlers.surveys import SurveyPolicy

    day = _campaign_day(args, tr)
    if day is None:
        return EXIT_USAGE
    profile, _ = load_profile_dir(settings.profile_dir())
    policy = SurveyPolicy.from_profile(profile.surveys, profile.quiet_hours)
    campaign = _Campaign(args.status, day, policy)

    async def push() -> int:
        async with database(settings, tr) as db:
            created = await _queue(db, tr, profile.digits, campaign)
            key = "campaign-queued" if created else "campaign-none"
            status = tr(f"status-{args.status}")
            out.write(tr(key, count=created, status=status, since=str(day)) + "\n")
            out.flush()
            return 0 if args.no_wait else await _follow(db, args, tr, out)

    return asyncio.run(push())


@dataclass(frozen=True)
class _Campaign:
    status: str
    day: date  # requests updated since its start, Riyadh time
    policy: SurveyPolicy


async def _queue(db: Database, tr: Catalog, digits: str, campaign: _Campaign) -> int:
    """Queue the surveys, with a progress bar; how many were queued."""
    from faq.digits import with_digits
    from handlers.clock import SystemClock
    from handlers.dates import RIYADH
    from handlers.survey_campaign import push_campaign

    queuing = Progress(sys.stderr, tr.t, tr("campaign-queuing"))
    created = await push_campaign(
        db,
        SystemClock(),
        with_digits(tr.t, digits),
        campaign.policy,
        status=campaign.status,
        since=datetime.combine(campaign.day, datetime.min.time(), RIYADH),
        progress=queuing.show,
    )
    queuing.end()
    return created


async def _counts(db: Database) -> dict[str, int]:
    from storage import repositories as repo

    async with db.reading() as session:
        return await repo.outbox_counts(session, "campaign")


async def _follow(db: Database, args: argparse.Namespace, tr: Catalog, out: TextIO) -> int:
    """Follow the bot sending the campaign, until it is all sent or the user interrupts."""
    first = await _counts(db)
    left = first.get("pending", 0) + first.get("sending", 0)
    if not left:
        return 0
    print(tr("campaign-sender"), file=sys.stderr)
    sending = _Sending(db, tr, first, left, args.stall_after)
    try:
        await sending.until_done()
    except (KeyboardInterrupt, asyncio.CancelledError):
        sending.bar.end()
        out.write(tr("campaign-left", left=sending.total - sending.done) + "\n")
        return 0
    sending.finish()
    final = await _counts(db)
    sent = final.get("sent", 0) - first.get("sent", 0)
    failed = final.get("failed", 0) - first.get("failed", 0)
    out.write(tr("campaign-done", sent=sent, failed=failed) + "\n")
    return 0


class _Sending:
    """The campaign's messages leaving the outbox: a progress bar, and a warning on stderr
    when nothing has moved for `stall_after` seconds (the bot isn't running, say)."""

    def __init__(
        self, db: Database, tr: Catalog, first: dict[str, int], total: int, stall_after: float
    ) -> None:
        self.db, self.tr, self.total, self.stall_after = db, tr, total, stall_after
        self.bar = Progress(sys.stderr, tr.t, tr("campaign-sending"))
        # Messages sent or failed before this push are not its progress.
        self.base = first.get("sent", 0) + first.get("failed", 0)
        self.done = 0
        self.started = self.last_change = clock_s()

    async def until_done(self) -> None:
        while self.done < self.total:
            await asyncio.sleep(0.5)
            self._saw(await _counts(self.db))

    def _saw(self, now: dict[str, int]) -> None:
        finished = now.get("sent", 0) + now.get("failed", 0) - self.base
        if finished != self.done:
            self.last_change = clock_s()
        self.done = min(finished, self.total)
        self.bar.show(self.done, self.total, rate=self._rate())
        if clock_s() - self.last_change > self.stall_after:
            self.bar.end()
            print(self.tr("campaign-stalled", seconds=int(self.stall_after)), file=sys.stderr)
            self.last_change = clock_s()

    def _rate(self) -> float:
        return self.done / max(clock_s() - self.started, 1e-6)

    def finish(self) -> None:
        self.bar.show(self.done, self.total, rate=self._rate(), force=True)
        self.bar.end()
