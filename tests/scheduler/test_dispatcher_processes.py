"""Three `python bot.py` processes on one PostgreSQL database share one outbox.

In webhook mode several processes can serve one bot, each with its outbox dispatcher.
They claim with `FOR UPDATE SKIP LOCKED`, so in normal operation no message goes out
twice. Each is configured with Telegram's whole 30 messages/s: the budget is one, in the
database, and the fake Bot API server enforcing the bot-wide limit shows the three stay
within it together.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import func, insert, select

from storage.db import Database
from storage.models import OutboxMessage
from tests.fakes.telegram import FakeTelegram
from tests.processes import free_port, new_pg_database

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("TAWASUL_TEST_DATABASE_URL")
PROCESSES = 3
MESSAGES = 240
pytestmark = pytest.mark.skipif(
    PG_URL is None, reason="several processes share an outbox on PostgreSQL only (CI sets it)"
)


async def _until(check: Callable[[], Awaitable[bool]], timeout: float) -> None:
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.2)


@pytest_asyncio.fixture
async def pg_url() -> AsyncIterator[str]:
    assert PG_URL is not None
    async with new_pg_database(PG_URL) as url:
        yield url


def _env(tg: FakeTelegram, url: str, data_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAWASUL_", "TELEGRAM_"))}
    env.update(
        TAWASUL_ORG="little-hearts",
        TAWASUL_DATA_DIR=str(data_dir),
        TAWASUL_DATABASE_URL=url,
        TAWASUL_SECRET_KEY="dispatcher-processes-test",
        TAWASUL_HTTP_HOST="127.0.0.1",
        TAWASUL_HTTP_PORT=str(port),
        TAWASUL_TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/webhook",
        TELEGRAM_BOT_TOKEN=tg.token,
        TELEGRAM_API_BASE=tg.base_url,
        PYTHONUNBUFFERED="1",
    )
    return env


async def test_three_dispatchers_send_every_message_once_within_the_limit(
    pg_url: str, tmp_path: Path
) -> None:
    tg = FakeTelegram()
    tg.enforce_limits = True
    await tg.start()
    procs: list[subprocess.Popen[bytes]] = []
    db = Database(pg_url)
    try:
        ports = [free_port() for _ in range(PROCESSES)]
        envs = [_env(tg, pg_url, tmp_path / f"data{i}", p) for i, p in enumerate(ports)]
        upgrade = subprocess.run(
            [sys.executable, "bot.py", "db", "upgrade"],
            cwd=ROOT,
            env=envs[0],
            capture_output=True,
            timeout=120,
        )
        assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
        for i, env in enumerate(envs):
            with (tmp_path / f"bot{i}.log").open("wb") as log:
                procs.append(
                    subprocess.Popen(
                        [sys.executable, "bot.py"],
                        cwd=ROOT,
                        env=env,
                        stdin=subprocess.DEVNULL,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )

        async def all_up() -> bool:
            async with httpx.AsyncClient(timeout=2.0) as client:
                for port in ports:
                    try:
                        if (
                            await client.get(f"http://127.0.0.1:{port}/healthz")
                        ).status_code != 200:
                            return False
                    except httpx.TransportError:
                        return False
            return True

        async def healthy() -> bool:
            assert all(p.poll() is None for p in procs), "a bot process exited"
            return await all_up()

        await _until(healthy, 90)

        # A campaign's worth of messages appears at once, one per person.
        now = datetime.now(UTC)
        async with db.transaction(queued=False) as session:
            await session.execute(
                insert(OutboxMessage),
                [
                    {
                        "conversation_id": None,
                        "channel": "telegram",
                        "chat_id": str(700_000 + i),
                        "kind": "survey",
                        "body": {"text": f"رسالة رقم {i}"},
                        "state": "pending",
                        "due_at": now,
                        "attempts": 0,
                        "created_at": now,
                    }
                    for i in range(MESSAGES)
                ],
            )

        async def all_sent() -> bool:
            assert all(p.poll() is None for p in procs), "a bot process exited"
            async with db.reading() as session:
                left = await session.execute(
                    select(func.count()).where(OutboxMessage.state != "sent")
                )
                return left.scalar_one() == 0

        await _until(all_sent, 120)
        await asyncio.sleep(1.5)  # anything sent twice would arrive by now

        texts = Counter(m["text"] for m in tg.sent if m["method"] == "sendMessage")
        assert len(texts) == MESSAGES
        assert max(texts.values()) == 1, [t for t, n in texts.items() if n > 1][:5]
        assert tg.limit_violations == 0
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)
        await db.dispose()
        await tg.stop()
