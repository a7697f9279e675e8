"""How many messages the channels' limits let go now: one interface, two budgets.

`LocalBudget` keeps the count in this process's memory (SQLite's one process, the default).
`SharedBudget` keeps it in PostgreSQL, where every process claims against the same rows
(storage/rate_limits.py): three processes behind a load balancer share Telegram's 30/s
without anyone dividing it by hand, and a 429 one of them gets pauses all of them.

Both count a message from the moment it starts until its request *ended* plus the limit's
window: the channel received it somewhere in between, so however the requests' latencies
vary, the channel never sees more than the limit in any window.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from storage import rate_limits
from storage.db import Session

Row = dict[str, Any]
# A send in flight longer than this no longer holds budget: its process died holding it.
IN_FLIGHT_AT_MOST = timedelta(seconds=5)
# How often the shared budget forgets the sends that no longer count.
FORGET_EVERY = 5.0


@dataclass(frozen=True)
class Limits:
    """Telegram's published limits by default; configurable per channel.

    `bucket` names the budget in the database: channels given the same Limits share it
    (a bot's beneficiaries' chats and its staff group speak through one token), and two
    bots on one database (two associations) each have their own."""

    per_chat_interval: float = 1.0  # seconds between two messages to one private chat
    per_second: int = 30  # messages per second across all chats
    group_per_minute: int = 20  # messages per minute to one group chat
    bucket: str = ""

    def chat_limit(self, chat_id: str) -> tuple[int, float]:
        """How many messages per how many seconds one chat may get."""
        if chat_id.startswith("-"):
            return self.group_per_minute, 60.0
        return 1, self.per_chat_interval


@dataclass(frozen=True)
class Pause:
    """A channel said "slow down": for how long, and whether the whole bot must wait."""

    seconds: float
    whole_channel: bool = False


class Budget(Protocol):
    def wait_hint(self, now: float) -> float:
        """Seconds until there may be room (0: look now); `now` is the loop's clock."""
        ...

    async def room(self, session: Session, channels: list[str], now: float) -> dict[str, int]:
        """How many messages each channel may start now, within the claim's transaction."""
        ...

    async def take(
        self, session: Session, rows: list[Row], room: dict[str, int], now: float
    ) -> tuple[list[Row], list[tuple[Row, float]]]:
        """The claimed rows that start now, and those that wait (with how long)."""
        ...

    def finished(self, row: Row, now: float, pause: Pause | None) -> None:
        """A started row's request ended (a 429 with its pause)."""
        ...

    async def settle(self, session: Session, rows: list[Row]) -> None:
        """The finished rows recorded, in the outcomes' transaction."""
        ...


def named(limits: Mapping[str, Limits], channels: Iterable[str]) -> dict[str, Limits]:
    """Each channel's limits with its bucket named: channels given one Limits object share
    it (under the first one's name unless it has its own); the others get Telegram's
    defaults under their own name."""
    names: dict[int, str] = {}
    out: dict[str, Limits] = {}
    for channel in channels:
        given = limits.get(channel) or Limits()
        name = given.bucket or names.setdefault(id(given), channel)
        out[channel] = given if given.bucket == name else replace(given, bucket=name)
    return out


# -- in this process ---------------------------------------------------------------------------


@dataclass
class _Pace:
    """One bot's budget in memory."""

    limits: Limits
    last_by_chat: dict[str, float] = field(default_factory=dict)
    recent: deque[float] = field(default_factory=deque)
    group_recent: dict[str, deque[float]] = field(default_factory=dict)
    paused_until: dict[str, float] = field(default_factory=dict)
    paused_all_until: float = 0.0
    in_flight: int = 0
    chats_in_flight: set[str] = field(default_factory=set)

    def room(self, now: float) -> int:
        while self.recent and now - self.recent[0] >= 1.0:
            self.recent.popleft()
        if self.paused_all_until > now:
            return 0
        return max(0, self.limits.per_second - len(self.recent) - self.in_flight)

    def next_room(self, now: float) -> float:
        """Seconds until `room` grows (an in-flight request ending counts as soon)."""
        if self.room(now) > 0:
            return 0.0
        if self.paused_all_until > now:
            return self.paused_all_until - now
        if self.recent:
            return max(0.001, 1.0 - (now - self.recent[0]))
        return 0.01  # all the budget is in flight: its answers come in milliseconds

    def wait_for(self, chat_id: str, now: float) -> float:
        """Seconds until a message to this chat is allowed; 0 when it may go now."""
        waits = [self.paused_until.get(chat_id, 0.0) - now, self.next_room(now)]
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

    def pause(self, chat_id: str, pause: Pause, now: float) -> None:
        until = now + pause.seconds
        if pause.whole_channel:
            self.paused_all_until = max(self.paused_all_until, until)
        else:
            self.paused_until[chat_id] = until


