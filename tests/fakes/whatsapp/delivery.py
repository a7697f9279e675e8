"""Meta's side of the webhook: posting payloads (signed, retried, duplicated) and the
delivery statuses that follow each accepted send."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable

import aiohttp

from tests.fakes.whatsapp.builders import DEFAULT_NAME, Builders
from tests.fakes.whatsapp.records import SentMessage, WebhookPost
from tests.fakes.whatsapp.wire import JsonDict, signature, webhook_body


class Delivery(Builders):
    """``deliver``, the ``user_*`` helpers (build + deliver), ``auto_statuses`` and ``flush``."""

    app_secret: str
    clock: Callable[[], float]
    open_window: Callable[[str], None]  # from Faults

    def _setup_delivery(self) -> None:
        self.webhook_url: str | None = None
        self.webhook_timeout = 5.0
        self.webhook_backoff = 0.05  # first retry delay; doubles, capped at 1 s
        self.webhooks: list[WebhookPost] = []  # every POST attempt, statuses included
        # Statuses posted after each accepted send, e.g. ["sent", "delivered", "read"].
        self.auto_statuses: list[str] = []
        self.shuffle_statuses = False  # post them in another order than given
        self.skip_delivered = False  # leave "delivered" out, as Meta sometimes does
        self.duplicate_statuses = False  # post each twice
        self.status_delay = 0.02  # seconds after the answer to the send
        self.status_retries = 0  # retries of a status webhook answered non-2xx
        self._rng = random.Random(14)
        self._client: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def deliver(
        self,
        payload: JsonDict,
        *,
        sign: bool = True,
        secret: str | None = None,
        times: int = 1,
        retries: int = 0,
    ) -> list[int]:
        """POST ``payload`` to ``webhook_url`` ``times`` times (Meta's duplicates), each
        retried up to ``retries`` times on a non-2xx answer; the status of every attempt
        (0: no connection). ``sign=False`` leaves the signature out, ``secret`` signs with
        another secret than ``app_secret``. Opens the window of each user writing in it."""
        for wa_id in _senders(payload):
            self.open_window(wa_id)
        body = webhook_body(payload)
        header = signature(body, secret or self.app_secret) if sign else None
        statuses: list[int] = []
        for _ in range(times):
            statuses += await self._post_retried(payload, body, header, retries)
        return statuses

    async def user_says(self, wa_id: str, text: str, name: str = DEFAULT_NAME) -> str:
        """The user writes ``text``; the message's wamid."""
        return await self.user_sends(self.text_message(wa_id, text, name))

    async def user_presses(self, wa_id: str, id: str, title: str) -> str:
        """The user presses a reply button."""
        return await self.user_sends(self.button_reply(wa_id, id, title))

    async def user_picks(
        self, wa_id: str, id: str, title: str, description: str | None = None
    ) -> str:
        """The user picks a row of a list message."""
        return await self.user_sends(self.list_reply(wa_id, id, title, description))

    async def user_taps(self, wa_id: str, payload: str, text: str) -> str:
        """The user taps a template's quick-reply button."""
        return await self.user_sends(self.template_button(wa_id, payload, text))

    async def user_sends(self, payload: JsonDict) -> str:
        """Deliver a built message payload; its wamid."""
        await self.deliver(payload)
        return str(payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"])

    async def flush(self) -> None:
        """Wait until every status webhook due so far has been posted."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _stop_delivery(self) -> None:
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._client is not None:
            await self._client.close()
            self._client = None

    def _after_send(self, record: SentMessage) -> None:
        """Schedule the status webhooks Meta would post for an accepted send."""
        if record.error is not None:
            statuses = [self.status(record.wamid, "failed", record.to, record.error)]
        else:
            statuses = [self.status(record.wamid, s, record.to) for s in self._status_order()]
        if statuses and self.webhook_url:
            task = asyncio.create_task(self._post_statuses(statuses))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _status_order(self) -> list[str]:
        order = [s for s in self.auto_statuses if not (self.skip_delivered and s == "delivered")]
        if self.shuffle_statuses and len(set(order)) > 1:
            shuffled = order[:]
            while shuffled == order:  # out of order for sure, not by luck
                self._rng.shuffle(shuffled)
            order = shuffled
        return [s for s in order for _ in range(2 if self.duplicate_statuses else 1)]

    async def _post_statuses(self, payloads: list[JsonDict]) -> None:
        await asyncio.sleep(self.status_delay)
        for payload in payloads:
            body = webhook_body(payload)
            header = signature(body, self.app_secret)
            await self._post_retried(payload, body, header, self.status_retries)

    async def _post_retried(
        self, payload: JsonDict, body: bytes, header: str | None, retries: int
    ) -> list[int]:
        statuses: list[int] = []
        for attempt in range(1, retries + 2):
            statuses.append(await self._post(payload, body, header, attempt))
            if 200 <= statuses[-1] < 300:
                break
            if attempt <= retries:
                await asyncio.sleep(min(self.webhook_backoff * 2 ** (attempt - 1), 1.0))
        return statuses

    async def _post(self, payload: JsonDict, body: bytes, header: str | None, attempt: int) -> int:
        if not self.webhook_url:
            raise RuntimeError("set webhook_url before delivering")
        if self._client is None:
            self._client = aiohttp.ClientSession()
        headers = {"Content-Type": "application/json", "User-Agent": "facebookexternalua"}
        if header is not None:
            headers["X-Hub-Signature-256"] = header
        at = self.clock()
        timeout = aiohttp.ClientTimeout(total=self.webhook_timeout)
        try:
            async with self._client.post(
                self.webhook_url, data=body, headers=headers, timeout=timeout
            ) as response:
                status = response.status
                await response.read()
        except (aiohttp.ClientError, TimeoutError):
            status = 0
        self.webhooks.append(WebhookPost(payload, body, header, status, attempt, at))
        return status


def _senders(payload: JsonDict) -> list[str]:
    """The users whose messages a payload carries."""
    values = [c.get("value", {}) for e in payload.get("entry", []) for c in e.get("changes", [])]
    return [m["from"] for v in values for m in v.get("messages", []) if "from" in m]
