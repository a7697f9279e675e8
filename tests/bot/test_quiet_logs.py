"""What `python bot.py` writes to its log at INFO holds no identifier and no message text.

A real process (the log is what an operator ships to a log service): a visitor types a
national ID, a phone and a distinctive sentence, fills the request form, is handed over to
a researcher and writes to them, and sends a text SQLite cannot store (a lone surrogate:
the error path, with its traceback). None of what they typed may be in the log.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from storage.db import Database
from tests.bot.server_process import (
    HANDOVER,
    NATIONAL_ID,
    PHONE,
    Backend,
    Server,
    fill_the_form,
    new_visitor,
    post_chat,
    server_client,
)
from tests.processes import free_port

SENTENCE = "زرافة بنفسجية تقرأ الجريدة على سطح المستشفى"
OTHER_ID = "2087654321"
OTHER_PHONE = "0509876543"


class QuietBackend(Backend):
    def env(self, port: int) -> dict[str, str]:
        # Upper case on purpose: Python's own spelling of the level is accepted too.
        return {**super().env(port), "TAWASUL_LOG_LEVEL": "INFO"}


async def test_the_log_at_info_holds_no_identifier_and_no_message_text(tmp_path: Path) -> None:
    backend = QuietBackend("sqlite", tmp_path / "data", "")
    server = Server(backend, free_port(), tmp_path / "bot.log")
    try:
        async with asyncio.timeout(240):
            await server.start()
            async with server_client(server) as client:
                visitor = await new_visitor(client)
                await fill_the_form(client, visitor)
                await post_chat(client, visitor, text=f"رقمي {OTHER_ID} وجوالي {OTHER_PHONE}")
                await post_chat(client, visitor, text=SENTENCE, message_id="s1")
                opened = await post_chat(client, visitor, text=HANDOVER, message_id="h1")
                assert opened, opened
                await post_chat(client, visitor, text=f"{SENTENCE} {OTHER_ID}", message_id="h2")
                # Not storable: the error path must not print it either.
                body = json.dumps({"text": f"{SENTENCE} \ud800 {OTHER_PHONE}", "id": "bad"})
                headers = {**visitor, "Content-Type": "application/json"}
                await client.post("/api/chat", content=body, headers=headers)
                # The server is still answering (and so has logged what it was going to).
                assert (await client.get("/healthz")).status_code == 200
    finally:
        server.stop_all()
    log = server.log_tail(1_000_000)
    assert "Uvicorn running" in log or "Application startup complete" in log, log[-2000:]
    for secret in (NATIONAL_ID, PHONE, PHONE[1:], OTHER_ID, OTHER_PHONE, OTHER_PHONE[1:]):
        assert secret not in log, f"{secret} in the log:\n{_around(log, secret)}"
    for words in (SENTENCE, "زرافة", "سارة محمد العتيبي", "ثقب في القلب"):
        assert words not in log, f"{words!r} in the log:\n{_around(log, words)}"


def _around(log: str, needle: str) -> str:
    at = log.find(needle)
    return log[max(0, at - 1500) : at + 500]


async def test_a_database_error_logged_with_its_traceback_shows_no_value(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """What web.py and the dispatcher log with log.exception when a statement fails."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    try:
        async with db.reading() as session:
            with pytest.raises(SQLAlchemyError) as failed:
                await session.execute(
                    text("INSERT INTO nowhere (text, phone) VALUES (:t, :p)"),
                    {"t": SENTENCE, "p": OTHER_PHONE},
                )
    finally:
        await db.dispose()
    with caplog.at_level(logging.INFO):
        logging.getLogger("bot.channels.web.errors").error("failed", exc_info=failed.value)
    assert "INSERT INTO nowhere" in caplog.text  # the statement, for whoever debugs it
    assert SENTENCE not in caplog.text and OTHER_PHONE not in caplog.text
