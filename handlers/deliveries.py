"""What a channel reports of the messages it was given: delivered, read, or failed later.

WhatsApp accepts a message with a 200 and says what became of it afterwards, by webhook,
in any order (a `read` may come before its `delivered`, which may never come). Each report
moves the outbox row's delivery state forward only; a failure the adapter classified as
worth another try queues the message once more, so nothing is lost and nothing loops.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.clock import Clock
from storage import outbox
from storage.db import Database, Session
from storage.models import DeliveryStatus, OutboxMessage, OutboxState

# A message re-sent after a later failure at most this many times.
MAX_RESENDS = 3
# In a body: the message went once outside the window and came back as a template.
WINDOW_FALLBACK = "window_fallback"


@dataclass(frozen=True)
class DeliveryReport:
    """One status, as the channel's adapter read and classified it."""

    external_id: str
    status: DeliveryStatus
    at: datetime
    error: str | None = None
    # failed, but worth sending again after this many seconds (a rate limit, a hold-back)
    retry_after: float | None = None
    # failed because the service window had closed: once more, as a template
    window_closed: bool = False
    # failed because the person can't be reached on the channel at all
    unreachable: bool = False


@dataclass
class Recorded:
    changed: int = 0
    resent: int = 0
    unknown: int = 0


async def record(
    db: Database, channel: str, reports: Sequence[DeliveryReport], clock: Clock
) -> Recorded:
    """Every report in one transaction; what it changed."""
    done = Recorded()
    if not reports:
        return done
    async with db.transaction() as session:
        for report in reports:
            await _one(session, channel, report, clock.now(), done)
    return done


async def _one(
    session: Session, channel: str, report: DeliveryReport, now: datetime, done: Recorded
) -> None:
    row = await outbox.sent_by_external_id(session, channel, report.external_id)
    if row is None:
        done.unknown += 1  # not ours, or from before the ids were kept
        return
    if report.status == DeliveryStatus.FAILED and _resend(row, report, now):
        if report.window_closed:
            await outbox.close_window(session, channel, row.chat_id)
        done.resent += 1
        return
    if outbox.record_delivery(row, report.status, report.at):
        done.changed += 1
        if report.status == DeliveryStatus.FAILED:
            _failed(row, report)
            if report.unreachable:
                await outbox.mark_unreachable(session, channel, row.chat_id)


def _resend(row: OutboxMessage, report: DeliveryReport, now: datetime) -> bool:
    """Queue the row again when the failure says so and it hasn't come back too often."""
    if row.delivery == DeliveryStatus.FAILED or row.attempts >= MAX_RESENDS:
        return False
    if report.window_closed and not row.body.get(WINDOW_FALLBACK):
        outbox.send_again(row, {**row.body, WINDOW_FALLBACK: True}, now)
        return True
    if report.retry_after is not None:
        outbox.send_again(row, row.body, now + timedelta(seconds=report.retry_after))
        return True
    return False


def _failed(row: OutboxMessage, report: DeliveryReport) -> None:
    row.state = OutboxState.FAILED
    row.last_error = (report.error or "failed after it was sent")[: outbox.MAX_ERROR_CHARS]
