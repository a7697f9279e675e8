"""What the tests (and benchmarks) that run `python bot.py` as a real process share: a free
port on loopback, and a PostgreSQL database of their own on the test server."""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pg_urls(url: str, database: str) -> tuple[str, str]:
    """(asyncpg DSN of the admin database, SQLAlchemy URL of `database` on that server)."""
    from sqlalchemy.engine import make_url

    sa = make_url(url)
    admin = sa.set(drivername="postgresql").render_as_string(hide_password=False)
    target = sa.set(database=database).render_as_string(hide_password=False)
    return admin, target


async def create_pg_database(admin_url: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def drop_pg_database(admin_url: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@asynccontextmanager
async def new_pg_database(server_url: str, prefix: str = "tawasul_t") -> AsyncIterator[str]:
    """A fresh, empty database on the server `server_url` points at; dropped afterwards.
    Yields its SQLAlchemy URL (processes get it as TAWASUL_DATABASE_URL)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin, url = pg_urls(server_url, name)
    await create_pg_database(admin, name)
    try:
        yield url
    finally:
        await drop_pg_database(admin, name)
