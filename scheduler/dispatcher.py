"""The outbox dispatcher: sends queued messages within each channel's limits.

Rows are claimed (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several processes never take
the same row; one claimer per process on SQLite), sent through the channel's `Sender`, and
recorded as sent, retried later (429 with its retry_after, server errors with backoff), or
failed for good (the person blocked the bot, the chat is gone), which also marks the
beneficiary unreachable on that channel so nobody retries in a loop. A row claimed by a
process that died is taken back after a while: at least once, never lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal, Protocol

from handlers.clock import Clock
from scheduler.budget import Budget, Limits, LocalBudget, Pause, SharedBudget, named
from storage import outbox
from storage.db import Database, Session

__all__ = ["Dispatcher", "Held", "Limits", "Permanent", "RetryLater", "Sender", "Transient"]

log = logging.getLogger(__name__)


class RetryLater(Exception):
    """The channel asked us to slow down (Telegram's 429).

    `sent_parts`: how many parts of a message sent in several (a long text) had already
    gone out; the retry starts after them instead of sending them again.

    `whole_channel`: the limit is the sender's own (WhatsApp's 130429 for the number, an
    access token that stopped working), so every chat of the channel waits, not just this one.
    """

    def __init__(
        self, retry_after: float, sent_parts: int = 0, *, whole_channel: bool = False
    ) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after
        self.sent_parts = sent_parts
        self.whole_channel = whole_channel


class Held(Exception):
    """The message can't go now and waits for the person (WhatsApp's 24-hour window): a
    template went in its place; the row is released when they write again. `body`: the
    row's body from now on (it remembers that the template went)."""

    def __init__(self, body: dict[str, Any], external_id: str | None = None) -> None:
        super().__init__("held until the person writes again")
        self.body = body
        self.external_id = external_id  # the template's: its statuses name the held row


class Transient(Exception):
    """A failure worth retrying: a 5xx, a timeout, a dropped connection."""


class Permanent(Exception):
    """A failure retrying cannot fix: blocked by the user, chat not found."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Sender(Protocol):
    async def send(self, chat_id: str, body: dict[str, Any]) -> str | None:
        """Send one message; the channel's id of it when the channel reports delivery."""
        ...


@dataclass
class _Outcome:
    """What became of one claimed row: sent, retry after `delay` seconds, or failed."""

    row: dict[str, Any]
    state: Literal["sent", "retry", "failed", "held"]
    delay: float = 0.0
    error: str | None = None
    attempt: bool = False  # counts as a delivery attempt (a held-back row doesn't)
    body: dict[str, Any] | None = None  # the row's body from now on, when it changed
    external_id: str | None = None  # the channel's id of the message sent
    pause: Pause | None = None  # the channel asked us to slow down


MAX_ATTEMPTS = 8
# Failures that mean the person can't be reached on the channel at all.
UNREACHABLE = frozenset({"blocked", "undeliverable"})
# In a body: how many of its parts a previous attempt already delivered.
SENT_PARTS = "sent_parts"
# A row claimed longer ago than this by a process that never finished it is taken back.
RECLAIM_AFTER = timedelta(minutes=2)


