"""Soak: minutes of mixed traffic with `kill -9` of the bot every 60 s (issue 12).

`python bot.py` runs as a real process (SQLite, Telegram long polling against the fake Bot
API server in this process, which enforces Telegram's limits) while at the same time:
web visitors post messages through the web chat (each with a client message id, retried
with the same id after a failure, as chat.js does); Telegram users ask a question each
(a real FAQ question, so each deserves exactly one answer); staff move requests with
`bot.py request set-status` (a status message for the beneficiary); and a survey campaign
(`bot.py survey push`) runs to a few thousand beneficiaries. Every `--kill-every` seconds
the bot is killed with SIGKILL and started again at once.

At the end (after the outbox drained) it prints: messages lost (web messages that got a
200, Telegram updates the server handed out and saw confirmed, that are not in the
database: goal 0), processed twice (goal 0), sent twice (Telegram replies and surveys
delivered more than once: goal ≤ what was in flight at the kills), web 5xx (goal 0), and
the bot's memory (RSS) a minute after the first start vs just before the last kill.

    .venv/bin/python bench/bench_soak.py [--minutes 10] [--kill-every 60] [--people 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storage.db import Database, sqlite_url  # noqa: E402
from tests.campaign_data import FIRST_CHAT, quiet_free_profiles, seed_delivered_requests  # noqa: E402
from tests.fakes.telegram import FakeTelegram  # noqa: E402
from tests.processes import BotProcess, free_port, telegram_env  # noqa: E402

COOKIE = "tawasul_visitor"
FIRST_TG_USER = 7_000_000


class Bot(BotProcess):
    def __init__(self, env: dict[str, str], port: int) -> None:
        super().__init__(env)
        self.base = f"http://127.0.0.1:{port}"
        self.kills = 0

    def kill(self) -> None:
        super().kill()
        self.kills += 1

    def rss_mb(self) -> float:
        assert self.proc is not None
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
        return round(kb / 1024, 1)

    async def ready(self) -> None:
        async with httpx.AsyncClient(timeout=2) as client:
            while True:
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"{self.base}/healthz")).status_code == 200:
                        return
                await asyncio.sleep(0.2)


class Tally:
    def __init__(self) -> None:
        self.web_acked: list[str] = []
        self.web_5xx = 0
        self.web_retries = 0
        self.tg_asked: list[int] = []
        self.status_changes = 0


async def web_visitor(bot: Bot, n: int, stop: asyncio.Event, tally: Tally) -> None:
    async with httpx.AsyncClient(timeout=15) as client:
        cookie = ""
        i = 0
        while not stop.is_set():
            text = f"سؤال الزائر {n} رقم {i}"
            message_id = f"soak-{n}-{i}"
            while not stop.is_set():
                try:
                    if not cookie:
                        cookie = (await client.get(f"{bot.base}/")).cookies[COOKIE]
                    response = await client.post(
                        f"{bot.base}/api/chat",
                        json={"text": text, "id": message_id},
                        headers={"Cookie": f"{COOKIE}={cookie}"},
                    )
                except (httpx.TransportError, KeyError):
                    tally.web_retries += 1
                    await asyncio.sleep(0.5)
                    continue
                if response.status_code >= 500:
                    tally.web_5xx += 1
                    await asyncio.sleep(0.5)
                    continue
                if response.status_code == 200:
                    tally.web_acked.append(text)
                break
            i += 1
            await asyncio.sleep(1.0)


async def telegram_users(tg: FakeTelegram, stop: asyncio.Event, tally: Tally) -> None:
    n = 0
    while not stop.is_set():
        user = FIRST_TG_USER + n
        tg.user_sends_text(user, f"وين مقركم يا جماعة {n}")
        tally.tg_asked.append(user)
        n += 1
        await asyncio.sleep(0.5)


async def staff_actions(env: dict[str, str], stop: asyncio.Event, tally: Tally) -> None:
    reference_n = 1
    while not stop.is_set():
        await asyncio.sleep(10)
        reference = f"2611-{reference_n:05d}"  # as tests/campaign_data seeds them
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "bot.py",
            "request",
            "set-status",
            reference,
            "closed",
            "--note",
            "أغلق بعد تقديم الخدمة",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        if await proc.wait() == 0:
            tally.status_changes += 1
        reference_n += 1


def _db_rows(data_dir: Path, query: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(data_dir / "tawasul.db") as db:
        return db.execute(query).fetchall()


async def run(minutes: float, kill_every: float, people: int) -> dict[str, Any]:
    tg = FakeTelegram()
    tg.enforce_limits = True
    tg.webhook_max_attempts = 10_000
    await tg.start()
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="tawasul-soak-") as tmp:
        tmp_path = Path(tmp)
        data_dir = tmp_path / "data"
        port = free_port()
        env = telegram_env(
            data_dir,
            port,
            tg.token,
            tg.base_url,
            TAWASUL_ORG="little-hearts",
            TAWASUL_PROFILES_DIR=str(quiet_free_profiles(tmp_path)),
            TAWASUL_SECRET_KEY="soak",
            TAWASUL_LOG_LEVEL="error",
            TAWASUL_TELEGRAM_POLL_TIMEOUT="1",
        )
        subprocess.run([sys.executable, "bot.py", "db", "upgrade"], cwd=ROOT, env=env, check=True)
        db = Database(sqlite_url(data_dir))
        await seed_delivered_requests(db, people, datetime.now(UTC))
        await db.dispose()
        bot = Bot(env, port)
        bot.start()
        await bot.ready()
        push = [sys.executable, "bot.py", "survey", "push", "--status", "service_delivered"]
        push += ["--since", datetime.now(UTC).strftime("%Y-%m-%d"), "--no-wait"]
        subprocess.run(push, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        stop = asyncio.Event()
        tasks = [asyncio.create_task(web_visitor(bot, n, stop, tally)) for n in range(8)]
        tasks.append(asyncio.create_task(telegram_users(tg, stop, tally)))
        tasks.append(asyncio.create_task(staff_actions(env, stop, tally)))
        start = time.monotonic()
        rss: list[float] = []
        try:
            while time.monotonic() - start < minutes * 60:
                await asyncio.sleep(min(kill_every, minutes * 60 - (time.monotonic() - start)))
                rss.append(bot.rss_mb())
                if time.monotonic() - start < minutes * 60 - 1:
                    bot.kill()
                    bot.start()
                    await bot.ready()
            stop.set()
            await asyncio.gather(*tasks)
            drained = await _drain(data_dir, tg, tally)
        finally:
            stop.set()
            bot.stop()
        result = _figures(data_dir, tg, tally, bot.kills, rss, drained)
    await tg.stop()
    result["minutes"] = minutes
    return result


async def _drain(data_dir: Path, tg: FakeTelegram, tally: Tally) -> bool:
    """Wait (at most 3 minutes) until every Telegram question got an answer and the
    outbox has nothing left to send."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        pending = _db_rows(
            data_dir, "SELECT count(*) FROM outbox WHERE state NOT IN ('sent', 'failed')"
        )[0][0]
        answered = all(tg.messages_to(u) for u in tally.tg_asked)
        if not pending and answered and not tg.pending_updates:
            return True
        await asyncio.sleep(1)
    return False


