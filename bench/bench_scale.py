"""Scale-out on PostgreSQL: 1, 2 and 3 `python bot.py` processes behind one load balancer.

Every process is a real `python bot.py` in webhook mode on one fresh PostgreSQL database
(the same secret key, encryption key, webhook secret and public webhook URL, each its own
data dir and port). The fake Bot API server (`tests/fakes/telegram/`) runs in this process,
enforces Telegram's limits (a send beyond them gets a 429) and is also the load balancer:
it POSTs each update to the next process in turn, at most `--connections` at once
(setWebhook's `max_connections`, Telegram's default 40), one chat's updates in order.

- **inbound** (for each of `--processes`): `--updates` messages from `--chats` chats
  (held-out questions the FAQ answers with text, as bench_telegram.py picks them) queued at
  once after a short warm-up, so each chat's first message is a first contact and the rest
  come from a known chat. Latency: an update's first POST to its 2xx (stored; the reply
  then goes through the outbox at the real 30/s). Throughput: updates answered per second,
  first POST to last answer. CPU: utime + stime (/proc) of the bot processes, of the
  PostgreSQL backends serving the database (`pg`) and the server's own processes
  (`pg_server`, shared with whoever else uses the server), and of this process (the fake),
  over the same span; `pg_commits`: transactions the database committed meanwhile.
- **campaign**: `--recipients` outbox rows (kind survey, due now) for as many chats seeded
  straight into the database, sent by `--campaign-processes` processes at the real 30/s;
  every `--kill-every` seconds one of them is killed with SIGKILL and started again
  (`TAWASUL_OUTBOX_RECLAIM_AFTER=10`, so its claimed rows come back within the run). Just
  before and just after each kill the rows in state `sending` are counted; the count after
  includes everything the dead process had claimed, so it bounds the messages that can go
  twice. Rate: sends the server accepted per second, first to last (and without the first
  10 s); the densest second; 429s; chats never messaged (lost) and messaged twice. The CPU
  a restarted process spends starting is counted apart.
- **paid**: the same campaign with `TAWASUL_TELEGRAM_PAID_BROADCAST=true` against the fake's
  1,000 paid messages/s, no kills, for each of `--paid-processes`.

The baselines, in the same run: 1 process for the inbound scale-out, and each process's
idle CPU (5 s before a campaign is seeded) for the per-message cost. After the warm-up and
after seeding, the database is ANALYZEd, as autovacuum would soon do (the test server runs
without it; `--no-analyze` leaves the tables without statistics). `--history N` puts N
already-sent rows in the outbox first, as a deployment that has run for a while has.

    .venv/bin/python bench/bench_scale.py [--part all|inbound|campaign|paid] [--pg URL]
        [--processes 1,2,3] [--updates 3000] [--chats 1000] [--connections 40]
        [--recipients 10000] [--campaign-processes 3] [--kill-every 60]
        [--paid-processes 1,3] [--history N] [--no-analyze]
        [--py-spy EXE --profile-dir DIR] [--logs DIR] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import logging
import math
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
import httpx  # noqa: E402
from bench_telegram import load_questions  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.i18n import Catalog  # noqa: E402
from bot.wiring import build_faq  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import Message, OutboxMessage  # noqa: E402
from tests.campaign_data import quiet_free_profiles  # noqa: E402
from tests.fakes.telegram import FakeTelegram  # noqa: E402
from tests.processes import BotProcess, free_port, new_pg_database, telegram_env  # noqa: E402

ORG = "little-hearts"
PUBLIC_URL = "https://bot.example/telegram/webhook"
WEBHOOK_SECRET = "bench-scale-webhook"
LIMIT, PAID_LIMIT = 30, 1000
FIRST_WARMUP_CHAT, FIRST_CHAT, FIRST_RECIPIENT = 2_900_000, 3_000_000, 4_000_000
FIRST_SENT_CHAT = 5_000_000
WARMUP_PER_PROCESS = 10
IDLE_S = 5.0
STEADY_AFTER_S = 10.0
CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- CPU time from /proc ----------------------------------------------------------------------


def cpu_s(pid: int) -> float:
    """utime + stime of a process (all its threads) in seconds; 0.0 when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


