"""Wake-ups: "something changed, look now", in this process and, on PostgreSQL, in every
process on the database (LISTEN/NOTIFY).

A topic names who should look: `OUTBOX` (a message was queued: every process's dispatcher
claims what is due), `FAQ` (staff edited the FAQ: every process retrains) or
`web_chat(visitor)` (that visitor's chat has something new: only their long polls answer).
A wake-up carries no data and promises nothing: whoever wakes reads the database, and a
periodic sweep covers one that got lost.

`wake(topic)` calls this process's listeners at once and never waits: on PostgreSQL the
topic joins the ones waiting to be sent, and one task sends them, a burst of wakes for one
topic as one notification, on the one connection this process holds for LISTEN. Lost, that
connection comes back with backoff, and then every listener is woken once, since the other
processes' notifications in between went nowhere. On SQLite there is one process: the hub
is in-process only.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable, Collection, Iterator
from typing import Any

import asyncpg

from storage.db import Database

log = logging.getLogger(__name__)

OUTBOX = "outbox"
# Staff changed the FAQ: every process reads its version and retrains (handlers/faq_learning).
FAQ = "faq"
APPLICATION_NAME = "tawasul-wakeups"
_WEB = "web:"
Listener = Callable[[], None]
# PostgreSQL identifiers (and so LISTEN channels) are at most 63 bytes.
_MAX_CHANNEL = 63
# Sent as one statement: identical notifications in one transaction arrive once.
_NOTIFY = "SELECT pg_notify($1, topic) FROM unnest($2::text[]) AS topic"


def web_chat(chat_id: str) -> str:
    """The topic of one web visitor's chat."""
    return _WEB + chat_id


def channel_name(schema: str | None) -> str:
    """Each deployment's own channel: notifications are per database, not per schema."""
    return ("tawasul" if schema is None else f"tawasul_{schema}")[:_MAX_CHANNEL]


class Wakeups:
    """The hub: who listens to which topic here, and (on PostgreSQL) the other processes."""

    def __init__(self, db: Database | None = None, **pg: float) -> None:
        self._listeners: dict[str, list[Listener]] = {}
        self._waits: set[asyncio.Event] = set()
        self._released = False
        self._remote: _Listen | None = None
        if db is not None and not db.is_sqlite:
            self._remote = _Listen(db, self._arrived, self._everyone, **pg)

    def listen(self, topic: str, listener: Listener) -> Listener:
        """Call `listener` at every wake of `topic`; returns what stops it."""
        self._listeners.setdefault(topic, []).append(listener)
        return functools.partial(self._unlisten, topic, listener)

    def wake(self, topic: str) -> None:
        self._arrived(topic)
        if self._remote is not None:
            self._remote.send(topic)

    def written(self, conversations: Collection[tuple[str, str]]) -> None:
        """After a commit (`Database.on_written`): the web chats that got a message."""
        for channel, chat_id in conversations:
            if channel == "web":
                self.wake(web_chat(chat_id))

    def waker(self, topic: str) -> Listener:
        """`wake(topic)` as a callable without arguments (what the handlers call)."""
        return functools.partial(self.wake, topic)

    @contextlib.contextmanager
    def waiting(self, topic: str) -> Iterator[asyncio.Event]:
        """An event set by every wake of `topic` while the block runs, and for good once
        the hub is released (the server is stopping: a long poll answers now)."""
        event = asyncio.Event()
        stop = self.listen(topic, event.set)
        self._waits.add(event)
        if self._released:
            event.set()
        try:
            yield event
        finally:
            self._waits.discard(event)
            stop()

    @property
    def released(self) -> bool:
        return self._released

    def release(self) -> None:
        """Every wait ends now, and every later one at once."""
        self._released = True
        for event in self._waits:
            event.set()

    async def start(self) -> None:
        if self._remote is not None:
            self._remote.start()

    async def close(self) -> None:
        self.release()
        if self._remote is not None:
            await self._remote.close()

    def _unlisten(self, topic: str, listener: Listener) -> None:
        found = self._listeners.get(topic, [])
        if listener in found:
            found.remove(listener)
        if not found:
            self._listeners.pop(topic, None)

    def _arrived(self, topic: str) -> None:
        for listener in list(self._listeners.get(topic, ())):
            _call(listener)

    def _everyone(self) -> None:
        for listeners in list(self._listeners.values()):
            for listener in list(listeners):
                _call(listener)


