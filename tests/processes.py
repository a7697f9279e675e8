"""What the tests (and benchmarks) that run `python bot.py` as a real process share: the
process itself, an environment free of the caller's settings, a free port on loopback, and
a PostgreSQL database of their own on the test server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.fakes.whatsapp import FakeWhatsApp

ROOT = Path(__file__).resolve().parents[1]


class BotProcess:
    """`python bot.py` run from the repository with `env`, its output discarded."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "bot.py"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def kill(self) -> None:
        """SIGKILL: no shutdown handler, no flush, no goodbye."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


def run_cli(
    args: list[str], env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`python bot.py ARGS` run to its end (two minutes at most); its output as text."""
    return subprocess.run(
        [sys.executable, "bot.py", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without its TAWASUL_/TELEGRAM_/WHATSAPP_ settings (but
    the run's matcher cache), plus `settings`."""
    prefixes = ("TAWASUL_", "TELEGRAM_", "WHATSAPP_")
    # The run's shared folder of trained matchers (tests/conftest.py) is no setting under test.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(prefixes) or k == "TAWASUL_CACHE_DIR"
    }
    env.update(settings)
    return env


def telegram_env(
    data_dir: Path, port: int, token: str, api_base: str, **settings: str
) -> dict[str, str]:
    """bot.py against a Bot API at `api_base`: its data dir, its port, warnings only."""
    base = {
        "TAWASUL_DATA_DIR": str(data_dir),
        "TAWASUL_HTTP_PORT": str(port),
        "TAWASUL_LOG_LEVEL": "warning",
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_BASE": api_base,
    }
    return clean_env(**(base | settings))


def whatsapp_env(data_dir: Path, port: int, wa: FakeWhatsApp, **settings: str) -> dict[str, str]:
    """bot.py against the fake Cloud API `wa`: its data dir, its port, warnings only."""
    base = {
        "TAWASUL_DATA_DIR": str(data_dir),
        "TAWASUL_HTTP_PORT": str(port),
        "TAWASUL_LOG_LEVEL": "warning",
        "WHATSAPP_ACCESS_TOKEN": wa.token,
        "WHATSAPP_PHONE_NUMBER_ID": wa.phone_number_id,
        "WHATSAPP_APP_SECRET": wa.app_secret,
        "WHATSAPP_VERIFY_TOKEN": "verify-me",
        "WHATSAPP_API_BASE": wa.base_url,
    }
    return clean_env(**(base | settings))


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
