"""A Telegram outage at start-up never takes the website down (issue 12, finding 1).

`python bot.py` runs as a real process; the Bot API is either absent or the project's fake
server failing the start-up calls. The web chat and the staff inbox must serve meanwhile,
`/healthz` must say what Telegram is doing, and the bot must come up once Telegram does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

from bot.channels.web.visitor import COOKIE_NAME
from tests.fakes.telegram import FakeTelegram
from tests.processes import BotProcess, free_port, telegram_env
from tests.waiting import until

T = TypeVar("T")
USER = 8301


@pytest.fixture
def start_bot(tmp_path: Path) -> Iterator[object]:
    bots: list[BotProcess] = []

    def start(api_base: str, token: str = "123:abc") -> str:
        port = free_port()
        env = telegram_env(
            tmp_path / "var", port, token, api_base, TAWASUL_TELEGRAM_POLL_TIMEOUT="1"
        )
        bots.append(BotProcess(env))
        bots[-1].start()
        return f"http://127.0.0.1:{port}"

    yield start
    for bot in bots:
        bot.stop()


async def _health(base: str) -> dict[str, str] | None:
    try:
        async with httpx.AsyncClient(base_url=base, timeout=5) as client:
            response = await client.get("/healthz")
    except httpx.TransportError:
        return None
    return dict(response.json()) if response.status_code == 200 else None


async def _until(check: Callable[[], Awaitable[T | None]], timeout: float) -> T:
    async with asyncio.timeout(timeout):
        while (result := await check()) is None:
            await asyncio.sleep(0.1)
    return result


async def _web_chat_answers(base: str) -> str:
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        page = await client.get("/")
        assert page.status_code == 200 and 'dir="rtl"' in page.text
        assert (await client.get("/readyz")).status_code == 200
        assert (await client.get("/staff/login")).status_code == 200
        sent = await client.post(
            "/api/chat",
            json={"text": "وين مقركم"},
            headers={"Cookie": f"{COOKIE_NAME}={page.cookies[COOKIE_NAME]}"},
        )
        assert sent.status_code == 200, sent.text
        return " ".join(r["text"] for r in sent.json()["replies"])


async def test_no_bot_api_at_all_the_website_serves_and_health_says_retrying(
    start_bot: object,
) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    base = start_bot(nowhere)  # type: ignore[operator]
    health = await _until(lambda: _health(base), timeout=120)
    assert health["status"] == "ok"
    assert health["telegram"] == "retrying"
    assert "📍" in await _web_chat_answers(base)


@pytest.mark.parametrize("status", [500, 429])
async def test_start_up_calls_failing_are_retried_and_a_refused_command_menu_is_skipped(
    tg: FakeTelegram, start_bot: object, status: int
) -> None:
    tg.fail_next("deleteWebhook", status=status, times=3)
    # Some self-hosted and test servers don't implement setMyCommands.
    tg.fail_next("setMyCommands", status=400, description="Bad Request: not found", times=50)
    base = start_bot(tg.base_url, tg.token)  # type: ignore[operator]
    health = await _until(lambda: _health(base), timeout=120)
    assert "📍" in await _web_chat_answers(base)
    assert health["status"] == "ok"

    async def telegram_up() -> bool | None:
        return (await _health(base) or {}).get("telegram") == "up" or None

    await _until(telegram_up, timeout=120)
    tg.user_sends_text(USER, "/start")
    await until(lambda: tg.messages_to(USER), timeout=30)