def _figures(
    data_dir: Path, tg: FakeTelegram, tally: Tally, kills: int, rss: list[float], drained: bool
) -> dict[str, Any]:
    inbound = Counter(
        t for (t,) in _db_rows(data_dir, "SELECT text FROM messages WHERE direction = 'in'")
    )
    web_lost = [t for t in tally.web_acked if inbound[t] == 0]
    web_twice = [t for t in tally.web_acked if inbound[t] > 1]
    tg_texts = [f"وين مقركم يا جماعة {u - FIRST_TG_USER}" for u in tally.tg_asked]
    tg_lost = [t for t in tg_texts if inbound[t] == 0]
    tg_twice = [t for t in tg_texts if inbound[t] > 1]
    replies = [len(tg.messages_to(u)) for u in tally.tg_asked]
    surveyed = Counter(
        m["chat_id"]
        for m in tg.sent
        if m["method"] == "sendMessage" and FIRST_CHAT < int(m["chat_id"]) < FIRST_TG_USER
    )
    return {
        "kills": kills,
        "web_messages_acknowledged": len(tally.web_acked),
        "web_lost": len(web_lost),
        "web_processed_twice": len(web_twice),
        "web_5xx": tally.web_5xx,
        "web_retries_after_connection_errors": tally.web_retries,
        "telegram_updates": len(tg_texts),
        "telegram_lost": len(tg_lost),
        "telegram_processed_twice": len(tg_twice),
        "telegram_unanswered": sum(1 for r in replies if r == 0),
        "telegram_replies_sent_twice": sum(1 for r in replies if r > 1),
        "status_changes": tally.status_changes,
        "surveys_delivered": len(surveyed),
        "surveys_sent_twice": sum(1 for c in surveyed.values() if c > 1),
        "limit_429s": tg.limit_violations,
        "drained": drained,
        "rss_mb_first": rss[0] if rss else None,
        "rss_mb_last": rss[-1] if rss else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--kill-every", type=float, default=60.0)
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run(args.minutes, args.kill_every, args.people))
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:>38}: {v}")
        lost = result["web_lost"] + result["telegram_lost"]
        twice = result["web_processed_twice"] + result["telegram_processed_twice"]
        print(
            f"goals: lost 0 -> {lost}, processed twice 0 -> {twice}, 5xx 0 -> {result['web_5xx']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