class PostgresCpu:
    """The CPU of the server processes working for one database (their titles name it) and
    of the server's own (postmaster, WAL writer, checkpointer…, shared with anyone else on
    it). Sampled every half second, so a backend that exits keeps what it had used."""

    def __init__(self, database: str) -> None:
        self.database = database.encode()
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.shared: set[int] = set()  # the server's own processes, not one database's
        self._others: set[int] = set()

    def _ours(self, pid: int) -> bool | None:
        """True: count it; False: never (not PostgreSQL); None: another database's, for now."""
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return None
        if b"postgres" not in title:
            return False
        if self.database in title:
            return True
        backend = b"(" in title or b"[local]" in title or b"autovacuum worker" in title
        if backend:
            return None
        self.shared.add(pid)
        return True

    def sample(self) -> None:
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit() or int(entry.name) in self._others:
                continue
            pid = int(entry.name)
            ours = True if pid in self.last else self._ours(pid)
            if ours is False:
                self._others.add(pid)
            elif ours and (used := cpu_s(pid)):
                self.last[pid] = max(used, self.last.get(pid, 0.0))

    def mark(self) -> None:
        self.sample()
        self.first = dict(self.last)

    def used(self, *, shared: bool = False) -> float:
        """CPU seconds since `mark`: the database's backends, or the server's own."""
        self.sample()
        return sum(
            v - self.first.get(pid, 0.0)
            for pid, v in self.last.items()
            if (pid in self.shared) == shared
        )

    async def run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(0.5)


# -- the processes ----------------------------------------------------------------------------


class Node(BotProcess):
    """One `python bot.py`, its CPU counted across restarts."""

    def __init__(self, env: dict[str, str], port: int, log: Path | None) -> None:
        super().__init__(env)
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        self.cpu_dead = 0.0  # what the killed incarnations used
        self.startup_cpu = 0.0  # what the restarts used until ready
        self._seen = 0.0

    def start(self) -> None:
        out = self.log.open("ab") if self.log else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [sys.executable, "bot.py"], cwd=ROOT, env=self.env, stdout=out, stderr=out
        )
        self._seen = 0.0

    def cpu(self) -> float:
        assert self.proc is not None
        self._seen = cpu_s(self.proc.pid) or self._seen
        return self.cpu_dead + self._seen

    def kill(self) -> None:
        self.cpu()
        self.cpu_dead += self._seen
        self._seen = 0.0
        super().kill()

    async def ready(self, timeout: float = 120) -> None:
        """/readyz 200 and Telegram up (its webhook set)."""
        async with httpx.AsyncClient(timeout=2) as client, asyncio.timeout(timeout):
            while True:
                assert self.proc is not None and self.proc.poll() is None, "bot.py exited"
                with contextlib.suppress(httpx.TransportError, ValueError):
                    ready = await client.get(f"{self.url}/readyz")
                    health = (await client.get(f"{self.url}/healthz")).json()
                    if ready.status_code == 200 and health.get("telegram") == "up":
                        return
                await asyncio.sleep(0.2)

    async def restarted(self) -> None:
        """Started again after a kill: counts its start-up's CPU apart."""
        self.start()
        await self.ready()
        assert self.proc is not None
        self.startup_cpu += cpu_s(self.proc.pid)


def node_env(tg: FakeTelegram, url: str, home: Path, i: int, port: int, **extra: str) -> dict:
    return telegram_env(
        home / f"data{i}",
        port,
        tg.token,
        tg.base_url,
        TAWASUL_ORG=ORG,
        TAWASUL_PROFILES_DIR=str(home / "profiles"),
        TAWASUL_DATABASE_URL=url,
        TAWASUL_SECRET_KEY="bench-scale",
        TAWASUL_ENCRYPTION_KEY=base64.urlsafe_b64encode(b"bench-scale".ljust(32, b".")).decode(),
        TAWASUL_HTTP_HOST="127.0.0.1",
        TAWASUL_TELEGRAM_WEBHOOK_URL=PUBLIC_URL,
        TAWASUL_TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
        TAWASUL_OUTBOX_RECLAIM_AFTER="10",
        **extra,
    )