class LocalBudget:
    """The limits counted in this process: right when it is the only one sending."""

    def __init__(self, limits: Mapping[str, Limits]) -> None:
        paces: dict[str, _Pace] = {}
        # One bucket, one pace: channels that share a bot share its budget.
        self._pace = {c: paces.setdefault(lim.bucket, _Pace(lim)) for c, lim in limits.items()}

    def wait_hint(self, now: float) -> float:
        rooms = [p.room(now) for p in self._pace.values()]
        if any(rooms):
            return 0.0
        return min((p.next_room(now) for p in self._pace.values()), default=1.0)

    async def room(self, session: Session, channels: list[str], now: float) -> dict[str, int]:
        return {c: self._pace[c].room(now) for c in channels}

    async def take(
        self, session: Session, rows: list[Row], room: dict[str, int], now: float
    ) -> tuple[list[Row], list[tuple[Row, float]]]:
        ready: list[Row] = []
        waiting: list[tuple[Row, float]] = []
        for row in rows:
            pace = self._pace[row["channel"]]
            wait = pace.wait_for(row["chat_id"], now)
            if wait > 0:
                waiting.append((row, wait))
                continue
            pace.start(row["chat_id"])
            ready.append(row)
        return ready, waiting

    def finished(self, row: Row, now: float, pause: Pause | None) -> None:
        pace = self._pace[row["channel"]]
        pace.done(row["chat_id"], now)
        if pause is not None:
            pace.pause(row["chat_id"], pause, now)

    async def settle(self, session: Session, rows: list[Row]) -> None:
        return None


# -- shared through PostgreSQL -------------------------------------------------------------------


@dataclass
class _Started:
    at: datetime  # the database's clock when the claim looked
    local: float  # this loop's clock just before it looked
    ended: float | None = None
    pause: Pause | None = None


