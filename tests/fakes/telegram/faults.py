"""The failures a test injects: errors for the next calls, blocked chats, duplicate updates."""

from __future__ import annotations

import asyncio

from tests.fakes.telegram.pending import Pending
from tests.fakes.telegram.wire import ApiError, JsonDict, chat_key

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


class Faults:
    """``fail_next``, ``block`` and ``redeliver``, and the checks that make them bite."""

    _pending: Pending
    _history: dict[int, JsonDict]
    _wakeup: asyncio.Event

    def _setup_faults(self) -> None:
        self.blocked: set[int] = set()
        self._faults: list[JsonDict] = []

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str = "",
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
        after: int = 0,
    ) -> None:
        """The next ``times`` calls of ``method`` (for ``chat_id`` if given) fail with status,
        once ``after`` such calls have succeeded."""
        if status == 429 and retry_after is None:
            retry_after = 1
        self._faults.append(
            {
                "method": method.lower(),
                "status": status,
                "description": description or _default_description(status, retry_after),
                "retry_after": retry_after,
                "times": times,
                "chat_id": chat_id,
                "after": after,
            }
        )

    def block(self, chat_id: int) -> None:
        """From now on every send to the chat answers 403 (the user blocked the bot)."""
        self.blocked.add(chat_id)

    def redeliver(self, update_id: int) -> None:
        """Deliver an already queued update again, with the same update_id.

        In polling mode the duplicate is answered by the next getUpdates whatever its offset,
        and stays until a later getUpdates confirms it; in webhook mode it is POSTed again.
        """
        if update_id not in self._history:
            raise KeyError(f"no update {update_id}")
        self._pending.add(self._history[update_id], dup=True)
        self._wakeup.set()

    def _inject_fault(self, method: str, params: JsonDict) -> None:
        for fault in self._faults:
            if fault["method"] != method.lower():
                continue
            if fault["chat_id"] is not None and chat_key(params) != fault["chat_id"]:
                continue
            if fault["after"] > 0:
                fault["after"] -= 1
                return
            fault["times"] -= 1
            if fault["times"] <= 0:
                self._faults.remove(fault)
            raise ApiError(fault["status"], fault["description"], fault["retry_after"])

    def _check_blocked(self, chat_id: int) -> None:
        if chat_id in self.blocked:
            if chat_id < 0:
                raise ApiError(403, "Forbidden: bot was kicked from the group chat")
            raise ApiError(403, "Forbidden: bot was blocked by the user")


def _default_description(status: int, retry_after: int | None) -> str:
    if status == 429:
        return f"Too Many Requests: retry after {retry_after}"
    return _DEFAULT_DESCRIPTIONS.get(status, "Error")
