"""Messages per second through the Telegram adapter, against a bare aiogram echo bot.

Everything runs in this one process, on one event loop: the project's fake Bot API server
(`tests/fakes/telegram/`, aiohttp on 127.0.0.1), the simulated users, and the bot under
test talking HTTP to that server through aiogram:

- **echo**: a bare aiogram 3 bot, `Dispatcher` with one handler that answers
  `message.answer(message.text)`, run by `dp.start_polling(bot, polling_timeout=1,
  handle_signals=False)`;
- **tawasul**: the real adapter, `open_core` + `background(core)` as `python bot.py` runs
  them (the little-hearts profile, SQLite in a fresh temporary data dir, `TelegramPoller`
  in, the outbox dispatcher and `TelegramSender` out), `telegram_poll_timeout=1`. With the
  rate limits lifted (`telegram_per_second` = 10^6, `telegram_per_chat_interval` = 0: the
  fake server doesn't limit, and the point is the adapter's own cost) and, as a last row,
  with the real limits (30 messages/s overall, one a second per chat).

Every run gets a fresh `FakeTelegram` (its own port and token) and, for Tawasul, a fresh
database; the two bots take turns at each concurrency level, echo first. N users run at
once in a closed loop: a user sends a message (`user_sends_text`) and waits for the bot's
reply before the next one; the run's `--messages` are shared out between them. Texts are
the held-out questions (`bench/data/holdout-queries.tsv`) that the little-hearts FAQ
answers with plain text (decision "answer", no action), so every message gets exactly one
reply and no conversation drifts into a form or a handover; the echo bot gets the same
texts. A short warm-up from other users is not counted.

Round trip: from `user_sends_text` to the server recording the bot's `sendMessage` (the
moment the reply appears in `messages_to`), taken by a subclass of `FakeTelegram` that
resolves a future per chat instead of scanning `sent`. Throughput: replies received per
second of wall time from the first message to the last reply.

    .venv/bin/python bench/bench_telegram.py [--messages 1000] [--concurrency 50,200]
        [--limited-messages 300] [--limited-concurrency 50] [--no-parts] [--profile OUT.pstats]
        [--json]

Then, unless `--no-parts`, Tawasul's halves on their own at the first concurrency level, to
see where its time goes: the engine alone (`Engine.handle` called directly, no HTTP, the
replies left in the outbox), then the outbox dispatcher alone sending that backlog. Every
row also gives process CPU time per message.

`--profile` runs cProfile around one extra Tawasul run (lifted limits, the first
concurrency level) and prints where its CPU time went, by package.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import functools
import inspect
import io
import json
import logging
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiogram import Dispatcher  # noqa: E402
from aiogram.types import Message  # noqa: E402

from bot.channels.telegram.client import make_bot  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.i18n import Catalog  # noqa: E402
from bot.server import background, freeze_startup_heap  # noqa: E402
from bot.wiring import build_faq, open_core  # noqa: E402
from faq.evaluate import read_tsv  # noqa: E402
from faq.service import FaqService  # noqa: E402
from handlers.types import ChatEngine, Incoming  # noqa: E402
from tests.fakes.telegram import FakeTelegram  # noqa: E402

ORG = "little-hearts"
HOLDOUT = ROOT / "bench" / "data" / "holdout-queries.tsv"
REPLY_TIMEOUT = 15.0  # seconds a user waits for a reply before giving up on it
WARMUP_USERS = 5
WARMUP_MESSAGES = 4
LIFTED = {"telegram_per_second": 1_000_000, "telegram_per_chat_interval": 0}
REAL = {"telegram_per_second": 30, "telegram_per_chat_interval": 1.0}  # the defaults
FIRST_USER = 500_001


class BenchTelegram(FakeTelegram):
    """FakeTelegram that tells a waiting user the moment the bot sends to their chat."""

    def __init__(self, token: str) -> None:
        super().__init__(token, bot_id=int(token.split(":")[0]))
        self.waiting: dict[int, asyncio.Future[float]] = {}
        self.replies = 0
        self.unexpected = 0  # replies nobody was waiting for (a message answered twice)

    def _record(self, method: str, chat_id: int, params: Any, message: Any) -> None:
        super()._record(method, chat_id, params, message)
        self.replies += 1
        future = self.waiting.pop(chat_id, None)
        if future is None or future.done():
            self.unexpected += 1
        else:
            future.set_result(time.perf_counter())


@dataclass
class Result:
    bot: str  # echo | tawasul
    limits: str  # "-" (echo), "lifted" or "30/s, 1/s per chat"
    users: int
    messages: int = 0
    wall_s: float = 0.0
    latencies_s: list[float] = field(default_factory=list)
    timeouts: int = 0
    unexpected: int = 0
    cpu_s: float = 0.0  # process CPU time (all threads) over the measured part
    replies: int | None = None  # when there are no round trips to count them by

    def row(self) -> dict[str, Any]:
        lat = sorted(self.latencies_s)
        replies = len(lat) if self.replies is None else self.replies
        return {
            "bot": self.bot,
            "limits": self.limits,
            "users": self.users,
            "messages": self.messages,
            "replies": replies,
            "timeouts": self.timeouts,
            "unexpected_replies": self.unexpected,
            "wall_s": round(self.wall_s, 3),
            "msg_per_s": round(replies / self.wall_s, 1) if self.wall_s else 0.0,
            "cpu_ms_per_msg": round(self.cpu_s / replies * 1000, 2) if replies else None,
            "p50_ms": round(pct(lat, 0.50) * 1000, 1) if lat else None,
            "p99_ms": round(pct(lat, 0.99) * 1000, 1) if lat else None,
            "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else None,
        }


def pct(ordered: Sequence[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def load_questions(faq: FaqService) -> list[str]:
    """Held-out questions the FAQ answers with text: one message, one reply, no new state."""
    texts = []
    for text, _intent in read_tsv(HOLDOUT):
        answer = faq.ask(text)
        if answer.match.decision == "answer" and answer.action is None:
            texts.append(text)
    return texts


# -- the load -------------------------------------------------------------------------------


UserLoop = Callable[[int, int, int, Result], Awaitable[None]]  # (user id, count, seed, out)


def telegram_user(tg: BenchTelegram, texts: Sequence[str]) -> UserLoop:
    """A Telegram user: sends through the fake server, waits for the bot's reply."""

    async def run(user_id: int, count: int, seed: int, out: Result) -> None:
        rng = random.Random(seed)
        for _ in range(count):
            send = functools.partial(tg.user_sends_text, user_id, rng.choice(texts))
            await round_trip(tg.waiting, user_id, out, send)

    return run


