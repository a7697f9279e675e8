"""Meta's throughput limits: messages per second per number, and per-recipient pacing."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from tests.fakes.whatsapp.wire import ApiError


class Limits:
    """Over ``per_second`` sends in any second answers 130429 (HTTP 429); with
    ``pair_interval`` > 0, two sends to one user closer than it answer 131056."""

    def _setup_limits(self) -> None:
        self.per_second = 80  # Cloud API's default throughput
        self.pair_interval = 0.0  # seconds; 0 = not enforced
        self.rate_limited = 0  # sends refused with 130429
        self.pair_limited = 0  # sends refused with 131056
        # The clock of limits and records; a test may replace it to step time by hand.
        self.clock: Callable[[], float] = time.monotonic
        self._recent: deque[float] = deque()  # accepted sends within the last second
        self._accepted_at: list[float] = []
        self._last_to: dict[str, float] = {}

    def max_in_any_second(self) -> int:
        """The most sends the fake accepted within any one second."""
        best, start = 0, 0
        times = sorted(self._accepted_at)
        for end, at in enumerate(times):
            while at - times[start] >= 1.0:
                start += 1
            best = max(best, end - start + 1)
        return best

    def _check_limits(self, to: str) -> float:
        """The send's time, if no limit refuses it (ApiError otherwise)."""
        now = self.clock()
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.per_second:
            self.rate_limited += 1
            raise ApiError(130429)
        last = self._last_to.get(to)
        if self.pair_interval > 0 and last is not None and now - last < self.pair_interval:
            self.pair_limited += 1
            raise ApiError(131056)
        return now

    def _count_send(self, to: str, at: float) -> None:
        self._recent.append(at)
        self._accepted_at.append(at)
        self._last_to[to] = at
