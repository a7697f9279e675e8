"""How updates reach the bot: long polling (getUpdates), and the webhook's methods.

The webhook's sender (the POSTs, their retries, a load balancer's backends) is in ``webhook``.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time

from tests.fakes.telegram.pending import Pending
from tests.fakes.telegram.webhook import Webhook
from tests.fakes.telegram.wire import ApiError, JsonDict, as_int, bad

_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_SUPERSEDED = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


class Delivery(Webhook):
    """getUpdates, setWebhook/deleteWebhook/getWebhookInfo (and, inherited, the sender)."""

    _pending: Pending
    _wakeup: asyncio.Event

    def _setup_delivery(self) -> None:
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self._poll_generation = 0
        self._closing = False
        self._setup_webhook()

    async def _stop_delivery(self) -> None:
        """Answer pending long polls and stop webhook delivery."""
        self._closing = True
        self._wakeup.set()
        await self._stop_sender()

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
            ready = self._pending.first(limit)
            if ready or self._closing:
                for entry in ready:
                    entry.returned = True
                return [entry.update for entry in ready]
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
        if offset < 0:  # all but the last -offset regular ones (duplicates stay)
            regular = [e for e in self._pending if not e.dup]
            confirmed = regular[:offset]
        else:
            confirmed = [
                e for e in self._pending if e.update_id < offset and not (e.dup and not e.returned)
            ]
        for entry in confirmed:
            self._pending.remove(entry)

    # ------------------------------------------------------------------ webhook methods

    async def _set_webhook(self, params: JsonDict) -> bool:
        url = params.get("url") or ""
        if not url:
            return await self._delete_webhook(params)
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_RE.match(str(secret)):
            raise bad("secret token contains unallowed characters")
        connections = as_int(params.get("max_connections"), "max_connections", required=False)
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self.webhook_url = str(url)
        self.webhook_secret = str(secret) if secret else None
        # Without the parameter the test's setting stands (Telegram would reset it to 40).
        if connections is not None:
            self.webhook_max_connections = min(max(connections, 1), 100)
        self._start_sender()
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
            info["max_connections"] = self.webhook_max_connections
        if self._last_webhook_error is not None:
            info["last_error_date"], info["last_error_message"] = self._last_webhook_error
        return info