async def round_trip(
    waiting: dict[Any, asyncio.Future[float]],
    key: object,
    out: Result,
    send: Callable[[], object],
) -> None:
    """One message sent and its reply waited for (the fake server resolves `waiting[key]`
    when the bot answers); its latency, or a timeout, into `out`."""
    future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    waiting[key] = future
    t0 = time.perf_counter()
    sent = send()  # the fake Bot API queues an update; Meta's fake posts a webhook
    if inspect.isawaitable(sent):
        await sent
    try:
        t1 = await asyncio.wait_for(future, REPLY_TIMEOUT)
    except TimeoutError:
        waiting.pop(key, None)
        out.timeouts += 1
        return
    out.latencies_s.append(t1 - t0)


def engine_user(engine: ChatEngine, texts: Sequence[str]) -> UserLoop:
    """The same user handed straight to the engine: no HTTP, nothing sent (the reply is
    left in the outbox)."""

    async def run(user_id: int, count: int, seed: int, out: Result) -> None:
        rng = random.Random(seed)
        chat = str(user_id)
        for n in range(count):
            incoming = Incoming(
                "telegram",
                chat,
                chat,
                text=rng.choice(texts),
                external_id=f"direct-{user_id}-{n}",
                display_name="مستخدم",
            )
            t0 = time.perf_counter()
            await engine.handle(incoming)
            out.latencies_s.append(time.perf_counter() - t0)

    return run