@contextlib.asynccontextmanager
async def cluster(
    tg: FakeTelegram, url: str, count: int, home: Path, logs: Path | None, **extra: str
) -> AsyncIterator[list[Node]]:
    """`count` processes on `url`, all ready, the fake balancing over them."""
    quiet_free_profiles(home)
    nodes = []
    for i in range(count):
        port = free_port()
        log = logs / f"{home.name}-bot{i}.log" if logs else None
        nodes.append(Node(node_env(tg, url, home, i, port, **extra), port, log))
    upgrade = [sys.executable, "bot.py", "db", "upgrade"]
    subprocess.run(upgrade, cwd=ROOT, env=nodes[0].env, check=True, capture_output=True)
    try:
        for node in nodes:
            node.start()
        await asyncio.gather(*(node.ready() for node in nodes))
        tg.backends = [node.url for node in nodes]
        yield nodes
    finally:
        for node in nodes:
            node.stop()


@contextlib.contextmanager
def profiled(args: argparse.Namespace, node: Node, name: str) -> Iterator[None]:
    """py-spy on the node for the block, when asked (`--py-spy`, `--profile-dir`)."""
    if not (args.py_spy and args.profile_dir and node.proc):
        yield
        return
    out = Path(args.profile_dir) / f"{name}.txt"
    cmd = [args.py_spy, "record", "-p", str(node.proc.pid), "-o", str(out), "-f", "raw"]
    spy = subprocess.Popen([*cmd, "-r", "250", "--nonblocking"], stdout=subprocess.DEVNULL)
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)
        spy.wait(timeout=30)


def database_name(url: str) -> str:
    return str(make_url(url).database)


@dataclass
class Fleet:
    """The processes of one run, their database, and the PostgreSQL CPU sampler."""

    url: str
    nodes: list[Node]
    db: Database
    pg: PostgresCpu


@contextlib.asynccontextmanager
async def fleet(
    args: argparse.Namespace, tg: FakeTelegram, processes: int, name: str, **extra: str
) -> AsyncIterator[Fleet]:
    """A fresh database, `processes` bot processes ready on it, all gone afterwards."""
    async with contextlib.AsyncExitStack() as stack:
        home = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tawasul-s-")))
        url = await stack.enter_async_context(new_pg_database(args.pg, "tawasul_scale"))
        nodes = await stack.enter_async_context(
            cluster(tg, url, processes, home / name, args.logs, **extra)
        )
        db = Database(url)
        stack.push_async_callback(db.dispose)
        pg = PostgresCpu(database_name(url))
        sampler = asyncio.create_task(pg.run())
        stack.callback(sampler.cancel)
        yield Fleet(url, nodes, db, pg)


def snapshot(nodes: Sequence[Node], pg: PostgresCpu) -> dict[str, float]:
    return {
        "bots": sum(n.cpu() - n.startup_cpu for n in nodes),
        "pg": pg.used(),
        "pg_server": pg.used(shared=True),
        "fake": time.process_time(),
        "at": time.monotonic(),
    }


def spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {k: after[k] - before[k] for k in before}


def per_item_ms(cpu: dict[str, float], items: int) -> dict[str, float | None]:
    keys = ("bots", "pg", "pg_server", "fake")
    return {k: round(cpu[k] / items * 1000, 2) if items else None for k in keys}


def load() -> float:
    return round(os.getloadavg()[0], 2)


def percentile(ordered: Sequence[float], p: float) -> float:
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else 0.0


# -- inbound ----------------------------------------------------------------------------------


async def until_answered(tg: FakeTelegram, ids: Sequence[int], timeout: float) -> None:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout):
            while True:
                timings = tg.webhook_timings
                if all(
                    (t := timings.get(i)) is not None and (t["answered"] or t["given_up"])
                    for i in ids
                ):
                    return
                await asyncio.sleep(0.1)


def latencies(timings: Sequence[dict[str, Any]]) -> list[float]:
    return sorted(t["answered"] - t["first_post"] for t in timings)


def spread(lat: Sequence[float]) -> dict[str, Any]:
    return {"n": len(lat)} | {f"p{p}_ms": round(percentile(lat, p) * 1000, 1) for p in (50, 95)}


