"""A survey campaign to 10,000 beneficiaries at Telegram's real limits: sent per second
against the 30/s allowed (the target: at least 95 %, and no 429).

The fake Bot API server (`tests/fakes/telegram/`) runs in this process and enforces
Telegram's limits (30 messages/s bot-wide, one a second per chat), answering 429 to
anything beyond. `python bot.py` runs as a real process (long polling, its outbox
dispatcher) on a fresh data dir (SQLite) or, with `--pg URL`, a fresh PostgreSQL database;
10,000 beneficiaries with a delivered request are written straight into the database, then
`python bot.py survey push --status service_delivered --since TODAY --no-wait` queues the
campaign. Rate: messages the server accepted, divided by the time from the first to the
last (for a few hundred people the first and last second's bursts dominate and it reads
above 30/s; the peak column is the limit check). Also the most messages in any one-second
window, and 429s.

    .venv/bin/python bench/bench_survey_push.py [--people 10000] [--pg URL] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from storage.db import Database, sqlite_url  # noqa: E402
from storage.models import OutboxMessage  # noqa: E402
from tests.campaign_data import quiet_free_profiles, seed_delivered_requests  # noqa: E402
from tests.fakes.telegram import FakeTelegram  # noqa: E402
from tests.processes import free_port, new_pg_database  # noqa: E402

LIMIT = 30


async def run(people: int, pg: str | None) -> dict[str, Any]:
    tg = FakeTelegram()
    tg.enforce_limits = True
    await tg.start()
    async with contextlib.AsyncExitStack() as stack:
        tmp_path = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tawasul-b-")))
        if pg:
            url = await stack.enter_async_context(new_pg_database(pg, "tawasul_b"))
        else:
            url = sqlite_url(tmp_path / "data")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TAWASUL_", "TELEGRAM_"))}
        env.update(
            TAWASUL_ORG="little-hearts",
            TAWASUL_PROFILES_DIR=str(quiet_free_profiles(tmp_path)),
            TAWASUL_DATA_DIR=str(tmp_path / "data"),
            TAWASUL_DATABASE_URL=url if pg else "",
            TAWASUL_SECRET_KEY="bench",
            TAWASUL_HTTP_PORT=str(free_port()),
            TAWASUL_TELEGRAM_POLL_TIMEOUT="1",
            TELEGRAM_BOT_TOKEN=tg.token,
            TELEGRAM_API_BASE=tg.base_url,
        )
        db = Database(url)
        bot: subprocess.Popen[bytes] | None = None
        try:
            subprocess.run(
                [sys.executable, "bot.py", "db", "upgrade"], cwd=ROOT, env=env, check=True
            )
            await seed_delivered_requests(db, people, datetime.now(UTC))
            bot = subprocess.Popen(
                [sys.executable, "bot.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
            )
            t0 = time.monotonic()
            push = [sys.executable, "bot.py", "survey", "push", "--status", "service_delivered"]
            push += ["--since", datetime.now(UTC).strftime("%Y-%m-%d"), "--no-wait"]
            subprocess.run(push, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
            queued_s = time.monotonic() - t0
            while True:
                await asyncio.sleep(1.0)
                assert bot.poll() is None, "bot.py exited"
                async with db.reading() as s:
                    left = await s.execute(
                        select(func.count()).where(
                            OutboxMessage.kind == "campaign", OutboxMessage.state != "sent"
                        )
                    )
                    if left.scalar_one() == 0:
                        break
        finally:
            if bot is not None:
                bot.kill()
                bot.wait()
            await db.dispose()
    await tg.stop()
    times = sorted(m["at"] for m in tg.sent if m["method"] == "sendMessage")
    span = times[-1] - times[0]
    peak, j = 0, 0
    for i, t in enumerate(times):
        while t - times[j] >= 1.0:
            j += 1
        peak = max(peak, i - j + 1)
    rate = (len(times) - 1) / span if span else 0.0
    return {
        "backend": "postgresql" if pg else "sqlite",
        "people": people,
        "sent": len(times),
        "queue_s": round(queued_s, 1),
        "send_s": round(span, 1),
        "msg_per_s": round(rate, 2),
        "of_allowed": round(rate / LIMIT, 3),
        "peak_per_1s_window": peak,
        "limit_429s": tg.limit_violations,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--pg", help="PostgreSQL URL (a fresh database is made on it)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run(args.people, args.pg))
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:>20}: {v}")
        met = result["of_allowed"] >= 0.95 and not result["limit_429s"]
        print(f"target: >= 95 % of {LIMIT}/s, no 429 -> {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