class Counting(Protocol):
    """A fake server that counts the replies nobody was waiting for."""

    unexpected: int


async def closed_loop(
    user: UserLoop, users: int, total: int, out: Result, tg: Counting | None = None
) -> None:
    """A warm-up, then `users` users at once each sending their share of `total`."""
    warm = Result("warm-up", "", WARMUP_USERS)
    await asyncio.gather(
        *(user(FIRST_USER - 1 - i, WARMUP_MESSAGES, 9000 + i, warm) for i in range(WARMUP_USERS))
    )
    per = max(1, total // users)
    out.messages = per * users
    before = tg.unexpected if tg is not None else 0
    c0, t0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(user(FIRST_USER + i, per, i, out) for i in range(users)))
    out.wall_s = time.perf_counter() - t0
    out.cpu_s = time.process_time() - c0
    out.unexpected = (tg.unexpected - before) if tg is not None else 0


@contextlib.asynccontextmanager
async def fake_telegram(token: str) -> AsyncIterator[BenchTelegram]:
    tg = BenchTelegram(token)
    await tg.start()
    try:
        yield tg
    finally:
        await tg.stop()


# -- the two bots ---------------------------------------------------------------------------


async def run_echo(users: int, total: int, texts: Sequence[str]) -> Result:
    out = Result("echo (aiogram)", "-", users)
    async with fake_telegram("111111:ECHO") as tg:
        bot = make_bot(tg.token, tg.base_url)
        dp = Dispatcher()

        @dp.message()
        async def echo(message: Message) -> None:
            await message.answer(message.text or "")

        polling = asyncio.create_task(
            dp.start_polling(bot, polling_timeout=1, handle_signals=False)
        )
        try:
            await closed_loop(telegram_user(tg, texts), users, total, out, tg)
        finally:
            with contextlib.suppress(RuntimeError):  # polling never started
                await dp.stop_polling()
            await asyncio.wait_for(polling, 10)
    return out


def tawasul_settings(tg: FakeTelegram, data_dir: str, limits: dict[str, Any]) -> Settings:
    return Settings.model_validate(
        {
            "org": ORG,
            "data_dir": data_dir,
            "database_url": None,
            "TELEGRAM_BOT_TOKEN": tg.token,
            "TELEGRAM_API_BASE": tg.base_url,
            "TELEGRAM_STAFF_CHAT_ID": None,
            "telegram_webhook_url": None,  # long polling, whatever the environment says
            "telegram_poll_timeout": 1,
            **limits,
        }
    )


async def run_tawasul(
    faq: FaqService,
    tr: Catalog,
    users: int,
    total: int,
    texts: Sequence[str],
    *,
    limits: dict[str, Any],
    label: str,
    profiler: cProfile.Profile | None = None,
) -> Result:
    out = Result("tawasul", label, users)
    with tempfile.TemporaryDirectory(prefix="tawasul-bench-tg-") as tmp:
        async with fake_telegram("222222:TAWASUL") as tg:
            settings = tawasul_settings(tg, tmp, limits)
            async with open_core(settings, tr, faq=faq) as core, background(core):
                if profiler is not None:
                    profiler.enable()
                try:
                    await closed_loop(telegram_user(tg, texts), users, total, out, tg)
                finally:
                    if profiler is not None:
                        profiler.disable()
    return out