async def inbound(args: argparse.Namespace, texts: Sequence[str], processes: int) -> dict:
    tg = FakeTelegram()
    tg.enforce_limits = True
    tg.webhook_max_connections = args.connections
    await tg.start()
    rng = random.Random(processes)
    try:
        async with fleet(args, tg, processes, f"inbound{processes}") as run:
            warm = range(FIRST_WARMUP_CHAT, FIRST_WARMUP_CHAT + WARMUP_PER_PROCESS * processes)
            warm_ids = [
                u["update_id"] for u in tg.users_send_text(warm, lambda _: rng.choice(texts))
            ]
            await until_answered(tg, warm_ids, 60)
            await analyze(args, run.url)
            figures: dict[str, Any] = {"load_before": load(), "sends_before": len(tg.send_log)}
            run.pg.mark()
            commits_before = await commits(run.url)
            before, each = snapshot(run.nodes, run.pg), [n.cpu() for n in run.nodes]
            with profiled(args, run.nodes[0], f"inbound-{processes}"):
                ids = []  # the first `chats` are each chat's first contact
                for first in range(0, args.updates, args.chats):
                    chats = range(FIRST_CHAT, FIRST_CHAT + min(args.chats, args.updates - first))
                    queued = tg.users_send_text(chats, lambda _: rng.choice(texts))
                    ids += [u["update_id"] for u in queued]
                await until_answered(tg, ids, args.updates / 10 + 60)
                cpu = spent(before, snapshot(run.nodes, run.pg))
                each = [round(n.cpu() - b, 2) for n, b in zip(run.nodes, each, strict=True)]
            figures["pg_commits"] = await commits(run.url) - commits_before
            async with run.db.reading() as session:
                stored = await session.scalar(
                    select(func.count()).select_from(Message).where(Message.direction == "in")
                )
            figures["stored"] = int(stored or 0) - len(warm_ids)
    finally:
        await tg.stop()
    figures |= {"cpu": cpu, "each": each, "processes": processes}
    return inbound_figures(args, tg, ids, figures)


def inbound_figures(
    args: argparse.Namespace, tg: FakeTelegram, ids: list[int], got: dict[str, Any]
) -> dict[str, Any]:
    timings = [tg.webhook_timings[i] for i in ids if i in tg.webhook_timings]
    answered = [t for t in timings if t["answered"] is not None]
    lat = latencies(answered)
    span = max(t["answered"] for t in answered) - min(t["first_post"] for t in answered)
    done = {i: t for i, t in tg.webhook_timings.items() if t["answered"] is not None}
    cpu = got["cpu"]
    return {
        "processes": got["processes"],
        "updates": args.updates,
        "chats": args.chats,
        "connections": args.connections,
        "answered": len(answered),
        "given_up": sum(t["given_up"] for t in timings),
        "stored": got["stored"],
        "retried": sum(t["attempts"] > 1 for t in timings),
        "seconds": round(span, 2),
        "updates_per_s": round(len(answered) / span, 1) if span else 0.0,
        "p50_ms": round(percentile(lat, 50) * 1000, 1),
        "p95_ms": round(percentile(lat, 95) * 1000, 1),
        "max_ms": round(lat[-1] * 1000, 1) if lat else 0.0,
        "first_contact": spread(latencies([done[i] for i in ids[: args.chats] if i in done])),
        "known_chat": spread(latencies([done[i] for i in ids[args.chats :] if i in done])),
        "cpu_s": {k: round(v, 2) for k, v in cpu.items()},
        "cpu_ms_per_update": per_item_ms(cpu, len(answered)),
        "cpu_s_each_process": got["each"],
        "bot_cores_busy": round(cpu["bots"] / cpu["at"], 2),
        "replies_sent_meanwhile": len(tg.send_log) - got["sends_before"],
        "pg_commits": got["pg_commits"],
        "replies_max_in_1s": tg.max_in_window(1.0),
        "limit_429s": tg.limit_violations,
        "load_before": got["load_before"],
        "load_after": load(),
    }


# -- campaigns --------------------------------------------------------------------------------


async def seed_outbox(
    db: Database, count: int, *, first_chat: int = FIRST_RECIPIENT, state: str = "pending"
) -> None:
    """A campaign's rows, one per chat, due now (as `survey push` leaves them); or, with
    state "sent", the history a deployment that has run for a while keeps."""
    now = datetime.now(UTC)
    for start in range(0, count, 2_000):
        rows = [
            {
                "conversation_id": None,
                "channel": "telegram",
                "chat_id": str(first_chat + i),
                "kind": "survey",
                "body": {"text": f"كيف كانت خدمتنا؟ شاركنا رأيك ({i})"},
                "state": state,
                "due_at": now,
                "attempts": 0,
                "created_at": now,
                "sent_at": now if state == "sent" else None,
            }
            for i in range(start, min(start + 2_000, count))
        ]
        async with db.transaction(queued=False) as session:
            await session.execute(insert(OutboxMessage), rows)


