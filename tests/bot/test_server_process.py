"""The real server process: `python bot.py` on a free port, spoken to over loopback HTTP.

What the in-process tests cannot show: a SIGKILL in the middle of a conversation loses
nothing that was answered, doubles nothing, and the conversation resumes in the state it
was in; and 200 visitors at once each see exactly their own conversation.

Every test runs on SQLite (the data dir) and, when `TAWASUL_TEST_DATABASE_URL` is set, on a
fresh PostgreSQL database of its own, migrated with `python bot.py db upgrade` and dropped
afterwards. Every wait is bounded; the processes are killed in teardown whatever happens.
Nothing here is timed: the bounds only keep a hung server from hanging the suite.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import select

from storage.models import Conversation, HandoverCase, Message
from tests.bot.server_process import (
    HANDOVER,
    Backend,
    Server,
    chat_history,
    new_visitor,
    post_chat,
    server_client,
)
from tests.processes import ROOT, free_port, new_pg_database

PG_URL = os.environ.get("TAWASUL_TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]

GREETING = "السلام عليكم"
QUESTION = "كم يوم ياخذ الطلب عشان تردون علي"  # review_period: answered with 👍/👎
FAQ_ANSWER = "أسبوعين"  # what the review-period answer says
CASE_OPENED = "حوّلت محادثتك"
CASE_ACK = "وصلت رسالتك"  # case-waiting: the message reached the researcher
CASE_CLOSED = "أنهيت المحادثة"
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
MARKER = re.compile(r"١٢٣[٠-٩]{3}")


@pytest_asyncio.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    data_dir = tmp_path / "data"
    if request.param == "sqlite":
        yield Backend("sqlite", data_dir, "")
        return
    assert PG_URL is not None
    async with new_pg_database(PG_URL) as url:
        backend = Backend("postgresql", data_dir, url)
        upgrade = await asyncio.create_subprocess_exec(
            sys.executable,
            "bot.py",
            "db",
            "upgrade",
            cwd=ROOT,
            env=backend.env(free_port()),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await asyncio.wait_for(upgrade.communicate(), timeout=120)
        assert upgrade.returncode == 0, out.decode(errors="replace")
        yield backend


@pytest.fixture
def server(backend: Backend, tmp_path: Path) -> Iterator[Server]:
    srv = Server(backend, free_port(), tmp_path / "server.log")
    try:
        yield srv
    finally:
        srv.stop_all()


def _pairs(messages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(m["direction"], m["text"]) for m in messages]


def _expected(sent: str, replies: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [("in", sent), *(("out", r["text"]) for r in replies)]


# -- kill -9 mid-conversation -------------------------------------------------------------


async def test_kill_9_mid_conversation_loses_and_doubles_nothing(server: Server) -> None:
    async with asyncio.timeout(240):
        await _kill_9_scenario(server)


async def _kill_9_scenario(server: Server) -> None:
    await server.start()
    async with server_client(server) as client:
        visitor = await new_visitor(client)
        expected: list[tuple[str, str]] = []

        greeting = await post_chat(client, visitor, text=GREETING, message_id="m1")
        assert greeting and greeting[0]["buttons"], greeting
        expected += _expected(GREETING, greeting)
        answer = await post_chat(client, visitor, text=QUESTION, message_id="m2")
        assert FAQ_ANSWER in answer[0]["text"]
        button = answer[0]["buttons"][0]
        pressed = await post_chat(client, visitor, payload=button["payload"], message_id="m3")
        expected += _expected(QUESTION, answer) + _expected(button["label"], pressed)
        opened = await post_chat(client, visitor, text=HANDOVER, message_id="m4")
        assert CASE_OPENED in opened[0]["text"], opened
        expected += _expected(HANDOVER, opened)

        # Several messages for the researcher in flight (one chat: the server takes them one
        # at a time); SIGKILL as soon as three are answered, the rest still in flight.
        fired = {f"f{k}": f"رسالة للباحث رقم {k}".translate(ARABIC_DIGITS) for k in range(12)}
        tasks = {
            mid: asyncio.create_task(post_chat(client, visitor, text=text, message_id=mid))
            for mid, text in fired.items()
        }
        pending = set(tasks.values())
        for _ in range(3):
            if pending:
                _, pending = await asyncio.wait(
                    pending, return_when=asyncio.FIRST_COMPLETED, timeout=60
                )
        server.kill()
        answered: dict[str, list[dict[str, Any]]] = {}
        for mid, task in tasks.items():
            # A TransportError: lost with the process, the visitor never saw an answer.
            with contextlib.suppress(httpx.TransportError):
                answered[mid] = await task
        assert answered, "no message was answered before the kill"

    await server.start()
    async with server_client(server) as client:
        history = _pairs(await chat_history(client, visitor))
        # Everything answered before the kill is there, in order, with its replies.
        assert history[: len(expected)] == expected
        for mid, replies in answered.items():
            at = history.index(("in", fired[mid]))
            assert history[at : at + 1 + len(replies)] == _expected(fired[mid], replies)
            assert all(CASE_ACK in r["text"] for r in replies), replies
        assert len(history) == len(set(history)), history

        # An id recorded before the kill is not processed again: the question is not
        # answered twice (nor handed to the researcher).
        assert await post_chat(client, visitor, text=QUESTION, message_id="m2") == []
        # The page retries what it never got an answer for (and, here, everything else too):
        # each id is processed at most once, so each message is there exactly once.
        for mid, text in fired.items():
            replies = await post_chat(client, visitor, text=text, message_id=mid)
            if mid in answered:
                assert replies == []
        history = _pairs(await chat_history(client, visitor))
        for text in fired.values():
            assert history.count(("in", text)) == 1, text
        assert len(history) == len(set(history)), history

        # Still with the researcher: an FAQ question is not answered by the bot ...
        after = await post_chat(client, visitor, text=QUESTION, message_id="after-1")
        assert all(CASE_ACK in r["text"] and FAQ_ANSWER not in r["text"] for r in after), after
        # ... and /cancel closes that same case (outside a handover it has nothing to cancel).
        closed = await post_chat(client, visitor, text="/cancel", message_id="after-2")
        assert CASE_CLOSED in closed[0]["text"], closed

    db = server.backend.database()
    try:
        async with db.reading() as s:
            conversations = (await s.execute(select(Conversation))).scalars().all()
            assert len(conversations) == 1
            cases = (await s.execute(select(HandoverCase))).scalars().all()
            assert [(c.reason, c.status) for c in cases] == [("request", "closed")]
            on_case = (
                (await s.execute(select(Message.text).where(Message.case_id == cases[0].id)))
                .scalars()
                .all()
            )
    finally:
        await db.dispose()
    # The question asked after the restart reached the researcher's case transcript.
    assert QUESTION in on_case and all(text in on_case for text in fired.values())


# -- 200 visitors at once -----------------------------------------------------------------

VISITORS = 200


def _marker(n: int) -> str:
    return f"١٢٣{n:03d}".translate(ARABIC_DIGITS)


async def _visitor_flow(client: httpx.AsyncClient, n: int) -> None:
    visitor = await new_visitor(client)
    question = f"كم يوم ياخذ الطلب؟ طلبي رقم {_marker(n)}"
    start = await post_chat(client, visitor, text="/start", message_id=f"v{n}-1")
    answer = await post_chat(client, visitor, text=question, message_id=f"v{n}-2")
    buttons = [b for r in answer for b in r["buttons"]]
    assert buttons, answer
    pressed = await post_chat(client, visitor, payload=buttons[0]["payload"], message_id=f"v{n}-3")
    history = _pairs(await chat_history(client, visitor))
    assert history == (
        _expected("/start", start)
        + _expected(question, answer)
        + _expected(buttons[0]["label"], pressed)
    )
    markers = {m for _, text in history for m in MARKER.findall(text)}
    assert markers == {_marker(n)}


async def test_200_concurrent_visitors_each_see_only_their_own_conversation(
    server: Server,
) -> None:
    await server.start()
    async with server_client(server, max_connections=VISITORS + 50) as client, asyncio.timeout(150):
        results = await asyncio.gather(
            *(_visitor_flow(client, n) for n in range(VISITORS)), return_exceptions=True
        )
    failures = [(n, r) for n, r in enumerate(results) if isinstance(r, BaseException)]
    assert not failures, f"{len(failures)} visitors failed, first: {failures[0]!r}"

    db = server.backend.database()
    try:
        async with db.reading() as s:
            conversations = (await s.execute(select(Conversation))).scalars().all()
            messages = (await s.execute(select(Message.direction))).scalars().all()
    finally:
        await db.dispose()
    assert len(conversations) == VISITORS
    assert messages.count("in") == 3 * VISITORS
