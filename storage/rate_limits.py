"""The send limits every process shares on PostgreSQL (scheduler/budget.py's `SharedBudget`).

A limit is a key (a bot's overall budget, one chat's) that allows `limit` sends per window.
Each send counts from its start (in flight) until its end plus the window: a server that
saw it arrive somewhere in between can never count more than the limit in any window, however
the requests' latencies vary. Times are the database's (`clock_timestamp()`), the same for
every host. A bucket's row in `rate_keys` is locked by whoever claims against it, which puts
the processes' claims in a queue, and carries the pause a 429 seen by any of them sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, and_, bindparam, delete, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from storage.db import Session
from storage.models import RateKey, RateSend

SENDS = cast(Table, RateSend.__table__)
KEYS = cast(Table, RateKey.__table__)


@dataclass(frozen=True)
class Usage:
    """What counts against one key now: how many sends, how many of them still in flight,
    when the first of the finished ones stops counting, and the earliest a send still in
    flight can (its start plus the window: it counts until its end plus the window)."""

    count: int = 0
    flying: int = 0
    frees_at: datetime | None = None
    flying_frees_at: datetime | None = None


async def database_now(session: Session) -> datetime:
    """The database's own clock, read now (not the transaction's start)."""
    return cast(datetime, (await session.execute(select(func.clock_timestamp()))).scalar_one())


async def lock_buckets(session: Session, keys: list[str]) -> dict[str, datetime | None]:
    """Each bucket's pause, its row locked until the transaction ends (made on first use:
    one statement a claim, two the first time)."""
    locked = await _lock(session, keys)
    if len(locked) < len(set(keys)):
        await session.execute(
            pg_insert(KEYS).values([{"key": k} for k in keys]).on_conflict_do_nothing()
        )
        locked = await _lock(session, keys)
    return locked


async def _lock(session: Session, keys: list[str]) -> dict[str, datetime | None]:
    rows = await session.execute(
        select(KEYS.c.key, KEYS.c.paused_until)
        .where(KEYS.c.key.in_(keys))
        .order_by(KEYS.c.key)
        .with_for_update()
    )
    return {key: until for key, until in rows.all()}


async def pauses(session: Session, keys: list[str], now: datetime) -> dict[str, datetime]:
    """The keys among these paused past `now` (a chat that got a 429), and until when."""
    if not keys:
        return {}
    rows = await session.execute(
        select(KEYS.c.key, KEYS.c.paused_until).where(
            KEYS.c.key.in_(keys), KEYS.c.paused_until > now
        )
    )
    return {key: until for key, until in rows.all()}


async def usage(
    session: Session, keys: list[str], now: datetime, flight: timedelta
) -> dict[str, Usage]:
    """What counts against each key at `now`. A send in flight longer than `flight` no
    longer counts: its process died holding it, and the budget comes back."""
    if not keys:
        return {}
    counting = or_(
        SENDS.c.counts_until > now,
        and_(SENDS.c.counts_until.is_(None), SENDS.c.started_at > now - flight),
    )
    in_flight = SENDS.c.counts_until.is_(None)
    earliest = SENDS.c.started_at + func.make_interval(0, 0, 0, 0, 0, 0, SENDS.c.window_s)
    rows = await session.execute(
        select(
            SENDS.c.key,
            func.count(),
            func.count().filter(in_flight),
            func.min(SENDS.c.counts_until),
            func.min(earliest, type_=SENDS.c.started_at.type).filter(in_flight),
        )
        .where(SENDS.c.key.in_(keys), counting)
        .group_by(SENDS.c.key)
    )
    return {key: Usage(*counts) for key, *counts in rows.all()}


async def start(session: Session, sends: list[tuple[str, int, float]], now: datetime) -> None:
    """Sends (key, outbox row, window in seconds) starting now, in flight until settled."""
    if sends:
        await session.execute(
            insert(SENDS),
            [{"key": k, "outbox_id": row, "started_at": now, "window_s": w} for k, row, w in sends],
        )


async def settle(session: Session, ends: list[tuple[str, int, datetime]]) -> None:
    """Finished sends (key, outbox row, when it counts until): no longer in flight."""
    if not ends:
        return
    await session.execute(
        update(SENDS)
        .where(
            SENDS.c.key == bindparam("k"),
            SENDS.c.outbox_id == bindparam("row"),
            SENDS.c.counts_until.is_(None),
        )
        .values(counts_until=bindparam("until")),
        [{"k": k, "row": row, "until": until} for k, row, until in ends],
    )


async def pause(session: Session, key: str, seconds: float) -> None:
    """Nobody sends on `key` for `seconds` from now (by the database's clock)."""
    until = func.clock_timestamp() + text("make_interval(secs => :seconds)").bindparams(
        seconds=seconds
    )
    statement = pg_insert(KEYS).values(key=key, paused_until=until)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[KEYS.c.key],
            set_={
                "paused_until": func.greatest(
                    func.coalesce(KEYS.c.paused_until, statement.excluded.paused_until),
                    statement.excluded.paused_until,
                )
            },
        )
    )


async def forget(session: Session, now: datetime, flight: timedelta) -> None:
    """Sends that no longer count against anything, and chats' pauses long over."""
    stale = or_(
        SENDS.c.counts_until < now - timedelta(seconds=1),
        and_(SENDS.c.counts_until.is_(None), SENDS.c.started_at < now - flight),
    )
    await session.execute(delete(SENDS).where(stale))
    await session.execute(
        delete(KEYS).where(KEYS.c.key.like("%:chat:%"), KEYS.c.paused_until < now)
    )