async def commits(url: str) -> int:
    """Transactions committed in the database so far (pg_stat_database)."""
    conn = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
    try:
        await conn.execute("SELECT pg_stat_clear_snapshot()")
        query = "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        return int(await conn.fetchval(query))
    finally:
        await conn.close()


async def analyze(args: argparse.Namespace, url: str) -> None:
    """What autovacuum does soon after a bulk insert (the test server runs without it):
    without statistics the claim's plan is quadratic in the outbox's rows."""
    if args.no_analyze:
        return
    conn = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
    try:
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


async def outbox_states(db: Database) -> dict[str, int]:
    async with db.reading() as session:
        rows = await session.execute(
            select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
        )
        return {state: int(n) for state, n in rows.all()}


async def kill_one(db: Database, node: Node, states: dict[str, int]) -> dict[str, Any]:
    """SIGKILL, with the rows `sending` counted just before and just after: what the dead
    process had claimed stays `sending` until taken back, so the count after is at least
    what it had in flight (the others' sends of that instant included)."""
    sending = (await outbox_states(db)).get("sending", 0)
    node.kill()
    at = time.monotonic()
    after = (await outbox_states(db)).get("sending", 0)
    return {"monotonic": at, "sending_before": sending, "sending": after, "node": node.url} | {
        "sent_before": states.get("sent", 0)
    }


async def campaign(args: argparse.Namespace, processes: int, *, paid: bool) -> dict:
    tg = FakeTelegram()
    tg.enforce_limits = True
    tg.paid_per_second = PAID_LIMIT
    extra = {"TAWASUL_TELEGRAM_PAID_BROADCAST": "true"} if paid else {}
    name = "paid" if paid else "campaign"
    await tg.start()
    try:
        async with fleet(args, tg, processes, name, **extra) as run:
            await seed_outbox(run.db, args.history, first_chat=FIRST_SENT_CHAT, state="sent")
            idle_before = sum(n.cpu() for n in run.nodes)
            await asyncio.sleep(IDLE_S)
            idle = (sum(n.cpu() for n in run.nodes) - idle_before) / IDLE_S / processes
            load_before = load()
            run.pg.mark()
            commits_before = await commits(run.url)
            before = snapshot(run.nodes, run.pg)
            with profiled(args, run.nodes[0], f"{name}-{processes}"):
                await seed_outbox(run.db, args.recipients)
                await analyze(args, run.url)
                kill_every = 0 if paid else args.kill_every
                rate = PAID_LIMIT if paid else LIMIT
                kills = await until_sent(args, run, (kill_every, rate), before["at"])
                cpu = spent(before, snapshot(run.nodes, run.pg))
            transactions = await commits(run.url) - commits_before
            states = await outbox_states(run.db)
            startup = sum(n.startup_cpu for n in run.nodes)
    finally:
        await tg.stop()
    return campaign_figures(tg, args.recipients, processes, paid, cpu, kills) | {
        "rows_not_sent": sum(n for s, n in states.items() if s != "sent"),
        "pg_commits": transactions,
        "restart_startup_cpu_s": round(startup, 2),
        "idle_cpu_per_process": round(idle, 3),
        "load_before": load_before,
        "load_after": load(),
    }


async def until_sent(
    args: argparse.Namespace, run: Fleet, pace: tuple[float, int], began: float
) -> list[dict[str, Any]]:
    """Wait until the outbox is sent (at most 5 minutes longer than `rate` a second takes),
    killing and restarting a process every `kill_every` seconds (0: never), each in turn;
    the kills, with what they found."""
    kill_every, rate = pace
    deadline = time.monotonic() + args.recipients / rate + 300
    next_kill = time.monotonic() + kill_every
    kills: list[dict[str, Any]] = []
    restarts: list[asyncio.Task[None]] = []
    while time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        states = await outbox_states(run.db)
        if not set(states) - {"sent", "failed"}:
            break
        if kill_every and time.monotonic() >= next_kill:
            node = run.nodes[len(kills) % len(run.nodes)]
            kill = await kill_one(run.db, node, states)
            kill["sent_before"] -= args.history
            kills.append(kill | {"at_s": round(kill["monotonic"] - began, 1)})
            restarts.append(asyncio.create_task(node.restarted()))
            next_kill += kill_every
    await asyncio.sleep(1.5)  # a send still in flight lands
    await asyncio.gather(*restarts)
    return kills


