"""A running `python bot.py` learns without a restart: staff teach with the command line,
and the web chat's next visitor is answered; on PostgreSQL a second process on the same
database picks the edit up too.

Every wait is bounded (a hung server must not hang the suite); nothing here is timed.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.bot.server_process import Backend, Server, new_visitor, post_chat, server_client
from tests.processes import ROOT, free_port, new_pg_database

PG_URL = os.environ.get("TAWASUL_TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]
RESTROOMS = "وين الحمام عندكم"
RESTROOM_ANSWER = "دورات المياه في الدور الأرضي بجانب الاستقبال."
# The retrain takes seconds; the bound is for a slow, busy machine.
PICKUP_BOUND_S = 90.0


async def _bot(backend: Backend, *args: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "bot.py",
        *args,
        cwd=ROOT,
        env=backend.env(free_port()),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=120)
    return proc.returncode or 0, out.decode(errors="replace")


@pytest_asyncio.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    data_dir = tmp_path / "data"
    if request.param == "sqlite":
        yield Backend("sqlite", data_dir, "")
        return
    assert PG_URL is not None
    async with new_pg_database(PG_URL) as url:
        backend = Backend("postgresql", data_dir, url)
        code, out = await _bot(backend, "db", "upgrade")
        assert code == 0, out
        yield backend


@pytest.fixture
def servers(backend: Backend, tmp_path: Path) -> Iterator[list[Server]]:
    # Two processes on PostgreSQL (a deployment behind a balancer); SQLite has one.
    count = 2 if backend.name == "postgresql" else 1
    started = [Server(backend, free_port(), tmp_path / f"server{n}.log") for n in range(count)]
    try:
        yield started
    finally:
        for server in started:
            server.stop_all()


async def _first_reply(server: Server, text: str) -> str:
    async with server_client(server) as client:
        visitor = await new_visitor(client)
        replies = await post_chat(client, visitor, text=text)
    return str(replies[0]["text"])


async def _until_answered(server: Server) -> None:
    deadline = asyncio.get_running_loop().time() + PICKUP_BOUND_S
    while RESTROOM_ANSWER not in await _first_reply(server, RESTROOMS):
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"no new FAQ after {PICKUP_BOUND_S} s:\n{server.log_tail()}")
        await asyncio.sleep(0.5)


async def test_a_running_bot_answers_what_staff_just_taught(
    backend: Backend, servers: list[Server]
) -> None:
    async with asyncio.timeout(400):
        for server in servers:
            await server.start()
        for server in servers:
            assert "هل تقصد" in await _first_reply(server, RESTROOMS)
        code, out = await _bot(
            backend,
            "faq",
            "add-entry",
            "restrooms",
            "--answer",
            RESTROOM_ANSWER,
            "--question",
            RESTROOMS,
        )
        assert code == 0, out
        for server in servers:
            await _until_answered(server)
            assert server.proc is not None and server.proc.poll() is None  # never restarted
