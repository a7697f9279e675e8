"""Three `python bot.py` processes on one PostgreSQL, in webhook mode, behind a load
balancer: the fake Bot API server posts each update to the next process in turn (and to
another when one fails) and answers 429 to any send past Telegram's limits (30/s for the
bot, 1/s per chat). 600 people write at once; each is answered exactly once, within the
limits; then 600 more, and one of the processes is killed with SIGKILL mid-run: nobody is
lost, and only what was in flight at the kill goes twice.

(It also covers what tests/scheduler/test_dispatcher_processes.py once did alone: three
dispatchers on one outbox, none sending a row twice, all within one bot's limits.)
"""

from __future__ import annotations

import asyncio
import base64
import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from tests.fakes.telegram import FakeTelegram
from tests.processes import BotProcess, free_port, new_pg_database, run_cli, telegram_env
from tests.waiting import until

PG_URL = os.environ.get("TAWASUL_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(
    PG_URL is None, reason="several processes share one PostgreSQL (CI sets it)"
)
PROCESSES = 3
CHATS = 600
PUBLIC_URL = "https://bot.example/telegram/webhook"
QUESTION = "وش اوقات الدوام"


@pytest_asyncio.fixture
async def pg_url() -> AsyncIterator[str]:
    assert PG_URL is not None
    async with new_pg_database(PG_URL) as url:
        yield url


@pytest_asyncio.fixture
async def balancer() -> AsyncIterator[FakeTelegram]:
    tg = FakeTelegram()
    tg.enforce_limits = True  # past 30/s, or 1/s to one chat: 429
    await tg.start()
    yield tg
    await tg.stop()


def _envs(tg: FakeTelegram, url: str, tmp_path: Path) -> list[dict[str, str]]:
    # One deployment: the same keys and webhook secret in every process.
    shared = {
        "TAWASUL_ORG": "little-hearts",
        "TAWASUL_DATABASE_URL": url,
        "TAWASUL_SECRET_KEY": "scale-out-test-secret",
        "TAWASUL_ENCRYPTION_KEY": base64.urlsafe_b64encode(bytes(range(32))).decode(),
        "TAWASUL_TELEGRAM_WEBHOOK_URL": PUBLIC_URL,
        "TAWASUL_TELEGRAM_WEBHOOK_SECRET": "scale-out-webhook-secret",
        # A killed process's claimed rows come back within the test, not after 2 minutes.
        "TAWASUL_OUTBOX_RECLAIM_AFTER": "5",
    }
    return [
        telegram_env(tmp_path / f"data{i}", free_port(), tg.token, tg.base_url, **shared)
        for i in range(PROCESSES)
    ]


async def _ready(ports: list[int]) -> bool:
    async with httpx.AsyncClient(timeout=2.0) as client:
        for port in ports:
            try:
                if (await client.get(f"http://127.0.0.1:{port}/readyz")).status_code != 200:
                    return False
            except httpx.TransportError:
                return False
    return True


async def _deployment(
    tg: FakeTelegram, url: str, tmp_path: Path
) -> tuple[list[BotProcess], list[int]]:
    envs = _envs(tg, url, tmp_path)
    upgrade = run_cli(["db", "upgrade"], envs[0])
    assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
    procs = [BotProcess(env) for env in envs]
    for proc in procs:
        proc.start()
    ports = [int(env["TAWASUL_HTTP_PORT"]) for env in envs]
    tg.backends = [f"http://127.0.0.1:{port}" for port in ports]
    async with asyncio.timeout(90.0):
        while not await _ready(ports):
            await asyncio.sleep(0.25)
    # Every process has told Telegram the one public URL.
    await until(lambda: tg.webhook_url == PUBLIC_URL, 30.0)
    return procs, ports


def _answered(tg: FakeTelegram, chats: range) -> dict[int, int]:
    counts = tg.send_counts()
    return {chat: counts.get(chat, 0) for chat in chats}


FIRST = range(100_001, 100_001 + CHATS)
SECOND = range(200_001, 200_001 + CHATS)


async def test_600_people_at_once_are_answered_once_within_the_limits_even_across_a_kill(
    pg_url: str, balancer: FakeTelegram, tmp_path: Path
) -> None:
    tg = balancer
    procs, _ = await _deployment(tg, pg_url, tmp_path)
    try:
        tg.users_send_text(FIRST, QUESTION)

        await until(lambda: all(_answered(tg, FIRST).values()), 180.0, poll=0.5)
        await asyncio.sleep(2.0)  # anything sent twice would have arrived by now

        assert set(_answered(tg, FIRST).values()) == {1}, "each person got one answer, once"
        assert tg.limit_violations == 0
        assert tg.max_in_window(1.0) <= 30
        served = {d["url"].split("/telegram")[0] for d in tg.webhook_deliveries}
        assert served == set(tg.backends), "the load balancer spread the updates"
        assert len({m["text"] for m in _replies(tg, FIRST)}) == 1, "one answer to one question"

        # Another 600, and one process SIGKILLed while it has requests, rows and budget.
        tg.users_send_text(SECOND, QUESTION)
        await until(lambda: sum(map(bool, _answered(tg, SECOND).values())) >= 150, 120.0)
        procs[0].kill()

        await until(lambda: all(_answered(tg, SECOND).values()), 240.0, poll=0.5)
        await asyncio.sleep(2.0)
        answered = _answered(tg, SECOND)
        twice = [chat for chat, n in answered.items() if n > 1]
        assert min(answered.values()) >= 1, "nobody was lost"
        # Only a send in flight at the kill can go twice: at most a second's budget.
        assert len(twice) <= 30, twice
        assert max(answered.values()) <= 2
        assert tg.limit_violations == 0
        assert tg.max_in_window(1.0) <= 30
    finally:
        for proc in procs:
            proc.stop()


def _replies(tg: FakeTelegram, chats: range) -> list[dict[str, str]]:
    wanted = set(chats)
    return [m for m in tg.sent if m["method"] == "sendMessage" and m["chat_id"] in wanted]