class Dispatcher:
    def __init__(
        self,
        db: Database,
        senders: Mapping[str, Sender],
        clock: Clock,
        *,
        limits: Mapping[str, Limits] | None = None,
        batch: int = 100,
        idle_poll: float = 1.0,
        reclaim_after: timedelta = RECLAIM_AFTER,
        shared: bool | None = None,
    ) -> None:
        self.db = db
        self.senders = dict(senders)
        self.clock = clock
        self.batch = batch
        self.idle_poll = idle_poll
        # On PostgreSQL: when a row another (maybe just slow) process claimed is taken back.
        self.reclaim_after = reclaim_after
        by_channel = named(limits or {}, self.senders)
        # On PostgreSQL every process claims against one budget (unless told otherwise).
        shared = not db.is_sqlite if shared is None else shared
        self.budget: Budget = SharedBudget(by_channel) if shared else LocalBudget(by_channel)
        self._wake = asyncio.Event()
        self._next_due = idle_poll
        self._claim_statement = outbox.claim_statement()  # built once; a claim binds the time

    def wake(self) -> None:
        """A message was queued: look at the outbox now, not at the next poll."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        await self._take_back_orphans()
        while not stop.is_set():
            # Cleared before looking, so that a wake() while we look is not lost.
            self._wake.clear()
            try:
                busy = await self.dispatch_once()
            except Exception:  # a dispatcher that dies takes every later message with it
                log.exception("outbox dispatch failed; retrying")
                busy = 0
            if busy:
                continue
            waiter = asyncio.ensure_future(self._wake.wait())
            stopper = asyncio.ensure_future(stop.wait())
            # Rows held back by the pace are due soon: wait for them, not a whole poll.
            timeout = min(self.idle_poll, self._next_due)
            await asyncio.wait(
                {waiter, stopper}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            for task in (waiter, stopper):
                task.cancel()

    async def _take_back_orphans(self) -> None:
        """On SQLite this process is the only claimer: a row still 'sending' is the dead one's."""
        if not self.db.is_sqlite:
            return  # other processes may be sending right now; reclaim_after covers the dead
        async with self.db.transaction() as session:
            await outbox.release_sending(session)

    async def dispatch_once(self) -> int:
        """Claim due rows and send those the limits allow now; returns how many were sent
        (as themselves, or as the template that stands in for them).

        The rows allowed now go out concurrently (at most one per chat: the head of its
        queue, so no chat's order changes) and their outcomes are recorded together in one
        transaction; a crash in between sends those again at the take-back, never loses them.
        """
        wait = self.budget.wait_hint(self._monotonic())
        if wait > 0:
            # The budget is spent: claim nothing until it frees up (no claim-and-release).
            self._next_due = wait
            return 0
        self._next_due = self.idle_poll
        ready = await self._claim()
        if not ready:
            return 0
        outcomes = await asyncio.gather(*(self._send(row) for row in ready))
        await self._record(list(outcomes))
        # A held row went out too (its template did): the backlog is no reason to idle.
        return sum(1 for o in outcomes if o.state in ("sent", "held"))

    async def _send(self, row: dict[str, Any]) -> _Outcome:
        outcome = _Outcome(row, "failed")
        try:
            outcome = await self._attempt(row)
            return outcome
        finally:
            self.budget.finished(row, self._monotonic(), outcome.pause)

    async def _attempt(self, row: dict[str, Any]) -> _Outcome:
        sender = self.senders[row["channel"]]
        try:
            external_id = await sender.send(row["chat_id"], row["body"])
        except RetryLater as exc:
            outcome = _Outcome(row, "retry", delay=exc.retry_after, error=str(exc), attempt=True)
            outcome.pause = Pause(exc.retry_after, exc.whole_channel)
            if exc.sent_parts:
                outcome.body = {**row["body"], SENT_PARTS: exc.sent_parts}
            return outcome
        except Held as exc:
            return _Outcome(row, "held", body=exc.body, external_id=exc.external_id)
        except Permanent as exc:
            return _Outcome(row, "failed", error=exc.reason)
        except Exception as exc:  # Transient and anything unexpected: retry with backoff
            attempts = row["attempts"] + 1
            if attempts >= MAX_ATTEMPTS:
                return _Outcome(row, "failed", error=f"gave up after {attempts} attempts: {exc!r}")
            backoff = min(300.0, 2.0**attempts)
            return _Outcome(row, "retry", delay=backoff, error=repr(exc), attempt=True)
        return _Outcome(row, "sent", external_id=external_id)

    # -- database --------------------------------------------------------------------------

    async def _claim(self) -> list[dict[str, Any]]:
        """In one transaction: the room the limits leave, the due rows claimed within it,
        and those of them that must wait a little longer (their chat's limit) put back."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            room = await self.budget.room(session, list(self.senders), self._monotonic())
            open_channels = [c for c, n in room.items() if n > 0]
            if not open_channels:
                self._next_due = max(0.001, self.budget.wait_hint(self._monotonic()))
                return []
            params = {
                "now": now,
                "stale": now - self.reclaim_after,
                "channels": open_channels,
                "limit": min(self.batch, max(room.values())),
            }
            rows = await outbox.claim(session, self._claim_statement, params)
            ready, waiting = await self.budget.take(session, rows, room, self._monotonic())
            for row, wait in waiting:
                self._next_due = min(self._next_due, wait)
                due_at = now + timedelta(seconds=wait)
                await outbox.reschedule(
                    session, row["id"], due_at, error=None, attempt=False, body=None
                )
        return ready

    async def _record(self, outcomes: list[_Outcome]) -> None:
        """Every outcome of one dispatch in one transaction; the sent rows in one statement."""
        if not outcomes:
            return
        now = self.clock.now()
        sent = [o.row["id"] for o in outcomes if o.state == "sent"]
        named = {o.row["id"]: o.external_id for o in outcomes if o.external_id}
        async with self.db.transaction() as session:
            await self.budget.settle(session, [o.row for o in outcomes])
            if sent:
                await outbox.mark_sent(session, sent, now)
            if named:
                await outbox.name_sent(session, named)
            for o in outcomes:
                if o.state == "held":
                    await outbox.hold(session, o.row["id"], o.body or o.row["body"])
                elif o.state == "retry":
                    due_at = now + timedelta(seconds=o.delay)
                    await outbox.reschedule(
                        session, o.row["id"], due_at, error=o.error, attempt=o.attempt, body=o.body
                    )
                elif o.state == "failed":
                    await self._fail(session, o.row, o.error or "")

    async def _fail(self, session: Session, row: dict[str, Any], reason: str) -> None:
        await outbox.mark_failed(session, row["id"], reason)
        if reason in UNREACHABLE:
            await outbox.mark_unreachable(session, row["channel"], row["chat_id"])

    def _monotonic(self) -> float:
        return asyncio.get_running_loop().time()