def campaign_figures(
    tg: FakeTelegram,
    recipients: int,
    processes: int,
    paid: bool,
    cpu: dict[str, float],
    kills: list[dict[str, Any]],
) -> dict[str, Any]:
    last_chat = FIRST_RECIPIENT + recipients
    times = [at for at, chat, _ in tg.send_log if FIRST_RECIPIENT <= chat < last_chat]
    times.sort()
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    steady = (
        [t for t in times if t >= times[0] + STEADY_AFTER_S] if span > 3 * STEADY_AFTER_S else []
    )
    steady_span = steady[-1] - steady[0] if len(steady) > 1 else 0.0
    rate = (len(times) - 1) / span if span else 0.0
    allowed = PAID_LIMIT if paid else LIMIT
    for kill in kills:  # the 10 s before each kill and the 10 s after
        at = kill.pop("monotonic")
        kill["sent_10s_before"] = sum(1 for x in times if 0 < at - x <= 10)
        kill["sent_10s_after"] = sum(1 for x in times if 0 <= x - at < 10)
    counts = tg.send_counts()
    got = [counts.get(FIRST_RECIPIENT + i, 0) for i in range(recipients)]
    return {
        "mode": "paid broadcast" if paid else "30/s",
        "processes": processes,
        "recipients": recipients,
        "sent": len(times),
        "send_s": round(span, 1),
        "msg_per_s": round(rate, 2),
        "of_allowed": round(rate / allowed, 3),
        "steady_msg_per_s": round((len(steady) - 1) / steady_span, 2) if steady_span else None,
        "max_in_1s": tg.max_in_window(1.0, paid=paid),
        "max_in_1s_other": tg.max_in_window(1.0, paid=not paid),
        "limit_429s": tg.limit_violations,
        "refusals": dict(tg.limit_refusals),
        "lost": sum(1 for n in got if n == 0),
        "doubled": sum(1 for n in got if n > 1),
        "extra_sends": sum(n - 1 for n in got if n > 1),
        "kills": kills,
        "sending_at_kills": sum(k["sending"] for k in kills),
        "cpu_s": {k: round(v, 2) for k, v in cpu.items()},
        "cpu_ms_per_msg": per_item_ms(cpu, len(times)),
        "bot_cores_busy": round(cpu["bots"] / cpu["at"], 2),
    }


# -- the report -------------------------------------------------------------------------------


def sizing(report: dict[str, Any]) -> dict[str, Any]:
    """One process's CPU per message: the figures an operator sizes a deployment with."""
    out: dict[str, Any] = {}
    single = [r for r in report.get("inbound", []) if r["processes"] == 1]
    if single:
        out["inbound_update_cpu_ms"] = single[0]["cpu_ms_per_update"]["bots"]
    paid = {r["processes"]: r for r in report.get("paid", [])}
    if paid:
        out["outbound_message_cpu_ms"] = paid[min(paid)]["cpu_ms_per_msg"]["bots"]
    if "campaign" in report:
        out["outbound_at_30_per_s_cpu_ms"] = report["campaign"]["cpu_ms_per_msg"]["bots"]
        out["idle_cpu_per_process"] = report["campaign"]["idle_cpu_per_process"]
    return out