class SharedBudget:
    """The limits counted in PostgreSQL, for every process at once."""

    def __init__(self, limits: Mapping[str, Limits]) -> None:
        self.limits = dict(limits)
        self._per_second = {lim.bucket: lim.per_second for lim in self.limits.values()}
        self._started: dict[int, _Started] = {}
        self._free_at = 0.0  # this loop's clock: no room before it, as far as we know
        self._looked: tuple[datetime, float] | None = None
        self._forgot = 0.0

    def wait_hint(self, now: float) -> float:
        return max(0.0, self._free_at - now)

    async def room(self, session: Session, channels: list[str], now: float) -> dict[str, int]:
        buckets = sorted({self.limits[c].bucket for c in channels})
        paused = await rate_limits.lock_buckets(session, buckets)
        # Read just before the database's clock: a send's end counted from here is late,
        # never early.
        local = asyncio.get_running_loop().time()
        db_now = await rate_limits.database_now(session)
        self._looked = (db_now, local)
        await self._forget_now_and_then(session, db_now, local)
        usage = await rate_limits.usage(session, buckets, db_now, IN_FLIGHT_AT_MOST)
        free = {b: self._bucket_room(b, paused[b], usage.get(b), db_now, local) for b in buckets}
        return {c: free[self.limits[c].bucket] for c in channels}

    def _bucket_room(
        self,
        bucket: str,
        paused: datetime | None,
        used: rate_limits.Usage | None,
        db_now: datetime,
        local: float,
    ) -> int:
        used = used or rate_limits.Usage()
        if paused is not None and paused > db_now:
            self._free_at = local + (paused - db_now).total_seconds()
            return 0
        room = max(0, self._per_second[bucket] - used.count)
        if room == 0:
            self._free_at = local + _until(used, db_now)
        return room

    async def take(
        self, session: Session, rows: list[Row], room: dict[str, int], now: float
    ) -> tuple[list[Row], list[tuple[Row, float]]]:
        assert self._looked is not None, "room() first, in the same transaction"
        db_now, local = self._looked
        keys = [self._chat_key(r) for r in rows]
        paused = await rate_limits.pauses(session, keys, db_now)
        usage = await rate_limits.usage(session, keys, db_now, IN_FLIGHT_AT_MOST)
        ready: list[Row] = []
        waiting: list[tuple[Row, float]] = []
        left = dict(room)
        for row, key in zip(rows, keys, strict=True):
            wait = self._chat_wait(row, paused.get(key), usage.get(key), db_now)
            if wait == 0 and left[row["channel"]] <= 0:
                wait = 0.01  # the bucket is spent: due again as soon as it frees
            if wait > 0:
                waiting.append((row, wait))
                continue
            left[row["channel"]] -= 1
            ready.append(row)
            self._started[int(row["id"])] = _Started(db_now, local)
        await rate_limits.start(session, self._sends(ready), db_now)
        return ready, waiting

    def _chat_wait(
        self,
        row: Row,
        paused: datetime | None,
        used: rate_limits.Usage | None,
        db_now: datetime,
    ) -> float:
        limit, window = self.limits[row["channel"]].chat_limit(row["chat_id"])
        if paused is not None:
            return (paused - db_now).total_seconds()
        if window <= 0 or used is None or used.count < limit:
            return 0.0
        return _until(used, db_now)

    def finished(self, row: Row, now: float, pause: Pause | None) -> None:
        started = self._started.get(int(row["id"]))
        if started is not None:
            started.ended, started.pause = now, pause

    async def settle(self, session: Session, rows: list[Row]) -> None:
        ends: list[tuple[str, int, datetime]] = []
        for row in rows:
            started = self._started.pop(int(row["id"]), None)
            if started is None or started.ended is None:
                continue
            # The database's time of the look, plus what passed here from just before it
            # to the answer: never earlier than the moment the channel got the message.
            ended = started.at + timedelta(seconds=started.ended - started.local)
            for key, window in self._windows(row):
                ends.append((key, int(row["id"]), ended + timedelta(seconds=window)))
            if started.pause is not None:
                await self._pause(session, row, started.pause)
                if started.pause.whole_channel:
                    self._free_at = max(self._free_at, started.ended + started.pause.seconds)
        await rate_limits.settle(session, ends)

    async def _pause(self, session: Session, row: Row, pause: Pause) -> None:
        key = self.limits[row["channel"]].bucket if pause.whole_channel else self._chat_key(row)
        await rate_limits.pause(session, key, pause.seconds)

    def _sends(self, rows: list[Row]) -> list[tuple[str, int, float]]:
        return [(key, int(row["id"]), window) for row in rows for key, window in self._windows(row)]

    def _windows(self, row: Row) -> list[tuple[str, float]]:
        """The keys a send counts against, each with its window."""
        limits = self.limits[row["channel"]]
        windows = [(limits.bucket, 1.0)]
        _, chat_window = limits.chat_limit(row["chat_id"])
        if chat_window > 0:
            windows.append((self._chat_key(row), chat_window))
        return windows

    def _chat_key(self, row: Row) -> str:
        return f"{self.limits[row['channel']].bucket}:chat:{row['chat_id']}"

    async def _forget_now_and_then(self, session: Session, db_now: datetime, local: float) -> None:
        if local - self._forgot >= FORGET_EVERY:
            self._forgot = local
            await rate_limits.forget(session, db_now, IN_FLIGHT_AT_MOST)


def _until(used: rate_limits.Usage, db_now: datetime) -> float:
    """Seconds until one more send fits: when the first of those counting stops counting."""
    frees = [t for t in (used.frees_at, used.flying_frees_at) if t is not None]
    if not frees:
        return 0.01
    return max(0.001, (min(frees) - db_now).total_seconds())
