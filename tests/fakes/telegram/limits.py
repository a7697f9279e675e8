"""Telegram's flood limits: 1 message/s per private chat, 20/min per group, 30/s overall.

A send with ``allow_paid_broadcast`` (Bot API 7.11: up to 1,000 messages a second for a fee)
counts against ``paid_per_second`` instead of the 30/s; the per-chat limits hold either way.
Every send the limits let through is logged, so that a test can measure the densest second
(``max_in_window``) whether or not the limits are enforced.
"""

from __future__ import annotations

import math
import time
from collections import Counter, deque

from tests.fakes.telegram.wire import ApiError, JsonDict


class Limits:
    """Counts every send; with ``enforce_limits`` on, one over a limit answers 429."""

    def _setup_limits(self) -> None:
        self.enforce_limits = False
        self.limit_violations = 0  # the 429s the limits answered
        self.limit_refusals: Counter[str] = Counter()  # those by limit: chat/group/overall/paid
        self.limit_tolerance = 0.01  # seconds of clock slack granted to a well-paced sender
        self.overall_per_second = 30  # Telegram's bot-wide limit; raised for fast tests
        self.paid_per_second = 1000  # the bot-wide limit of paid broadcasts
        self.send_log: list[tuple[float, int, bool]] = []  # (monotonic, chat_id, paid)
        self._chat_sends: dict[int, deque[float]] = {}
        self._all_sends: deque[float] = deque()
        self._paid_sends: deque[float] = deque()

    def max_in_window(
        self, window: float = 1.0, *, paid: bool | None = None, chat_id: int | None = None
    ) -> int:
        """The most sends in any ``window`` seconds (the last less than ``window`` after the
        first): all of them, or only paid (``paid=True``) or unpaid ones, or one chat's."""
        times = [
            at
            for at, chat, was_paid in self.send_log
            if (paid is None or was_paid == paid) and (chat_id is None or chat == chat_id)
        ]
        most, first = 0, 0
        for last, at in enumerate(times):
            while at - times[first] >= window:
                first += 1
            most = max(most, last - first + 1)
        return most

    def _check_limits(self, chat_id: int, paid: bool) -> None:
        now = time.monotonic()
        sends = self._chat_sends.setdefault(chat_id, deque())
        window, allowed = (60.0, 20) if chat_id < 0 else (1.0, 1)
        window -= self.limit_tolerance
        overall = self._paid_sends if paid else self._all_sends
        _forget_before(sends, now, window)
        _forget_before(overall, now, 1.0 - self.limit_tolerance)
        if self.enforce_limits:
            per_second = self.paid_per_second if paid else self.overall_per_second
            self._refuse_early(now, (sends, window, allowed), (overall, per_second), chat_id, paid)
        sends.append(now)
        overall.append(now)
        self.send_log.append((now, chat_id, paid))

    def _refuse_early(
        self,
        now: float,
        chat: tuple[deque[float], float, int],
        overall: tuple[deque[float], int],
        chat_id: int,
        paid: bool,
    ) -> None:
        """429 with Telegram's retry_after when this send comes before the limits allow."""
        sends, window, allowed = chat
        wait, limit = 0.0, ""
        if len(sends) >= allowed:
            wait, limit = sends[0] + window - now, "group" if chat_id < 0 else "chat"
        bot_sends, per_second = overall
        if len(bot_sends) >= per_second:
            bot_wait = bot_sends[0] + 1.0 - self.limit_tolerance - now
            if bot_wait > wait:
                wait, limit = bot_wait, "paid" if paid else "overall"
        if wait > 0:
            self.limit_violations += 1
            self.limit_refusals[limit] += 1
            retry_after = max(1, math.ceil(wait))
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


def is_paid(params: JsonDict) -> bool:
    """Whether a send asks for paid broadcasting (JSON true, or "true" in a form)."""
    value = params.get("allow_paid_broadcast")
    return value is True or str(value).lower() == "true"


def _forget_before(sends: deque[float], now: float, window: float) -> None:
    while sends and now - sends[0] >= window:
        sends.popleft()
