"""The failures a test injects: errors for the next sends, and closed 24-hour windows."""

from __future__ import annotations

from dataclasses import dataclass

from tests.fakes.whatsapp.wire import ApiError
from tests.fakes.whatsapp.wire import http_status as status_for


@dataclass
class _Fault:
    code: int
    http_status: int
    times: int
    to: str | None
    details: str | None


class Faults:
    """``fail_next`` and ``close_window``/``open_window``, and the checks that make them bite."""

    def _setup_faults(self) -> None:
        self._faults: list[_Fault] = []
        self._closed: set[str] = set()
        self._opened: set[str] = set()
        # With require_window on, a user who never wrote has a closed window, as on Meta;
        # off by default so that a test can send to anyone.
        self.require_window = False

    def fail_next(
        self,
        code: int,
        *,
        http_status: int | None = None,
        times: int = 1,
        to: str | None = None,
        details: str | None = None,
    ) -> None:
        """The next ``times`` sends (to ``to`` if given) answer Meta's error ``code``.

        The HTTP status defaults to Meta's: 429 for 130429, 401 for 190, 500 for 1, 503 for 2,
        400 for the others (131056, 131026, 131051, 131048, 131049 …). The fault answers
        before the body is checked; read receipts are not affected.
        """
        status = http_status if http_status is not None else status_for(code)
        self._faults.append(_Fault(code, status, times, to, details))

    def close_window(self, wa_id: str) -> None:
        """The user's 24-hour window is over: a free-form message is accepted, then fails
        by webhook with 131047; a template still goes through."""
        self._closed.add(wa_id)
        self._opened.discard(wa_id)

    def open_window(self, wa_id: str) -> None:
        """The user wrote within 24 hours (also done by delivering a message from them)."""
        self._closed.discard(wa_id)
        self._opened.add(wa_id)

    def window_open(self, wa_id: str) -> bool:
        if wa_id in self._closed:
            return False
        return wa_id in self._opened or not self.require_window

    def _inject_fault(self, to: str | None) -> None:
        for fault in self._faults:
            if fault.to is not None and fault.to != to:
                continue
            fault.times -= 1
            if fault.times <= 0:
                self._faults.remove(fault)
            raise ApiError(fault.code, fault.details, status=fault.http_status)
