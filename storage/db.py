"""The database: one engine per process, opened and closed by whoever wires the app.

The embedded default is SQLite in WAL mode under the data dir; `TAWASUL_DATABASE_URL`
points the same code at PostgreSQL. Every use case opens its unit of work in one place:
`Database.transaction()` (a write transaction, queued behind SQLite's one writer, committed
once at the end) or `Database.reading()` (a read-only session). Repositories never commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Table, event, orm
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState

from storage.sqlite_inline import InlineConnection, connector

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_FILE = "tawasul.db"
# What `transaction()` and `reading()` yield: the type use cases annotate a session with,
# so that they need not import SQLAlchemy themselves.
Session = AsyncSession
# A database that is down or busy (or its connection gone): worth a channel's redelivery,
# unlike an error the same update would hit again and again.
UNAVAILABLE = (OperationalError, InterfaceError, OSError, TimeoutError)


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite+aiosqlite:///{(data_dir / SQLITE_FILE).resolve()}"


def _sqlite_setup(engine: AsyncEngine) -> None:
    sync = engine.sync_engine

    @event.listens_for(sync, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, start transactions, so that they can be IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # The inline driver waits for a busy database itself, without blocking the loop.
        inline = isinstance(getattr(dbapi_connection, "_connection", None), InlineConnection)
        cursor.execute(f"PRAGMA busy_timeout={0 if inline else 30000}")
        cursor.close()

    @event.listens_for(sync, "begin")
    def _on_begin(conn: Connection) -> None:
        # A deferred transaction that reads and then writes can fail at once with "database
        # is locked" when another writer got in between; taking the write lock up front
        # makes concurrent writers wait (busy_timeout) instead. A read needs no lock at all
        # (WAL: readers never wait), and waiting for one behind every writer cost it
        # hundreds of milliseconds under load.
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


_APPENDS = "tawasul.appends"
_WRITTEN = "tawasul.written"
# Told after a commit which conversations (channel, chat id) got a message in it: a page
# that redraws its transcript can look now (storage/notify.py).
Written = Callable[[frozenset[tuple[str, str]]], None]
# An execution option: the transaction only reads (on SQLite: a deferred BEGIN).
READ_ONLY = "tawasul_read_only"


class AppendingSession(orm.Session):
    """A session that also takes append-only rows (transcript, outbox) to write in bulk.

    The ORM inserts new objects one statement each on SQLite (it needs each new id back,
    and SQLite doesn't promise the order of RETURNING rows), which made a batch of 25
    updates cost 75 INSERT round trips. Nobody needs the ids of these rows, so they are
    kept here and written as one executemany per table: before any statement this session
    runs (so reads see them) and at commit, after the ORM's own flush (so their foreign
    keys exist).
    """

    def append(self, table: Table, row: dict[str, Any]) -> None:
        self.info.setdefault(_APPENDS, []).append((table, row))

    def wrote(self, channel: str, chat_id: str) -> None:
        """This transaction adds a message to that conversation."""
        self.info.setdefault(_WRITTEN, set()).add((channel, chat_id))

    def write_appends(self) -> None:
        pending: list[tuple[Table, dict[str, Any]]] = self.info.pop(_APPENDS, [])
        by_table: dict[Table, list[dict[str, Any]]] = {}
        for table, row in pending:  # each table's rows keep their order (and so their ids)
            by_table.setdefault(table, []).append(row)
        for table, rows in by_table.items():
            self.connection().execute(table.insert(), rows)


@event.listens_for(AppendingSession, "do_orm_execute")
def _before_statement(state: ORMExecuteState) -> None:
    session = state.session
    if isinstance(session, AppendingSession) and session.info.get(_APPENDS):
        session.write_appends()


@event.listens_for(AppendingSession, "before_commit")
def _before_commit(session: orm.Session) -> None:
    if isinstance(session, AppendingSession) and session.info.get(_APPENDS):
        session.flush()
        session.write_appends()


@event.listens_for(AppendingSession, "after_rollback")
def _after_rollback(session: orm.Session) -> None:
    session.info.pop(_APPENDS, None)
    session.info.pop(_WRITTEN, None)


class Database:
    def __init__(self, url: str, *, echo: bool = False, schema: str | None = None) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.schema = schema
        # An error's message (and so a logged traceback) would otherwise carry the statement's
        # values: message texts, and the identifiers before they are sealed.
        kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
        if self.is_sqlite:
            if ":///" in url and not url.endswith(":memory:"):
                Path(url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": 30}
            if ":///" in url and not url.endswith(":memory:"):
                kwargs["async_creator"] = connector(url.split(":///", 1)[1])
        else:
            kwargs["pool_pre_ping"] = True
            if schema is not None:
                # Tests (and several deployments on one server) each get a schema of their own.
                if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", schema):
                    raise ValueError(f"invalid schema name {schema!r}")
                kwargs["connect_args"] = {"server_settings": {"search_path": schema}}
        self.engine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            _sqlite_setup(self.engine)
        self._sessions = async_sessionmaker(
            self.engine, expire_on_commit=False, sync_session_class=AppendingSession
        )
        # SQLite has one writer at a time; waiting writers sleep in its busy handler in
        # steps of up to 100 ms and in no order, which made the slowest of 50 concurrent
        # messages wait seconds. Queuing them here, first come first served, does not.
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        # Set by whoever wires the process; called after each commit that wrote messages.
        self.on_written: Written | None = None
        # How many group-commit batches may be in flight at once (handlers/group_commit.py):
        # SQLite queues its writers anyway.
        self.batches = 1 if self.is_sqlite else 2

    def session(self) -> AsyncSession:
        return self._sessions()

    @asynccontextmanager
    async def transaction(self, *, queued: bool = True) -> AsyncIterator[AsyncSession]:
        """One unit of work: a session in a transaction, committed on success, rolled back on error.

        `queued=False` is for a caller that already holds `writer()` around several
        transactions (the engine retries a failed batch one update at a time under one hold).
        """
        async with contextlib.AsyncExitStack() as stack:
            if queued:
                await stack.enter_async_context(self.writer())
            session = await stack.enter_async_context(self.session())
            async with session.begin():
                yield session
            self._committed(session)

    def _committed(self, session: AsyncSession) -> None:
        written = session.sync_session.info.pop(_WRITTEN, None)
        if written and self.on_written is not None:
            self.on_written(frozenset(written))

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session for reads only; nothing it does is committed."""
        async with self.session() as session:
            await session.connection(execution_options={READ_ONLY: True})
            yield session

    @asynccontextmanager
    async def writer(self) -> AsyncIterator[None]:
        """Hold around a write transaction (a no-op where the database queues writers)."""
        if self._write_lock is None:
            yield
            return
        async with self._write_lock:
            yield

    async def upgrade(self) -> None:
        """Apply every migration (the embedded database does this at start-up)."""
        async with self.engine.begin() as conn:
            await conn.run_sync(_upgrade)

    async def is_current(self) -> bool:
        """Whether every migration has been applied."""
        async with self.engine.connect() as conn:
            return await conn.run_sync(_is_current)

    async def ping(self) -> None:
        """Raises unless the database answers a trivial query (the readiness check)."""
        async with self.engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")

    async def create_schema(self) -> None:
        async with self.engine.begin() as conn:
            await conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')

    async def drop_schema(self) -> None:
        async with self.engine.begin() as conn:
            await conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')

    async def dispose(self) -> None:
        await self.engine.dispose()


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _is_current(connection: Connection) -> bool:
    heads = set(ScriptDirectory.from_config(_config(connection)).get_heads())
    return set(MigrationContext.configure(connection).get_current_heads()) == heads


def _upgrade(connection: Connection) -> None:
    command.upgrade(_config(connection), "head")