def _call(listener: Listener) -> None:
    try:
        listener()
    except Exception:  # one listener's bug must not keep the others asleep
        log.exception("a wake-up listener failed")


class _Listen:
    """This process's one connection for LISTEN, which also sends its NOTIFYs."""

    def __init__(
        self,
        db: Database,
        arrived: Callable[[str], None],
        missed: Callable[[], None],
        *,
        retry: float = 0.5,
        max_retry: float = 30.0,
        check_every: float = 30.0,
    ) -> None:
        self._connect = _connect_args(db)
        self._channel = channel_name(db.schema)
        self._arrived, self._missed = arrived, missed
        self._retry, self._max_retry, self._check_every = retry, max_retry, check_every
        self._pending: set[str] = set()
        self._poke = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._connection: Any = None
        self._stopping = False

    def send(self, topic: str) -> None:
        self._pending.add(topic)
        self._poke.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="wakeups-listen")

    async def close(self, flush_within: float = 2.0) -> None:
        """Stop, sending what is pending first when connected (a short-lived process's)."""
        if self._task is None:
            return
        self._stopping = True
        self._poke.set()
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._task), flush_within)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await self._drop()

    async def _run(self) -> None:
        delay = self._retry
        while not self._stopping:
            try:
                await self._open()
            except Exception as exc:
                log.warning("wake-ups: no LISTEN connection (%s); retrying", type(exc).__name__)
                await self._drop()
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._max_retry)
                continue
            delay = self._retry
            try:
                await self._serve()
            except Exception as exc:
                log.warning("wake-ups: LISTEN connection lost (%s)", type(exc).__name__)
            await self._drop()

    async def _open(self) -> None:
        conn = await asyncpg.connect(**self._connect)
        self._connection = conn
        conn.add_termination_listener(lambda _: self._poke.set())
        await conn.add_listener(self._channel, self._received)
        # Whatever the others notified before (at start, or while we were away) reached
        # nobody here: everyone looks once.
        self._missed()

    async def _serve(self) -> None:
        """Send what is pending as it comes; check an idle connection now and then."""
        conn = self._connection
        while not conn.is_closed():
            poked = True
            try:
                await asyncio.wait_for(self._poke.wait(), self._check_every)
            except TimeoutError:
                poked = False
            self._poke.clear()
            if conn.is_closed():
                return
            if self._pending:
                await self._flush(conn)
            elif not poked:
                # A connection can die without a word (a NAT, a failover): ask it.
                await asyncio.wait_for(conn.execute("SELECT 1"), self._check_every)
            if self._stopping:
                return

    async def _flush(self, conn: Any) -> None:
        topics, self._pending = self._pending, set()
        try:
            await conn.execute(_NOTIFY, self._channel, sorted(topics))
        except BaseException:
            self._pending |= topics  # sent after the reconnection
            raise

    def _received(self, conn: Any, pid: int, _channel: str, topic: str) -> None:
        if pid != conn.get_server_pid():  # our own were delivered here already
            self._arrived(topic)

    async def _drop(self) -> None:
        conn, self._connection = self._connection, None
        if conn is None or conn.is_closed():
            return
        try:
            await asyncio.wait_for(conn.close(), 5)
        except Exception:
            conn.terminate()


def _connect_args(db: Database) -> dict[str, Any]:
    """What SQLAlchemy's asyncpg dialect would connect with, for a connection of our own."""
    _, params = db.engine.dialect.create_connect_args(db.engine.url)
    for sqlalchemy_only in (
        "async_creator_fn",
        "prepared_statement_cache_size",
        "prepared_statement_name_func",
    ):
        params.pop(sqlalchemy_only, None)
    # Named, for an operator reading pg_stat_activity.
    settings = {**params.pop("server_settings", {}), "application_name": APPLICATION_NAME}
    return {**params, "server_settings": settings, "timeout": 10}
