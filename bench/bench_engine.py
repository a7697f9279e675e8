"""Messages per second through the conversation engine, and latency per message.

In process, the engine exactly as `bot/wiring.py` builds it (`Engine(Database, Dialog(faq,
tr, clock, schedule), clock)`, the little-hearts profile), on a fresh database: SQLite in a
temporary directory, and PostgreSQL when a URL is given (`--pg URL` or
`TAWASUL_TEST_DATABASE_URL`; a fresh schema of its own, dropped afterwards).

N simulated beneficiaries run at once (default 1 and 50). Each one holds a conversation as a
person would, waiting for each answer before the next message, on the web channel with a
message id (as the web page sends): a greeting, the menu's buttons, questions from
`bench/data/holdout-queries.tsv` (phrasings the FAQ never saw, out-of-scope ones included),
👍/👎, "the menu", a handover to a person with a message for them, and /cancel. The runs
share out `--messages` (default 2,000) between the beneficiaries; a short warm-up from other
beneficiaries is not counted. Latency is `time.perf_counter` around `Engine.handle`, so it
includes waiting for the per-chat lock and, on SQLite, for the single writer.

`--web` also measures the website chat end to end: a `python bot.py` process on a free port
(SQLite in a temporary data dir, or PostgreSQL after `bot.py db upgrade`) and the same
conversations over loopback HTTP with httpx, one cookie per visitor.

    .venv/bin/python bench/bench_engine.py [--messages 2000] [--concurrency 1,50]
        [--pg URL] [--no-pg] [--web] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.cookiejar
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import PROFILES_DIR  # noqa: E402
from bot.i18n import Catalog  # noqa: E402
from faq.evaluate import read_tsv  # noqa: E402
from faq.profile import missing_phrases  # noqa: E402
from faq.service import FaqService  # noqa: E402
from handlers.clock import SystemClock  # noqa: E402
from handlers.conversation import Dialog  # noqa: E402
from handlers.engine import Engine  # noqa: E402
from handlers.hours import Schedule  # noqa: E402
from handlers.types import Incoming  # noqa: E402
from storage.db import Database  # noqa: E402

ORG = "little-hearts"
HOLDOUT = ROOT / "bench" / "data" / "holdout-queries.tsv"
# These open a case at once; the script opens one on purpose, once per round.
CASE_INTENTS = {"talk_to_human", "complaint"}
WARMUP_BENEFICIARIES = 5
WARMUP_MESSAGES = 12

# (kind, value): "text" is typed, "payload" is a pressed button, "question" draws a question.
ROUND: tuple[tuple[str, str], ...] = (
    ("text", "السلام عليكم"),
    ("payload", "menu:ask"),
    ("question", ""),
    ("payload", "rate:up"),
    ("question", ""),
    ("payload", "intent:how_to_apply"),
    ("question", ""),
    ("payload", "rate:down"),
    ("text", "القائمة"),
    ("question", ""),
    ("text", "ابي اكلم موظف"),
    ("text", "عندي سؤال عن موعد عملية ولدي"),
    ("text", "/cancel"),
)


def script(questions: Sequence[str], seed: int) -> Iterator[tuple[str | None, str | None]]:
    """One beneficiary's messages, endlessly: (text, payload)."""
    rng = random.Random(seed)
    while True:
        for kind, value in ROUND:
            if kind == "payload":
                yield None, value
            elif kind == "question":
                yield rng.choice(questions), None
            else:
                yield value, None


def load_questions() -> list[str]:
    return [text for text, intent in read_tsv(HOLDOUT) if intent not in CASE_INTENTS]


