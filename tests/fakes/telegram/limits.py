"""Telegram's flood limits: 1 message/s per private chat, 20/min per group, 30/s overall."""

from __future__ import annotations

import math
import time
from collections import deque

from tests.fakes.telegram.wire import ApiError


class Limits:
    """Counts every send; with ``enforce_limits`` on, one over a limit answers 429."""

    def _setup_limits(self) -> None:
        self.enforce_limits = False
        self.limit_violations = 0
        self.limit_tolerance = 0.01  # seconds of clock slack granted to a well-paced sender
        self.overall_per_second = 30  # Telegram's bot-wide limit; raised for fast tests
        self._chat_sends: dict[int, deque[float]] = {}
        self._all_sends: deque[float] = deque()

    def _check_limits(self, chat_id: int) -> None:
        now = time.monotonic()
        sends = self._chat_sends.setdefault(chat_id, deque())
        window, allowed = (60.0, 20) if chat_id < 0 else (1.0, 1)
        window -= self.limit_tolerance
        _forget_before(sends, now, window)
        _forget_before(self._all_sends, now, 1.0 - self.limit_tolerance)
        if self.enforce_limits:
            self._refuse_early(now, sends, window, allowed)
        sends.append(now)
        self._all_sends.append(now)

    def _refuse_early(self, now: float, sends: deque[float], window: float, allowed: int) -> None:
        """429 with Telegram's retry_after when this send comes before the limits allow."""
        wait = 0.0
        if len(sends) >= allowed:
            wait = sends[0] + window - now
        if len(self._all_sends) >= self.overall_per_second:
            wait = max(wait, self._all_sends[0] + 1.0 - self.limit_tolerance - now)
        if wait > 0:
            self.limit_violations += 1
            retry_after = max(1, math.ceil(wait))
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


def _forget_before(sends: deque[float], now: float, window: float) -> None:
    while sends and now - sends[0] >= window:
        sends.popleft()