async def run_parts(
    faq: FaqService, tr: Catalog, users: int, total: int, texts: Sequence[str]
) -> tuple[Result, Result]:
    """Tawasul's two halves on their own, same core and texts, rate limits lifted.

    In: the engine alone, each user's message handed to `Engine.handle` as the poller hands
    it (telegram channel, an update id), no HTTP; the replies stay in the outbox. Out: then
    the outbox dispatcher alone sends that backlog through `TelegramSender` to the fake
    server (no new messages coming in).
    """
    engine_only = Result("tawasul: engine only", "no Telegram I/O", users)
    outbox_only = Result("tawasul: outbox only", "lifted", users)
    with tempfile.TemporaryDirectory(prefix="tawasul-bench-tg-") as tmp:
        async with fake_telegram("333333:PARTS") as tg:
            settings = tawasul_settings(tg, tmp, LIFTED)
            async with open_core(settings, tr, faq=faq) as core:
                assert core.dispatcher is not None
                await closed_loop(engine_user(core.engine, texts), users, total, engine_only)
                backlog = WARMUP_USERS * WARMUP_MESSAGES + engine_only.messages
                stop = asyncio.Event()
                c0, t0 = time.process_time(), time.perf_counter()
                dispatching = asyncio.create_task(core.dispatcher.run(stop))
                try:
                    async with asyncio.timeout(REPLY_TIMEOUT * 4):
                        while tg.replies < backlog:
                            await asyncio.sleep(0.002)
                finally:
                    outbox_only.wall_s = time.perf_counter() - t0
                    outbox_only.cpu_s = time.process_time() - c0
                    stop.set()
                    await dispatching
                outbox_only.messages = backlog
                outbox_only.replies = tg.replies
    return engine_only, outbox_only


# -- reporting ------------------------------------------------------------------------------

PACKAGES = (
    ("SimpleQueue", "aiosqlite thread hand-offs (queue put)"),
    ("greenlet", "greenlet (SQLAlchemy's async bridge)"),
    ("tests/fakes/telegram/", "fake Bot API server (tests/fakes/telegram/)"),
    ("aiohttp", "aiohttp (client and server)"),
    ("aiogram", "aiogram"),
    ("pydantic", "pydantic"),
    ("sqlalchemy", "SQLAlchemy"),
    ("aiosqlite", "aiosqlite"),
    ("sqlite3", "sqlite3"),
    ("/faq/", "faq/ (matching)"),
    ("/handlers/", "handlers/ (engine, dialog)"),
    ("/storage/", "storage/"),
    ("/scheduler/", "scheduler/ (outbox dispatcher)"),
    ("/bot/", "bot/ (adapter)"),
    ("asyncio", "asyncio event loop"),
    ("json", "json"),
)


