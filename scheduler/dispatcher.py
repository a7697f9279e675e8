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
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal, Protocol

from handlers.clock import Clock
from storage import outbox
from storage.db import Database, Session

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


@dataclass(frozen=True)
class Limits:
    """Telegram's published limits by default; configurable per channel."""

    per_chat_interval: float = 1.0  # seconds between two messages to one private chat
    per_second: int = 30  # messages per second across all chats
    group_per_minute: int = 20  # messages per minute to one group chat


@dataclass
class _Pace:
    """One bot's budget. A message counts from the moment its request *ended*: Telegram
    received it no later than that, so however the requests' latencies vary, two messages
    we space by the limit are at least that far apart at Telegram's end too."""

    limits: Limits
    last_by_chat: dict[str, float] = field(default_factory=dict)
    recent: deque[float] = field(default_factory=deque)
    group_recent: dict[str, deque[float]] = field(default_factory=dict)
    paused_until: dict[str, float] = field(default_factory=dict)
    paused_all_until: float = 0.0
    in_flight: int = 0
    chats_in_flight: set[str] = field(default_factory=set)

    def room(self, now: float) -> int:
        """How many messages may start now under the overall limit."""
        while self.recent and now - self.recent[0] >= 1.0:
            self.recent.popleft()
        return max(0, self.limits.per_second - len(self.recent) - self.in_flight)

    def next_room(self, now: float) -> float:
        """Seconds until `room` grows (an in-flight request ending counts as soon)."""
        if self.room(now) > 0:
            return 0.0
        if self.recent:
            return max(0.001, 1.0 - (now - self.recent[0]))
        return 0.01  # all the budget is in flight: its answers come in milliseconds

    def wait_for(self, chat_id: str, now: float) -> float:
        """Seconds until a message to this chat is allowed; 0 when it may go now."""
        waits = [
            self.paused_until.get(chat_id, 0.0) - now,
            self.paused_all_until - now,
            self.next_room(now),
        ]
        if chat_id in self.chats_in_flight:
            waits.append(0.01)
        if chat_id.startswith("-"):
            window = self.group_recent.setdefault(chat_id, deque())
            while window and now - window[0] >= 60.0:
                window.popleft()
            if len(window) >= self.limits.group_per_minute:
                waits.append(60.0 - (now - window[0]))
        else:
            last = self.last_by_chat.get(chat_id)
            if last is not None:
                waits.append(self.limits.per_chat_interval - (now - last))
        return max(0.0, *waits)

    def start(self, chat_id: str) -> None:
        self.in_flight += 1
        self.chats_in_flight.add(chat_id)

    def done(self, chat_id: str, now: float) -> None:
        self.in_flight -= 1
        self.chats_in_flight.discard(chat_id)
        self.recent.append(now)
        if chat_id.startswith("-"):
            self.group_recent.setdefault(chat_id, deque()).append(now)
        else:
            self.last_by_chat[chat_id] = now
            if len(self.last_by_chat) > 10_000:  # a campaign's chats: keep only the recent
                horizon = now - self.limits.per_chat_interval
                self.last_by_chat = {c: t for c, t in self.last_by_chat.items() if t > horizon}


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


MAX_ATTEMPTS = 8
# Failures that mean the person can't be reached on the channel at all.
UNREACHABLE = frozenset({"blocked", "undeliverable"})
# In a body: how many of its parts a previous attempt already delivered.
SENT_PARTS = "sent_parts"
# A row claimed longer ago than this by a process that never finished it is taken back.
RECLAIM_AFTER = timedelta(minutes=2)


def _paces(senders: Mapping[str, Sender], limits: Mapping[str, Limits]) -> dict[str, _Pace]:
    """Channels given the same Limits object share one budget: they are one bot (the
    beneficiaries' chats and the staff group speak through one token)."""
    paces: dict[int, _Pace] = {}
    by_channel: dict[str, _Pace] = {}
    for channel in senders:
        channel_limits = limits.get(channel, Limits())
        by_channel[channel] = paces.setdefault(id(channel_limits), _Pace(channel_limits))
    return by_channel


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
    ) -> None:
        self.db = db
        self.senders = dict(senders)
        self.clock = clock
        self.batch = batch
        self.idle_poll = idle_poll
        # On PostgreSQL: when a row another (maybe just slow) process claimed is taken back.
        self.reclaim_after = reclaim_after
        self._pace = _paces(self.senders, limits or {})
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
        self._next_due = self.idle_poll
        now = self._monotonic()
        room = max((p.room(now) for p in self._pace.values()), default=0)
        if room <= 0:
            # The budget is spent: claim nothing until it frees up (no claim-and-release).
            self._next_due = min((p.next_room(now) for p in self._pace.values()), default=1.0)
            return 0
        rows = await self._claim(min(self.batch, room))
        if not rows:
            return 0
        ready, held = self._pick(rows)
        outcomes = await asyncio.gather(*(self._send(row) for row in ready))
        await self._record([*outcomes, *held])
        # A held row went out too (its template did): the backlog is no reason to idle.
        return sum(1 for o in outcomes if o.state in ("sent", "held"))

    def _pick(self, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[_Outcome]]:
        """The rows the limits let go now (started), and those held back for a while."""
        ready: list[dict[str, Any]] = []
        held: list[_Outcome] = []
        for row in rows:
            pace = self._pace[row["channel"]]
            wait = pace.wait_for(row["chat_id"], self._monotonic())
            if wait > 0:
                self._next_due = min(self._next_due, wait)
                held.append(_Outcome(row, "retry", delay=wait))
                continue
            pace.start(row["chat_id"])
            ready.append(row)
        return ready, held

    async def _send(self, row: dict[str, Any]) -> _Outcome:
        pace = self._pace[row["channel"]]
        try:
            return await self._attempt(row)
        finally:
            pace.done(row["chat_id"], self._monotonic())

    async def _attempt(self, row: dict[str, Any]) -> _Outcome:
        sender = self.senders[row["channel"]]
        try:
            external_id = await sender.send(row["chat_id"], row["body"])
        except RetryLater as exc:
            self._pause(row, exc)
            outcome = _Outcome(row, "retry", delay=exc.retry_after, error=str(exc), attempt=True)
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

    def _pause(self, row: dict[str, Any], exc: RetryLater) -> None:
        pace = self._pace[row["channel"]]
        until = self._monotonic() + exc.retry_after
        if exc.whole_channel:
            pace.paused_all_until = max(pace.paused_all_until, until)
        else:
            pace.paused_until[row["chat_id"]] = until

    # -- database --------------------------------------------------------------------------

    async def _claim(self, limit: int) -> list[dict[str, Any]]:
        now = self.clock.now()
        params = {
            "now": now,
            "stale": now - self.reclaim_after,
            "channels": list(self.senders),
            "limit": limit,
        }
        async with self.db.transaction() as session:
            return await outbox.claim(session, self._claim_statement, params)

    async def _record(self, outcomes: list[_Outcome]) -> None:
        """Every outcome of one dispatch in one transaction; the sent rows in one statement."""
        if not outcomes:
            return
        now = self.clock.now()
        sent = [o.row["id"] for o in outcomes if o.state == "sent"]
        named = {o.row["id"]: o.external_id for o in outcomes if o.external_id}
        async with self.db.transaction() as session:
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
