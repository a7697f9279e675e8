"""The fake Bot API as the load balancer in front of several bot processes, and its limits.

The backends are small aiohttp apps on loopback standing in for `python bot.py` processes:
they answer 200, or 500, or nothing (asleep, or gone).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import pytest_asyncio
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter
from aiogram.types import Message
from aiohttp import web

from tests.fakes.clients import eventually, receiver
from tests.fakes.telegram import FakeTelegram
from tests.processes import free_port

PUBLIC = "https://bot.example/telegram/webhook"
Answer = Callable[[dict[str, Any]], Awaitable[web.Response]]


class Backend:
    """One bot process behind the balancer: keeps what arrives at /telegram/webhook."""

    def __init__(self, answer: Answer | None) -> None:
        self.answer = answer
        self.posts: list[dict[str, Any]] = []
        self.secrets: set[str | None] = set()
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/telegram/webhook", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.2)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        """Gone, like a process killed: its port refuses from now on."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def update_ids(self) -> list[int]:
        return [p["update_id"] for p in self.posts]

    async def _handle(self, request: web.Request) -> web.Response:
        update = await request.json()
        self.posts.append(update)
        self.secrets.add(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        return await self.answer(update) if self.answer else web.Response()


StartBackend = Callable[..., Awaitable[Backend]]


@pytest_asyncio.fixture
async def start_backend() -> AsyncIterator[StartBackend]:
    started: list[Backend] = []

    async def start(answer: Answer | None = None) -> Backend:
        backend = Backend(answer)
        await backend.start()
        started.append(backend)
        return backend

    yield start
    for backend in started:
        await backend.stop()


def answered(tg: FakeTelegram) -> Counter[int]:
    """How many 2xx answers each update got."""
    return Counter(d["update_id"] for d in tg.webhook_deliveries if d["status"] == 200)


def chat_of(update: dict[str, Any]) -> int:
    return int(update["message"]["chat"]["id"])


async def test_updates_go_round_robin_to_the_public_path_of_each_backend(
    tg: FakeTelegram, bot: Bot, start_backend: StartBackend
) -> None:
    backends = [await start_backend() for _ in range(3)]
    tg.backends = [b.url for b in backends]
    for _ in backends:  # every process sets the same public URL
        assert await bot.set_webhook(PUBLIC, secret_token="lb-secret")
    updates = tg.users_send_text(range(7001, 7010), lambda user: f"مرحبا من {user}")
    await eventually(lambda: tg.pending_updates == 0)
    assert [len(b.posts) for b in backends] == [3, 3, 3]
    got = sorted(i for b in backends for i in b.update_ids())
    assert got == [u["update_id"] for u in updates]
    assert all(b.secrets == {"lb-secret"} for b in backends)
    assert {d["url"] for d in tg.webhook_deliveries} == {
        f"{b.url}/telegram/webhook" for b in backends
    }
    assert (await bot.get_webhook_info()).url == PUBLIC


async def test_a_refused_connection_is_redelivered_to_another_backend(
    tg: FakeTelegram, bot: Bot, start_backend: StartBackend
) -> None:
    first, second = await start_backend(), await start_backend()
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    tg.backends = [first.url, dead, second.url]
    await bot.set_webhook(PUBLIC)
    updates = tg.users_send_text(range(7101, 7113), "وين مقركم")
    await eventually(lambda: tg.pending_updates == 0)
    delivered = first.update_ids() + second.update_ids()
    assert sorted(delivered) == [u["update_id"] for u in updates]  # each once
    refused = [d for d in tg.webhook_deliveries if d["status"] == 0]
    assert refused and all(d["url"].startswith(dead) for d in refused)
    assert set(answered(tg).values()) == {1} and len(answered(tg)) == len(updates)


@pytest.mark.parametrize("failure", ["500", "timeout"])
async def test_a_failing_backend_s_updates_are_redelivered_to_another(
    tg: FakeTelegram, bot: Bot, start_backend: StartBackend, failure: str
) -> None:
    async def fail(update: dict[str, Any]) -> web.Response:
        if failure == "timeout":
            await asyncio.sleep(30)
        return web.Response(status=500)

    bad, good = await start_backend(fail), await start_backend()
    tg.webhook_timeout = 0.5
    tg.backends = [bad.url, good.url]
    await bot.set_webhook(PUBLIC)
    updates = tg.users_send_text(range(7201, 7207), "سؤال")
    await eventually(lambda: tg.pending_updates == 0, timeout=10)
    ids = [u["update_id"] for u in updates]
    assert bad.posts and sorted(good.update_ids()) == ids
    assert dict(answered(tg)) == dict.fromkeys(ids, 1)
    failed = {0 if failure == "timeout" else 500}
    assert {d["status"] for d in tg.webhook_deliveries if d["url"].startswith(bad.url)} == failed
    assert all(t["answered"] is not None and not t["given_up"] for t in tg.webhook_timings.values())


async def test_a_backend_gone_mid_run_leaves_its_share_to_the_others(
    tg: FakeTelegram, bot: Bot, start_backend: StartBackend
) -> None:
    backends = [await start_backend() for _ in range(3)]
    tg.backends = [b.url for b in backends]
    await bot.set_webhook(PUBLIC)
    early = tg.users_send_text(range(7301, 7304), "قبل")
    await eventually(lambda: tg.pending_updates == 0)
    await backends[1].stop()  # kill -9: its port refuses, its kept-alive connection drops
    late = tg.users_send_text(range(7304, 7316), "بعد")
    await eventually(lambda: tg.pending_updates == 0, timeout=10)
    assert backends[1].update_ids() == [early[1]["update_id"]]
    survivors = backends[0].update_ids() + backends[2].update_ids()
    assert sorted(survivors) == sorted(u["update_id"] for u in early + late if u is not early[1])
    assert dict(answered(tg)) == dict.fromkeys((u["update_id"] for u in early + late), 1)


async def test_one_chat_s_updates_stay_in_order_while_chats_go_at_once(
    tg: FakeTelegram, bot: Bot, start_backend: StartBackend
) -> None:
    chats = list(range(7401, 7406))
    arrivals: dict[int, list[str]] = {chat: [] for chat in chats}
    in_flight: set[int] = set()
    overlaps: list[int] = []
    most = 0

    async def answer(update: dict[str, Any]) -> web.Response:
        nonlocal most
        chat, text = chat_of(update), update["message"]["text"]
        if chat in in_flight:
            overlaps.append(chat)
        in_flight.add(chat)
        most = max(most, len(in_flight))
        arrivals[chat].append(text)
        await asyncio.sleep(0.02)
        in_flight.discard(chat)
        failed_once = chat == chats[0] and text == "2" and arrivals[chat].count("2") == 1
        return web.Response(status=500 if failed_once else 200)

    tg.backends = [(await start_backend(answer)).url, (await start_backend(answer)).url]
    await bot.set_webhook(PUBLIC)
    for i in range(6):
        tg.users_send_text(chats, str(i))
    await eventually(lambda: tg.pending_updates == 0, timeout=10)
    assert overlaps == [] and most >= 2
    assert arrivals[chats[0]] == ["0", "1", "2", "2", "3", "4", "5"]  # the retry came first
    assert all(arrivals[chat] == [str(i) for i in range(6)] for chat in chats[1:])


@pytest.mark.parametrize("max_connections", [None, 3, 1])
async def test_max_connections_caps_the_posts_in_flight(
    tg: FakeTelegram, bot: Bot, max_connections: int | None
) -> None:
    gate = asyncio.Event()
    in_flight = most = 0

    async def hook(request: web.Request) -> web.Response:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await gate.wait()
        in_flight -= 1
        return web.Response()

    runner, url = await receiver(hook)  # no backends: the webhook's own URL
    try:
        await bot.set_webhook(url, max_connections=max_connections)
        expected = min(max_connections or 40, 10)
        tg.users_send_text(range(7501, 7511), "انتظر")
        await eventually(lambda: in_flight == expected)
        await asyncio.sleep(0.2)  # room for one too many to show up
        assert most == expected
        assert (await bot.get_webhook_info()).max_connections == (max_connections or 40)
        gate.set()
        await eventually(lambda: tg.pending_updates == 0)
        assert most == expected and len(answered(tg)) == 10
    finally:
        gate.set()
        await runner.cleanup()


async def test_many_users_answered_once_with_each_update_timed(
    tg: FakeTelegram, bot: Bot, start_backend: StartBackend
) -> None:
    async def reply(update: dict[str, Any]) -> web.Response:
        # A webhook may answer with a method call, which Telegram then executes.
        call = {"method": "sendMessage", "chat_id": chat_of(update), "text": "أهلاً"}
        return web.json_response(call)

    tg.backends = [(await start_backend(reply)).url for _ in range(3)]
    await bot.set_webhook(PUBLIC)
    users = range(20_001, 20_301)
    updates = tg.users_send_text(users, "السلام عليكم")
    await eventually(lambda: tg.pending_updates == 0, timeout=30)
    await eventually(lambda: len(tg.sent) == len(users))
    assert tg.send_counts() == Counter(dict.fromkeys(users, 1))
    assert [m["text"] for m in tg.messages_to(users[-1])] == ["أهلاً"]
    timings = tg.webhook_timings
    assert list(timings) == [u["update_id"] for u in updates]
    assert all(t["queued"] <= t["first_post"] <= t["answered"] for t in timings.values())
    latencies = tg.webhook_latencies()
    stats = tg.webhook_stats()
    assert len(latencies) == stats["answered"] == len(users) and stats["given_up"] == 0
    assert 0 <= stats["p50"] <= stats["p95"] <= stats["max"] == max(latencies) < 30
    assert stats["per_second"] > 0 and stats["pending"] == 0


async def test_paid_broadcasts_have_their_own_limit_but_not_the_chats(
    tg: FakeTelegram, bot: Bot
) -> None:
    tg.enforce_limits = True
    normal = await asyncio.gather(
        *(bot.send_message(chat, "تذكير") for chat in range(9001, 9041)), return_exceptions=True
    )
    assert any(isinstance(r, TelegramRetryAfter) for r in normal)
    assert tg.limit_refusals["overall"] == tg.limit_violations > 0
    assert tg.max_in_window(1.0 - tg.limit_tolerance) <= 30

    paid = await asyncio.gather(
        *(bot.send_message(c, "حملة", allow_paid_broadcast=True) for c in range(9101, 9141))
    )
    assert all(isinstance(m, Message) for m in paid)  # 1,000/s, and the 30/s doesn't apply
    assert tg.max_in_window(paid=True) == 40
    assert tg.messages_to(9101)[0]["params"]["allow_paid_broadcast"] is True
    with pytest.raises(TelegramRetryAfter):  # 1/s per chat holds for paid sends too
        await bot.send_message(9101, "مرة ثانية", allow_paid_broadcast=True)
    assert tg.limit_refusals["chat"] == 1 and tg.limit_refusals["paid"] == 0


async def test_the_paid_limit_is_enforced_too(tg: FakeTelegram, bot: Bot) -> None:
    tg.enforce_limits = True
    tg.paid_per_second = 20
    sends = (bot.send_message(c, "حملة", allow_paid_broadcast=True) for c in range(9201, 9231))
    results = await asyncio.gather(*sends, return_exceptions=True)
    assert any(isinstance(r, TelegramRetryAfter) for r in results)
    assert tg.limit_refusals["paid"] == tg.limit_violations > 0
    assert tg.max_in_window(1.0 - tg.limit_tolerance, paid=True) <= 20
    await bot.send_message(9301, "عادية")  # the unpaid 30/s is untouched by paid sends
    assert tg.max_in_window(paid=False) == 1


async def test_max_in_window_counts_the_densest_window(tg: FakeTelegram, bot: Bot) -> None:
    tg.send_log = [(t, 1 + i % 2, i == 4) for i, t in enumerate((0.0, 0.5, 0.99, 1.0, 1.5, 5.0))]
    assert tg.max_in_window(1.0) == 3  # 0.5, 0.99, 1.0 (or 0.99, 1.0, 1.5)
    assert tg.max_in_window(0.5) == 2 and tg.max_in_window(10.0) == 6
    assert tg.max_in_window(1.0, paid=True) == 1 and tg.max_in_window(1.0, paid=False) == 3
    assert tg.max_in_window(2.0, chat_id=1) == 3  # 0.0, 0.99, 1.5

    tg.send_log = []
    for chat in (9401, 9402, 9403):
        await bot.send_message(chat, "١")
    await bot.send_message(9404, "٢", allow_paid_broadcast=True)
    assert tg.max_in_window() == 4 and tg.max_in_window(paid=True) == 1
    assert tg.max_in_window(chat_id=9402) == 1 and tg.limit_violations == 0