def by_package(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Own time (tottime) of every function, summed by the package it lives in."""
    totals: dict[str, float] = defaultdict(float)
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = filename.replace("\\", "/")
        if where == "~":
            where = name  # built-ins: "<method 'select' of 'select.epoll' objects>", ...
        label = next((lbl for key, lbl in PACKAGES if key in where), None)
        if label is None:
            if "epoll" in where or "select" in where:
                label = "waiting in epoll (idle)"
            elif "socket" in where or "send" in where or "recv" in where:
                label = "socket calls"
            else:
                label = "other"
        totals[label] += tottime
    return sorted(totals.items(), key=lambda kv: -kv[1])


def print_table(rows: list[dict[str, Any]], ratios: list[dict[str, Any]]) -> None:
    head = ["bot", "limits", "users", "replies", "timeouts", "msg_per_s", "cpu_ms_per_msg"]
    head += ["p50_ms", "p99_ms"]
    widths = [20, 18, 5, 7, 8, 9, 14, 8, 8]
    print(" | ".join(f"{h:>{w}}" for h, w in zip(head, widths, strict=True)))
    for row in rows:
        print(" | ".join(f"{row[h]!s:>{w}}" for h, w in zip(head, widths, strict=True)))
    for r in ratios:
        print(
            f"users {r['users']}: tawasul/echo = {r['ratio']:.2f} "
            f"(medians {r['tawasul_msg_per_s']} / {r['echo_msg_per_s']} msg/s; "
            f"each pair: {', '.join(f'{x:.2f}' for x in r['ratio_per_pair'])}; target >= 0.5)"
        )


async def amain(args: argparse.Namespace) -> dict[str, Any]:
    tr = Catalog("ar")
    t0 = time.perf_counter()
    faq = build_faq(Settings.model_validate({"org": ORG}), tr)
    faq_s = time.perf_counter() - t0
    # As `python bot.py` does once it has loaded: both bots run on the frozen start-up heap.
    freeze_startup_heap()
    texts = load_questions(faq)
    levels = [int(x) for x in args.concurrency.split(",") if x]
    results: list[Result] = []
    ratios: list[dict[str, Any]] = []
    for users in levels:
        # Echo and Tawasul take turns, `--repeat` times: on a shared machine a neighbour's
        # burst lands on one run, not on one bot; the ratio is taken between medians.
        echoes: list[Result] = []
        tawasuls: list[Result] = []
        for _ in range(args.repeat):
            echoes.append(await run_echo(users, args.messages, texts))
            tawasuls.append(
                await run_tawasul(
                    faq, tr, users, args.messages, texts, limits=LIFTED, label="lifted"
                )
            )
        results += [*echoes, *tawasuls]
        e = statistics.median(r.row()["msg_per_s"] for r in echoes)
        t = statistics.median(r.row()["msg_per_s"] for r in tawasuls)
        pairs = [
            round(tw.row()["msg_per_s"] / ec.row()["msg_per_s"], 3)
            for ec, tw in zip(echoes, tawasuls, strict=True)
            if ec.row()["msg_per_s"]
        ]
        ratios.append(
            {
                "users": users,
                "echo_msg_per_s": e,
                "tawasul_msg_per_s": t,
                "ratio": round(t / e, 3) if e else 0.0,
                "ratio_per_pair": pairs,
            }
        )
    if args.limited_messages > 0:
        results.append(
            await run_tawasul(
                faq,
                tr,
                args.limited_concurrency,
                args.limited_messages,
                texts,
                limits=REAL,
                label="30/s, 1/s per chat",
            )
        )
    if not args.no_parts:
        results += await run_parts(faq, tr, levels[0], args.messages, texts)
    report: dict[str, Any] = {
        "faq_load_s": round(faq_s, 2),
        "questions": len(texts),
        "runs": [r.row() for r in results],
        "ratios": ratios,
    }
    if args.profile:
        profiler = cProfile.Profile()
        profiled = await run_tawasul(
            faq,
            tr,
            levels[0],
            args.messages,
            texts,
            limits=LIFTED,
            label="lifted (profiled)",
            profiler=profiler,
        )
        profiler.dump_stats(args.profile)
        stats = pstats.Stats(profiler, stream=io.StringIO())
        total = sum(v for _k, v in by_package(stats))
        report["profile"] = {
            "run": profiled.row(),
            "file": args.profile,
            "by_package_s": [
                {"package": k, "s": round(v, 3), "share": round(v / total, 3)}
                for k, v in by_package(stats)
            ],
        }
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Telegram adapter vs a bare aiogram echo bot")
    parser.add_argument("--messages", type=int, default=1000, help="messages per run")
    parser.add_argument("--concurrency", default="50,200", help="users at once, e.g. 50,200")
    parser.add_argument(
        "--limited-messages",
        type=int,
        default=300,
        help="messages for the run with the real limits (0: skip it)",
    )
    parser.add_argument("--limited-concurrency", type=int, default=50)
    parser.add_argument(
        "--repeat", type=int, default=3, help="echo/Tawasul pairs per concurrency level"
    )
    parser.add_argument(
        "--no-parts", action="store_true", help="skip the engine-only and outbox-only runs"
    )
    parser.add_argument("--profile", help="also profile one Tawasul run into this .pstats file")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    report = asyncio.run(amain(args))
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    print(
        f"FAQ model loaded in {report['faq_load_s']:.1f} s; "
        f"{report['questions']} held-out questions the FAQ answers with text"
    )
    print_table(report["runs"], report["ratios"])
    if "profile" in report:
        prof = report["profile"]
        run = prof["run"]
        print(
            f"\nprofiled Tawasul run ({run['users']} users, {run['msg_per_s']} msg/s under "
            f"cProfile), own time by package; stats in {prof['file']}:"
        )
        for item in prof["by_package_s"][:16]:
            print(f"  {item['s']:8.2f} s  {item['share']:6.1%}  {item['package']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