def pct(samples: Sequence[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


@dataclass
class Result:
    target: str  # engine | web
    backend: str
    concurrency: int
    messages: int
    wall_s: float
    latencies_s: list[float]

    def row(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "backend": self.backend,
            "concurrency": self.concurrency,
            "messages": self.messages,
            "wall_s": round(self.wall_s, 3),
            "msg_per_s": round(self.messages / self.wall_s, 1),
            "p50_ms": round(pct(self.latencies_s, 0.50) * 1000, 2),
            "p99_ms": round(pct(self.latencies_s, 0.99) * 1000, 2),
            "mean_ms": round(statistics.fmean(self.latencies_s) * 1000, 2),
            "max_ms": round(max(self.latencies_s) * 1000, 2),
        }


# -- in process ----------------------------------------------------------------------------


async def _converse(
    engine: Engine, who: str, count: int, questions: Sequence[str], seed: int
) -> list[float]:
    latencies: list[float] = []
    messages = script(questions, seed)
    for n in range(count):
        text, payload = next(messages)
        incoming = Incoming(
            channel="web",
            chat_id=who,
            user_id=who,
            text=text or "",
            payload=payload,
            external_id=f"{who}:{n}",
        )
        t0 = time.perf_counter()
        await engine.handle(incoming)
        latencies.append(time.perf_counter() - t0)
    return latencies


async def run_engine(
    faq: FaqService,
    tr: Catalog,
    questions: Sequence[str],
    backend: str,
    pg_url: str | None,
    concurrency: int,
    total: int,
) -> Result:
    with tempfile.TemporaryDirectory(prefix="tawasul-bench-") as tmp:
        schema = None
        if backend == "sqlite":
            db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'tawasul.db'}")
        else:
            assert pg_url is not None
            schema = f"bench_{uuid.uuid4().hex[:12]}"
            db = Database(pg_url, schema=schema)
            await db.create_schema()
        try:
            await db.upgrade()
            clock = SystemClock()
            schedule = Schedule.from_profile(faq.profile.schedule)
            engine = Engine(db, Dialog(faq, tr.t, clock, schedule), clock)
            await asyncio.gather(
                *(
                    _converse(engine, f"warmup-{i}", WARMUP_MESSAGES, questions, 1000 + i)
                    for i in range(WARMUP_BENEFICIARIES)
                )
            )
            per = total // concurrency
            t0 = time.perf_counter()
            runs = await asyncio.gather(
                *(
                    _converse(engine, f"b{concurrency}-{i}", per, questions, i)
                    for i in range(concurrency)
                )
            )
            wall = time.perf_counter() - t0
        finally:
            if schema is not None:
                await db.drop_schema()
            await db.dispose()
    latencies = [x for run in runs for x in run]
    return Result("engine", backend, concurrency, len(latencies), wall, latencies)


# -- the web chat, end to end ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_env(data_dir: Path, port: int, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAWASUL_", "TELEGRAM_"))}
    env.update(
        TAWASUL_ORG=ORG,
        TAWASUL_DATA_DIR=str(data_dir),
        TAWASUL_DATABASE_URL=database_url,
        TAWASUL_SECRET_KEY="bench-secret",
        TAWASUL_HTTP_HOST="127.0.0.1",
        TAWASUL_HTTP_PORT=str(port),
    )
    return env


async def _web_visitor(
    client: Any, who: int, count: int, questions: Sequence[str], seed: int
) -> list[float]:
    page = await client.get("/")
    page.raise_for_status()
    headers = {"Cookie": f"tawasul_visitor={page.cookies['tawasul_visitor']}"}
    latencies: list[float] = []
    messages = script(questions, seed)
    for n in range(count):
        text, payload = next(messages)
        body = {"text": text} if text is not None else {"payload": payload}
        body["id"] = f"m{n}"
        t0 = time.perf_counter()
        response = await client.post("/api/chat", json=body, headers=headers)
        latencies.append(time.perf_counter() - t0)
        response.raise_for_status()
    return latencies


async def run_web(
    questions: Sequence[str], backend: str, pg_url: str | None, concurrency: int, total: int
) -> Result:
    import httpx

    with tempfile.TemporaryDirectory(prefix="tawasul-bench-web-") as tmp:
        port = _free_port()
        database_url, dbname, admin = "", None, None
        if backend == "postgresql":
            import asyncpg
            from sqlalchemy.engine import make_url

            assert pg_url is not None
            dbname = f"tawasul_bench_{uuid.uuid4().hex[:12]}"
            url = make_url(pg_url)
            admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
            database_url = url.set(database=dbname).render_as_string(hide_password=False)
            conn = await asyncpg.connect(admin)
            await conn.execute(f'CREATE DATABASE "{dbname}"')
            await conn.close()
        env = _server_env(Path(tmp), port, database_url)
        log = (Path(tmp) / "server.log").open("wb")
        proc: subprocess.Popen[bytes] | None = None
        try:
            if database_url:
                subprocess.run(
                    [sys.executable, "bot.py", "db", "upgrade"],
                    cwd=ROOT,
                    env=env,
                    check=True,
                    capture_output=True,
                    timeout=120,
                )
            proc = subprocess.Popen(
                [sys.executable, "bot.py"],
                cwd=ROOT,
                env={**env, "UVICORN_LOG_LEVEL": "warning"},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            base = f"http://127.0.0.1:{port}"
            jar = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
            # Idle connections are dropped before uvicorn drops them (5 s), or a request can
            # meet a connection the server is closing (a ReadError that is no fault of ours).
            limits = httpx.Limits(max_connections=concurrency + 10, keepalive_expiry=2.0)
            async with httpx.AsyncClient(
                base_url=base, timeout=60.0, cookies=jar, limits=limits
            ) as client:
                deadline = time.monotonic() + 60
                while True:
                    with contextlib.suppress(httpx.TransportError):
                        if (await client.get("/healthz")).status_code == 200:
                            break
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("the server did not start; see its log")
                    await asyncio.sleep(0.1)
                await asyncio.gather(
                    *(
                        _web_visitor(client, i, WARMUP_MESSAGES, questions, 1000 + i)
                        for i in range(WARMUP_BENEFICIARIES)
                    )
                )
                per = total // concurrency
                t0 = time.perf_counter()
                runs = await asyncio.gather(
                    *(_web_visitor(client, i, per, questions, i) for i in range(concurrency))
                )
                wall = time.perf_counter() - t0
        finally:
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)
            log.close()
            if dbname is not None and admin is not None:
                import asyncpg

                conn = await asyncpg.connect(admin)
                await conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
                await conn.close()
    latencies = [x for run in runs for x in run]
    return Result("web", backend, concurrency, len(latencies), wall, latencies)


# -- main ----------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="conversation engine throughput and latency")
    parser.add_argument("--messages", type=int, default=2000, help="messages per run")
    parser.add_argument("--concurrency", default="1,50", help="beneficiaries at once, e.g. 1,50")
    parser.add_argument("--pg", help="PostgreSQL URL (default: TAWASUL_TEST_DATABASE_URL)")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--web", action="store_true", help="also the web chat end to end")
    parser.add_argument("--web-concurrency", type=int, default=50)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    pg_url = None if args.no_pg else (args.pg or os.environ.get("TAWASUL_TEST_DATABASE_URL"))
    backends = ["sqlite", *(["postgresql"] if pg_url else [])]
    levels = [int(c) for c in args.concurrency.split(",") if c.strip()]

    tr = Catalog("ar")
    t0 = time.perf_counter()
    faq = FaqService.from_dir(PROFILES_DIR / ORG, missing_phrases(tr.t))
    faq_s = time.perf_counter() - t0
    questions = load_questions()

    results: list[Result] = []
    for backend in backends:
        for level in levels:
            results.append(
                asyncio.run(run_engine(faq, tr, questions, backend, pg_url, level, args.messages))
            )
        if args.web:
            results.append(
                asyncio.run(
                    run_web(questions, backend, pg_url, args.web_concurrency, args.messages)
                )
            )

    rows = [r.row() for r in results]
    if args.json:
        print(json.dumps({"faq_load_s": round(faq_s, 2), "runs": rows}))
        return 0
    print(f"FAQ model loaded in {faq_s:.1f} s; {len(questions)} questions in the mix")
    head = ("target", "backend", "concurrency", "messages", "msg_per_s", "p50_ms", "p99_ms")
    print(" | ".join(f"{h:>11}" for h in head))
    for row in rows:
        print(" | ".join(f"{row[h]!s:>11}" for h in head))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
