"""A survey campaign to 10,000 beneficiaries, with kill -9s, against the fake Bot API server.

`python bot.py` runs as a real process (long polling, its outbox dispatcher) and
`python bot.py survey push` queues the campaign beside it. The fake server enforces the
bot-wide limit and one message a second per chat, raised together with the bot's own
budget so the run takes seconds, not the 5½ minutes 10,000 messages take at Telegram's 30/s
(bench/bench_survey_push.py measures that). Both processes are killed with SIGKILL mid-way
and started again: every beneficiary gets the survey, no limit is exceeded, and nobody gets
it twice except for what was in flight at the kill (at most one dispatch batch).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import func, select

from storage.db import Database, sqlite_url
from storage.models import OutboxMessage, Survey
from tests.campaign_data import FIRST_CHAT, quiet_free_profiles, seed_delivered_requests
from tests.fakes.telegram import FakeTelegram
from tests.processes import free_port, new_pg_database

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("TAWASUL_TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]
PEOPLE = 10_000
RATE = 1000  # messages/s for the bot and the fake server alike (Telegram's is 30)
IN_FLIGHT = 100  # the dispatcher's batch: the most a kill can leave sent but unrecorded


@pytest_asyncio.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "data")
        return
    assert PG_URL is not None
    async with new_pg_database(PG_URL) as url:
        yield url


def _env(tg: FakeTelegram, url: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAWASUL_", "TELEGRAM_"))}
    env.update(
        TAWASUL_ORG="little-hearts",
        TAWASUL_PROFILES_DIR=str(quiet_free_profiles(tmp_path)),
        TAWASUL_DATA_DIR=str(tmp_path / "data"),
        TAWASUL_DATABASE_URL="" if url.startswith("sqlite") else url,
        TAWASUL_SECRET_KEY="survey-push-test",
        TAWASUL_HTTP_HOST="127.0.0.1",
        TAWASUL_HTTP_PORT=str(free_port()),
        TAWASUL_TELEGRAM_POLL_TIMEOUT="1",
        TAWASUL_TELEGRAM_PER_SECOND=str(RATE),
        # What the killed bot had in flight is sent by the restarted one after this long
        # (on PostgreSQL it can't tell a dead claimer from a slow one; 2 minutes by default).
        TAWASUL_OUTBOX_RECLAIM_AFTER="3",
        TELEGRAM_BOT_TOKEN=tg.token,
        TELEGRAM_API_BASE=tg.base_url,
        PYTHONUNBUFFERED="1",
    )
    return env


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "bot.py", *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


def _surveys_sent(tg: FakeTelegram) -> Counter[int]:
    return Counter(m["chat_id"] for m in tg.sent if m["method"] == "sendMessage")


async def _wait(check: object, timeout: float, procs: list[subprocess.Popen[bytes]]) -> None:
    async with asyncio.timeout(timeout):
        while True:
            for proc in procs:
                assert proc.poll() is None, f"bot.py {proc.args} exited with {proc.returncode}"
            if await check():  # type: ignore[operator]
                return
            await asyncio.sleep(0.1)


async def test_a_10000_survey_push_survives_kill_9_within_the_limits(
    database_url: str, tmp_path: Path
) -> None:
    tg = FakeTelegram()
    tg.enforce_limits = True
    tg.overall_per_second = RATE
    await tg.start()
    env = _env(tg, database_url, tmp_path)
    db = Database(database_url)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        upgrade = subprocess.run(
            [sys.executable, "bot.py", "db", "upgrade"], cwd=ROOT, env=env, timeout=120
        )
        assert upgrade.returncode == 0
        await seed_delivered_requests(db, PEOPLE, datetime.now(UTC))
        log = tmp_path / "bot.log"
        bot = _start([], env, log)
        procs.append(bot)
        push_args = ["survey", "push", "--status", "service_delivered", "--since"]
        push_args += [datetime.now(UTC).strftime("%Y-%m-%d"), "--no-wait"]
        push = _start(push_args, env, tmp_path / "push.log")

        async def some_queued() -> bool:
            async with db.reading() as s:
                n = await s.execute(select(func.count()).select_from(Survey))
                return n.scalar_one() >= 1_000

        # The push dies half-way through queuing; run again, it queues only the rest.
        await _wait(some_queued, 120, [])
        _kill(push)
        push = _start(push_args, env, tmp_path / "push.log")
        assert await asyncio.to_thread(push.wait, 300) == 0

        # The bot dies in the middle of sending, with messages in flight; it starts again.
        async def a_third_sent() -> bool:
            return len(_surveys_sent(tg)) >= PEOPLE // 3

        await _wait(a_third_sent, 300, [bot])
        _kill(bot)
        bot = _start([], env, log)
        procs.append(bot)

        async def all_sent() -> bool:
            async with db.reading() as s:
                left = await s.execute(
                    select(func.count()).where(
                        OutboxMessage.kind == "campaign", OutboxMessage.state != "sent"
                    )
                )
                return left.scalar_one() == 0

        await _wait(all_sent, 300, [bot])
        await asyncio.sleep(1.0)  # a message sent twice would be here by now

        async with db.reading() as s:
            surveys = (await s.execute(select(func.count()).select_from(Survey))).scalar_one()
            rows = await s.execute(select(func.count()).where(OutboxMessage.kind == "campaign"))
            assert surveys == PEOPLE  # one survey per request, though the push ran twice
            assert rows.scalar_one() == PEOPLE
        received = _surveys_sent(tg)
        assert set(received) == {FIRST_CHAT + i for i in range(1, PEOPLE + 1)}  # nobody lost
        doubled = sum(n - 1 for n in received.values())
        assert doubled <= IN_FLIGHT, doubled
        assert tg.limit_violations == 0
        # A third run finds no one left to survey.
        again = subprocess.run(
            [sys.executable, "bot.py", *push_args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=120,
        )
        assert again.returncode == 0
        assert "لم يُضف شيء" in again.stdout.decode()
    finally:
        for proc in procs:
            _kill(proc)
        await db.dispose()
        await tg.stop()
