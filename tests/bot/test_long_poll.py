"""The web chat's long poll (`/api/chat/history?after=N&wait=S`) on bot/server.py's own app
under uvicorn: a staff reply reaches a visitor's waiting poll as soon as it is written, on
SQLite in one process, and on PostgreSQL from another process behind the same database.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from bot.config import Settings
from bot.i18n import speaking
from bot.server import Server, build_app
from bot.wiring import build_faq
from storage.db import Database, sqlite_url
from tests.bot.staff_stack import add_member, csrf_of, sign_in, tr
from tests.bot.whatsapp_stack import TEST_KEY
from tests.conftest import PG_URL
from tests.processes import free_port, new_pg_database
from tests.waiting import until

WAIT = 25
# A poll that answered this much sooner than its wait was woken (the wait is the feature).
WELL_BEFORE = 15.0
ASKED = "ابي اكلم موظف"
SAID = "أهلاً بك، أنا معك"


@asynccontextmanager
async def served(data_dir: Path, url: str | None) -> AsyncIterator[str]:
    """`build_app` on a free loopback port, in this loop, as `python bot.py` serves it."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        database_url=url,
        encryption_key=TEST_KEY,
        # The same keys on every process behind the balancer: one visitor, one staff session.
        secret_key="long-poll-secret",
        log_level="warning",
    )
    faq = build_faq(settings, tr)
    app = build_app(settings, speaking(tr, faq.profile), faq)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = Server(config, app)
    task = asyncio.create_task(server.serve())
    try:
        await until(lambda: server.started or task.done(), 60.0)
        if task.done():
            task.result()
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def visitor_waiting(chat: httpx.AsyncClient) -> tuple[int, asyncio.Task[Any]]:
    """A visitor who asked for staff, and their long poll for what comes next."""
    assert (await chat.get("/")).status_code == 200
    assert (await chat.post("/api/chat", json={"text": ASKED})).status_code == 200
    last = (await chat.get("/api/chat/history")).json()["messages"][-1]["id"]
    poll = asyncio.create_task(chat.get(f"/api/chat/history?after={last}&wait={WAIT}"))
    return last, poll


async def staff_replies(base_url: str, text: str) -> None:
    async with httpx.AsyncClient(base_url=base_url) as staff:
        await sign_in(staff, "sara")
        page = await staff.get("/staff/cases/1")
        sent = await staff.post(
            "/staff/cases/1/reply", data={"csrf": csrf_of(page.text), "text": text}
        )
        assert sent.status_code == 303


async def answered_with_the_reply(poll: asyncio.Task[Any], last: int, started: float) -> None:
    answer = await asyncio.wait_for(poll, WAIT + 10)
    took = time.monotonic() - started
    assert answer.status_code == 200
    news = answer.json()
    assert [m["text"] for m in news["messages"]] == [f"موظف sara من فريق الجمعية:\n{SAID}"]
    assert news["messages"][0]["id"] > last and news["reset"] is False
    assert took < WELL_BEFORE, f"the long poll answered after {took:.1f}s, not when woken"


async def test_on_sqlite_a_staff_reply_wakes_the_visitors_long_poll(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    async with served(data_dir, None) as base_url:
        db = Database(sqlite_url(data_dir))
        try:
            await add_member(db, "sara", "researcher")
        finally:
            await db.dispose()
        async with httpx.AsyncClient(base_url=base_url, timeout=WAIT + 10) as chat:
            last, poll = await visitor_waiting(chat)
            started = time.monotonic()
            await staff_replies(base_url, SAID)
            await answered_with_the_reply(poll, last, started)

            # Nothing new: the poll waits its time and answers empty (a wait of 1 s here).
            quiet = await chat.get(f"/api/chat/history?after={last + 100}&wait=1")
            assert quiet.json() == {"messages": [], "reset": False}
            refused = await chat.get(f"/api/chat/history?after={last}&wait=26")
            assert refused.status_code == 400 and refused.json()["error"]


async def test_a_server_told_to_stop_answers_its_long_polls_at_once(tmp_path: Path) -> None:
    server = AsyncExitStack()
    base_url = await server.enter_async_context(served(tmp_path / "var", None))
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=WAIT + 10) as chat:
            _, poll = await visitor_waiting(chat)
            await asyncio.sleep(0.2)  # the poll is in: the server holds it
            started = time.monotonic()
            await server.aclose()  # the server stops, the visitor still connected
            answer = await asyncio.wait_for(poll, WAIT + 10)
            took = time.monotonic() - started
    finally:
        await server.aclose()
    assert answer.json() == {"messages": [], "reset": False}
    assert took < WELL_BEFORE, f"stopping took {took:.1f}s: the long poll held it"


@pytest.mark.skipif(PG_URL is None, reason="needs PostgreSQL: set TAWASUL_TEST_DATABASE_URL")
async def test_a_staff_reply_on_one_process_wakes_a_long_poll_on_another(tmp_path: Path) -> None:
    assert PG_URL is not None
    async with new_pg_database(PG_URL, "tawasul_poll") as url:
        db = Database(url)
        try:
            await db.upgrade()
            await add_member(db, "sara", "researcher")
        finally:
            await db.dispose()
        async with (
            served(tmp_path / "a", url) as app_a,
            served(tmp_path / "b", url) as app_b,
            httpx.AsyncClient(base_url=app_b, timeout=WAIT + 10) as chat,
        ):
            last, poll = await visitor_waiting(chat)  # the visitor is on B
            await asyncio.sleep(0.2)
            assert not poll.done()
            started = time.monotonic()
            await staff_replies(app_a, SAID)  # staff are on A
            await answered_with_the_reply(poll, last, started)