def print_inbound(rows: list[dict[str, Any]]) -> None:
    head = ["processes", "answered", "stored", "updates_per_s", "p50_ms", "p95_ms", "max_ms"]
    head += ["first p95", "known p95", "cpu ms bot/pg/fake", "bot cores", "load"]
    widths = [9, 8, 6, 13, 7, 7, 7, 9, 9, 18, 9, 5]
    print(" | ".join(f"{h:>{w}}" for h, w in zip(head, widths, strict=True)))
    for row in rows:
        ms = row["cpu_ms_per_update"]
        cells = [row[h] for h in head[:7]]
        cells += [row["first_contact"]["p95_ms"], row["known_chat"]["p95_ms"]]
        cells += [f"{ms['bots']}/{ms['pg']}/{ms['fake']}", row["bot_cores_busy"]]
        cells += [row["load_before"]]
        print(" | ".join(f"{c!s:>{w}}" for c, w in zip(cells, widths, strict=True)))
    for row in rows:
        if row["processes"] == 3:
            met = row["updates_per_s"] >= 300 and row["p95_ms"] <= 300
            print(
                "target with 3 processes: >= 300 updates/s at p95 <= 300 ms -> "
                + ("met" if met else "NOT met")
            )


def print_campaign(result: dict[str, Any]) -> None:
    print(f"\n{result['mode']} campaign, {result['processes']} processes:")
    for key, value in result.items():
        if key != "kills":
            print(f"{key:>28}: {value}")
    for kill in result["kills"]:
        print(f"{'kill':>28}: {kill}")
    paid = result["mode"] == "paid broadcast"
    allowed = PAID_LIMIT if paid else LIMIT
    held = result["max_in_1s"] <= allowed and not result["limit_429s"] and not result["lost"]
    held = held and result["extra_sends"] <= result["sending_at_kills"]
    if paid:  # the issue asks that the limit hold, and what rate the machine reaches
        print(
            f"target: never above {allowed}/s, no 429, none lost -> "
            f"{'met' if held else 'NOT met'}; reached {result['of_allowed']:.1%} of it"
        )
        return
    met = held and result["of_allowed"] >= 0.95
    print(
        f"target: >= 95 % of {allowed}/s, never above it, no 429, none lost, "
        f"doubles <= in flight at the kills -> {'met' if met else 'NOT met'}"
    )


async def amain(args: argparse.Namespace) -> dict[str, Any]:
    parts = {"inbound", "campaign", "paid"} if args.part == "all" else {args.part}
    report: dict[str, Any] = {"cores": os.cpu_count(), "load_at_start": load()}
    if "inbound" in parts:
        faq = build_faq(Settings.model_validate({"org": ORG}), Catalog("ar"))
        texts = load_questions(faq)
        report["questions"] = len(texts)
        counts = [int(x) for x in args.processes.split(",") if x]
        report["inbound"] = [await inbound(args, texts, n) for n in counts]
    if "campaign" in parts:
        report["campaign"] = await campaign(args, args.campaign_processes, paid=False)
    if "paid" in parts:
        counts = [int(x) for x in args.paid_processes.split(",") if x]
        report["paid"] = [await campaign(args, n, paid=True) for n in counts]
    report["sizing"] = sizing(report)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["all", "inbound", "campaign", "paid"], default="all")
    parser.add_argument(
        "--pg",
        default=os.environ.get(
            "TAWASUL_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
        ),
        help="PostgreSQL server (a fresh database is made on it for each run)",
    )
    parser.add_argument("--processes", default="1,2,3", help="inbound: process counts")
    parser.add_argument("--updates", type=int, default=3000)
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=40, help="the webhook's at once")
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--campaign-processes", type=int, default=3)
    parser.add_argument("--kill-every", type=float, default=60.0, help="seconds; 0: no kills")
    parser.add_argument("--paid-processes", default="1,3", help="paid: process counts, e.g. 1,3")
    parser.add_argument(
        "--history", type=int, default=0, help="campaigns: rows already sent in the outbox"
    )
    parser.add_argument(
        "--no-analyze", action="store_true", help="leave the new tables without statistics"
    )
    parser.add_argument("--py-spy", help="py-spy executable: record the first process of each run")
    parser.add_argument("--profile-dir", help="where the py-spy raw profiles go")
    parser.add_argument("--logs", type=Path, help="keep the processes' output in this folder")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.logs:
        args.logs.mkdir(parents=True, exist_ok=True)
    report = asyncio.run(amain(args))
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    print(f"{report['cores']} cores, load average {report['load_at_start']} at the start")
    if "inbound" in report:
        print_inbound(report["inbound"])
    if "campaign" in report:
        print_campaign(report["campaign"])
    for result in report.get("paid", []):
        print_campaign(result)
    print(f"\nsizing (CPU of the bot processes per message): {report['sizing']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
