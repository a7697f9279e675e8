"""How updates reach the bot: long polling (getUpdates) or webhook POSTs with retries."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Awaitable, Callable

import aiohttp

from tests.fakes.telegram.wire import ApiError, JsonDict, as_int, bad, canonical, decode

_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_SUPERSEDED = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


class Delivery:
    """getUpdates, setWebhook/deleteWebhook/getWebhookInfo, and the webhook sender."""

    calls: list[JsonDict]
    _pending: list[JsonDict]
    _wakeup: asyncio.Event
    _call: Callable[[str, JsonDict], Awaitable[tuple[int, JsonDict]]]  # from the server

    def _setup_delivery(self) -> None:
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.webhook_max_attempts = 5
        self.webhook_timeout = 5.0
        self.webhook_backoff = 0.05  # first retry delay; doubles, capped at 1 s
        self.webhook_deliveries: list[JsonDict] = []  # {"update_id", "status", "attempt", "at"}
        self._poll_generation = 0
        self._closing = False
        self._client: aiohttp.ClientSession | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._last_webhook_error: tuple[int, str] | None = None

    async def _stop_delivery(self) -> None:
        """Answer pending long polls and stop webhook delivery."""
        self._closing = True
        self._wakeup.set()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        if self._client is not None:
            await self._client.close()
            self._client = None

    # ------------------------------------------------------------------ polling

    async def _get_updates(self, params: JsonDict) -> list[JsonDict]:
        if self.webhook_url:
            raise ApiError(409, _WEBHOOK_ACTIVE)
        self._poll_generation += 1
        generation = self._poll_generation
        self._wakeup.set()  # lets an older long poll notice it was superseded
        offset = as_int(params.get("offset"), "offset", required=False)
        limit = min(max(as_int(params.get("limit"), "limit", required=False) or 100, 1), 100)
        timeout = max(as_int(params.get("timeout"), "timeout", required=False) or 0, 0)
        self._confirm(offset)
        return await self._long_poll(limit, time.monotonic() + timeout, generation)

    async def _long_poll(self, limit: int, deadline: float, generation: int) -> list[JsonDict]:
        """Wait until updates are pending, the deadline passes or a newer poll supersedes."""
        while True:
            ready = self._pending[:limit]
            if ready or self._closing:
                for entry in ready:
                    entry["returned"] = True
                return [entry["update"] for entry in ready]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            self._wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), remaining)
            if self._poll_generation != generation:
                raise ApiError(409, _SUPERSEDED)

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            regular = [e for e in self._pending if not e["dup"]]
            keep = {id(e) for e in regular[offset:]}
            self._pending = [e for e in self._pending if e["dup"] or id(e) in keep]
            return
        self._pending = [
            e
            for e in self._pending
            if e["update"]["update_id"] >= offset or (e["dup"] and not e["returned"])
        ]

    # ------------------------------------------------------------------ webhook methods

    async def _set_webhook(self, params: JsonDict) -> bool:
        url = params.get("url") or ""
        if not url:
            return await self._delete_webhook(params)
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_RE.match(str(secret)):
            raise bad("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self.webhook_url = str(url)
        self.webhook_secret = str(secret) if secret else None
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(self._deliver_webhooks())
        self._wakeup.set()
        return True

    async def _delete_webhook(self, params: JsonDict) -> bool:
        self.webhook_url = None
        self.webhook_secret = None
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self._wakeup.set()
        return True

    async def _get_webhook_info(self, params: JsonDict) -> JsonDict:
        info: JsonDict = {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.webhook_url:
            info["max_connections"] = 40
        if self._last_webhook_error is not None:
            info["last_error_date"], info["last_error_message"] = self._last_webhook_error
        return info

    # ------------------------------------------------------------------ webhook sender

    async def _deliver_webhooks(self) -> None:
        if self._client is None:
            self._client = aiohttp.ClientSession()
        attempts: dict[int, int] = {}
        while not self._closing and self.webhook_url:
            if not self._pending:
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            entry = self._pending[0]
            update_id = entry["update"]["update_id"]
            attempt = attempts.get(update_id, 0) + 1
            status = await self._post_update(entry["update"], attempt)
            # Delivered, or given up on (Telegram drops an update eventually).
            if 200 <= status < 300 or attempt >= self.webhook_max_attempts:
                self._pending = [e for e in self._pending if e is not entry]
                attempts.pop(update_id, None)
                continue
            attempts[update_id] = attempt
            await asyncio.sleep(min(self.webhook_backoff * 2 ** (attempt - 1), 1.0))

    async def _post_update(self, update: JsonDict, attempt: int) -> int:
        assert self._client is not None and self.webhook_url
        at = time.monotonic()
        try:
            async with self._client.post(
                self.webhook_url,
                data=json.dumps(update, ensure_ascii=False).encode(),
                headers=self._webhook_headers(),
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as response:
                status = response.status
                await self._take_answer(response)
        except (aiohttp.ClientError, TimeoutError) as error:
            status = 0
            self._last_webhook_error = (int(time.time()), f"Connection failed: {error!r}")
        self.webhook_deliveries.append(
            {"update_id": update["update_id"], "status": status, "attempt": attempt, "at": at}
        )
        return status

    def _webhook_headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.webhook_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
        return headers

    async def _take_answer(self, response: aiohttp.ClientResponse) -> None:
        status = response.status
        if 200 <= status < 300:
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
