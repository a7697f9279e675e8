"""The webhook sender: POSTs like Telegram's, optionally through a load balancer.

Up to ``webhook_max_connections`` POSTs are in flight at once (setWebhook's
``max_connections``, 40 by default), but one chat's updates go one at a time and in order: the
next waits until the previous one is answered, given up on, or past its retry's wait. A
failure (no connection, a timeout, not 2xx) is retried after ``webhook_backoff`` (doubling,
at most 1 s), up to ``webhook_max_attempts`` POSTs in all.

With ``backends`` set (base URLs such as ``http://127.0.0.1:8001``), the fake also plays the
load balancer in front of several bot processes that all set the same public webhook URL:
each POST goes to the public URL's path on the next backend in turn, a retry to another
backend than the one that failed, and a backend that could not be reached is passed over for
``backend_cooldown`` seconds (like nginx's ``fail_timeout``) unless every one is.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import aiohttp

from tests.fakes.telegram.pending import Entry, Pending
from tests.fakes.telegram.wire import JsonDict, canonical, decode


class Webhook:
    """Delivers the pending updates to the webhook (or its backends), and times each."""

    calls: list[JsonDict]
    webhook_url: str | None
    webhook_secret: str | None
    _closing: bool
    _pending: Pending
    _wakeup: asyncio.Event
    _call: Callable[[str, JsonDict], Awaitable[tuple[int, JsonDict]]]  # from the server

    def _setup_webhook(self) -> None:
        self.webhook_max_attempts = 5
        self.webhook_timeout = 5.0
        self.webhook_backoff = 0.05  # first retry delay; doubles, capped at 1 s
        self.webhook_max_connections = 40
        self.backends: list[str] = []  # empty: POST to webhook_url itself
        self.backend_cooldown = 1.0
        # Every POST: {"update_id", "status" (0: no answer), "attempt", "url", "at", "done"}.
        self.webhook_deliveries: list[JsonDict] = []
        # By update_id: {"queued", "first_post", "answered" (the 2xx's arrival, None before),
        # "attempts", "backend", "given_up"}; monotonic seconds.
        self.webhook_timings: dict[int, JsonDict] = {}
        self._client: aiohttp.ClientSession | None = None
        self._sender: asyncio.Task[None] | None = None
        self._posts: set[asyncio.Task[None]] = set()
        self._in_flight = 0
        self._next_backend = 0
        self._down_until: dict[str, float] = {}
        self._last_webhook_error: tuple[int, str] | None = None

    # ------------------------------------------------------------------ measuring

    def webhook_latencies(self) -> list[float]:
        """Seconds from each answered update's first POST to its 2xx answer, oldest first."""
        return [
            t["answered"] - t["first_post"]
            for t in self.webhook_timings.values()
            if t["answered"] is not None
        ]

    def webhook_stats(self) -> JsonDict:
        """Throughput (answered updates a second, first POST to last answer) and latency."""
        answered = [t for t in self.webhook_timings.values() if t["answered"] is not None]
        latencies = sorted(t["answered"] - t["first_post"] for t in answered)
        span = 0.0
        if answered:
            span = max(t["answered"] for t in answered) - min(t["first_post"] for t in answered)
        return {
            "answered": len(answered),
            "given_up": sum(t["given_up"] for t in self.webhook_timings.values()),
            "pending": len(self._pending),
            "seconds": span,
            "per_second": len(answered) / span if span > 0 else 0.0,
            "p50": _percentile(latencies, 50),
            "p95": _percentile(latencies, 95),
            "max": latencies[-1] if latencies else 0.0,
        }

    # ------------------------------------------------------------------ the sender

    def _start_sender(self) -> None:
        if self._sender is None or self._sender.done():
            self._sender = asyncio.create_task(self._send_webhooks())

    async def _stop_sender(self) -> None:
        tasks = [t for t in (self._sender, *self._posts) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._sender = None
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def _send_webhooks(self) -> None:
        """Start a POST whenever a connection is free and a chat has an update ready."""
        if self._client is None:
            self._client = aiohttp.ClientSession()
        while not self._closing and self.webhook_url:
            entry = None
            if self._in_flight < self.webhook_max_connections:
                entry = self._pending.take()
            if entry is None:
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            self._in_flight += 1
            task = asyncio.create_task(self._deliver(entry, self.webhook_url))
            self._posts.add(task)
            task.add_done_callback(self._posts.discard)

    async def _deliver(self, entry: Entry, url: str) -> None:
        """One POST; after a failure the chat waits out the backoff (its connection is free)."""
        try:
            if not await self._attempt(entry, url):
                await asyncio.sleep(min(self.webhook_backoff * 2 ** (entry.attempts - 1), 1.0))
        finally:
            self._pending.release(entry.chat)
            self._wakeup.set()

    async def _attempt(self, entry: Entry, url: str) -> bool:
        """POST the entry; True when it is over (answered with a 2xx, or given up on)."""
        entry.attempts += 1
        try:
            target = self._target(entry, url)
            timing = self._timing(entry)
            status, answered = await self._post(target, entry)
        finally:
            self._in_flight -= 1
            self._wakeup.set()
        delivered = 200 <= status < 300
        if delivered:
            timing["answered"] = answered
        if delivered or entry.attempts >= self.webhook_max_attempts:
            self._pending.remove(entry)
            timing["given_up"] = not delivered
            return True
        return False

    def _timing(self, entry: Entry) -> JsonDict:
        timing = self.webhook_timings.get(entry.update_id)
        if timing is None:
            timing = {"queued": entry.queued, "first_post": time.monotonic(), "answered": None}
            timing.update(attempts=0, given_up=False)
            self.webhook_timings[entry.update_id] = timing
        timing["attempts"] += 1
        timing["backend"] = entry.backend
        return timing

    # ------------------------------------------------------------------ the balancer

    def _target(self, entry: Entry, url: str) -> str:
        """The URL of this POST: the webhook's, or its path on the backend chosen."""
        if not self.backends:
            return url
        entry.backend = self._pick_backend(entry.backend)
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return entry.backend.rstrip("/") + path

    def _pick_backend(self, failed: str | None) -> str:
        """The next backend in turn that is up, other than the one that just failed."""
        backends = list(self.backends)
        now = time.monotonic()
        up = {b for b in backends if self._down_until.get(b, 0.0) <= now} or set(backends)
        if failed in up and len(up) > 1:
            up.discard(failed)
        for step in range(len(backends)):
            index = (self._next_backend + step) % len(backends)
            if backends[index] in up:
                self._next_backend = index + 1
                return backends[index]
        raise AssertionError("unreachable: some backend is always a candidate")

    def _mark_down(self, backend: str | None) -> None:
        if backend is not None and self.backend_cooldown > 0:
            self._down_until[backend] = time.monotonic() + self.backend_cooldown

    # ------------------------------------------------------------------ one POST

    async def _post(self, url: str, entry: Entry) -> tuple[int, float]:
        """The answer's status (0 for none) and when it came."""
        assert self._client is not None
        at = time.monotonic()
        try:
            async with self._client.post(
                url,
                data=json.dumps(entry.update, ensure_ascii=False).encode(),
                headers=self._webhook_headers(),
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as response:
                status, done = response.status, time.monotonic()
                await self._take_answer(response)
        except (aiohttp.ClientError, TimeoutError) as error:
            status, done = 0, time.monotonic()
            self._last_webhook_error = (int(time.time()), f"Connection failed: {error!r}")
            self._mark_down(entry.backend)
        self.webhook_deliveries.append(
            {"update_id": entry.update_id, "status": status, "attempt": entry.attempts}
            | {"url": url, "at": at, "done": done}
        )
        return status, done

    def _webhook_headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.webhook_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
        return headers

    async def _take_answer(self, response: aiohttp.ClientResponse) -> None:
        status = response.status
        if 200 <= status < 300:
            with contextlib.suppress(ValueError):  # a body that is no call is ignored
                await self._webhook_reply(response)
            return
        reason = response.reason or ""
        self._last_webhook_error = (
            int(time.time()),
            f"Wrong response from the webhook: {status} {reason}",
        )

    async def _webhook_reply(self, response: aiohttp.ClientResponse) -> None:
        """Execute a method call returned in the webhook answer's body, like Telegram."""
        params = await _reply_params(response)
        method = params.pop("method", None)
        if isinstance(method, str) and method:
            method = canonical(method)
            call: JsonDict = {"method": method, "params": params, "at": time.monotonic()}
            call.update(status=None, via="webhook")
            self.calls.append(call)
            call["status"], _ = await self._call(method, params)


async def _reply_params(response: aiohttp.ClientResponse) -> JsonDict:
    """The parameters of the webhook answer's body (JSON or multipart; {} otherwise)."""
    params: JsonDict = {}
    if response.content_type == "application/json":
        body = await response.json(content_type=None)
        if isinstance(body, dict):
            params = body
    elif response.content_type.startswith("multipart/"):
        reader = aiohttp.MultipartReader.from_response(response)
        while (part := await reader.next()) is not None:
            if isinstance(part, aiohttp.BodyPartReader) and part.name:
                params[part.name] = decode(part.name, await part.text())
    else:
        await response.read()
    return params


def _percentile(ordered: list[float], percent: float) -> float:
    """The nearest-rank percentile of sorted values (0.0 for none)."""
    if not ordered:
        return 0.0
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]
