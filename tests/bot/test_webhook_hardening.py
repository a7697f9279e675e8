"""The Telegram webhook against hostile and broken bodies (issue 12, findings 5 and 6).

One real `python bot.py` in webhook mode against the fake Bot API: an oversized body is
refused unread (413), a body nested too deeply or a JSON that is no update is answered 200
and recorded as rejected (Telegram would redeliver a 5xx for hours), a lone surrogate and
an over-long text are stored cleaned and cut, malformed JSON stays 400.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx

from bot.channels.telegram.client import MAX_TEXT
from bot.channels.telegram.inbound import CUT_MARK
from bot.channels.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH
from tests.fakes.telegram import FakeTelegram
from tests.processes import BotProcess, free_port, telegram_env

SECRET = "webhook-secret-for-tests"
USER = 8401


def _update(update_id: int, text: str) -> dict[str, Any]:
    person = {"id": USER, "first_name": "سارة"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1764500000,
            "chat": {**person, "type": "private"},
            "from": {**person, "is_bot": False},
            "text": text,
        },
    }


def _rows(data_dir: Path, query: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(data_dir / "tawasul.db") as db:
        return db.execute(query).fetchall()


async def _wait_healthy(client: httpx.AsyncClient) -> None:
    async with asyncio.timeout(120):
        while True:
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)


async def test_hostile_bodies_never_get_a_5xx_nor_fill_the_database(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    port = free_port()
    data_dir = tmp_path / "var"
    env = telegram_env(
        data_dir,
        port,
        tg.token,
        tg.base_url,
        TAWASUL_LOG_LEVEL="WARNING",  # Python's own spelling works too
        TAWASUL_TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}{WEBHOOK_PATH}",
        TAWASUL_TELEGRAM_WEBHOOK_SECRET=SECRET,
    )
    bot = BotProcess(env)
    bot.start()
    headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            await _wait_healthy(client)

            async def post(body: bytes) -> int:
                return (await client.post(WEBHOOK_PATH, content=body, headers=headers)).status_code

            # Refused unread: the 413 comes back while the client is still sending, and the
            # server then closes the connection, which a client may see as a broken one.
            broken = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)
            with contextlib.suppress(*broken):
                assert await post(b"x" * (2 * 1024 * 1024)) == 413
            assert await post(b"[" * 100_000) == 200
            assert await post(json.dumps({"not": "an update"}).encode()) == 200
            assert await post(b"{not json") == 400
            lone = json.dumps(_update(1, "مرحبا \ud800 هلا")).encode()  # ASCII-escaped
            assert await post(lone) == 200
            assert await post(json.dumps(_update(2, "ب" * 20_000)).encode()) == 200
    finally:
        bot.stop()
    reasons = [r for (r,) in _rows(data_dir, "SELECT reason FROM rejected_inbound ORDER BY id")]
    assert reasons == ["nested too deeply", "not an update: ValidationError"]
    texts = [t for (t,) in _rows(data_dir, "SELECT text FROM messages WHERE direction='in'")]
    assert texts[0] == "مرحبا \ufffd هلا"
    assert texts[1] == "ب" * MAX_TEXT + CUT_MARK
    assert max(len(t) for (t,) in _rows(data_dir, "SELECT text FROM messages")) < 5000
