"""What `/healthz` and `/readyz` report: each channel's state, whether this process leads
the periodic jobs, and whether the database answers.

A channel starts beside the web app, never in its way (issue 12): its start-up runs in the
background and reports here, so the website stays up while Telegram is unreachable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

log = logging.getLogger(__name__)


class ChannelState(StrEnum):
    UP = "up"
    RETRYING = "retrying"
    OFF = "off"
    # The channel refused our credentials: its sends wait until someone fixes them.
    STOPPED = "stopped"


@dataclass
class Health:
    channels: dict[str, ChannelState] = field(default_factory=dict)
    # Set by the lifespan once the database is open; None until then (not ready).
    database: Callable[[], Awaitable[None]] | None = None
    # "leader" while this process runs the periodic jobs, "standby" while another does
    # (PostgreSQL); None before the scheduler starts. Either way the process is ready.
    scheduler: str | None = None

    def set(self, channel: str, state: ChannelState) -> None:
        self.channels[channel] = state

    def set_leading(self, leading: bool) -> None:
        self.scheduler = "leader" if leading else "standby"

    def report(self) -> dict[str, str]:
        report = {"status": "ok", **{name: str(s) for name, s in sorted(self.channels.items())}}
        if self.scheduler is not None:
            report["scheduler"] = self.scheduler
        return report

    async def ready(self) -> bool:
        if self.database is None:
            return False
        try:
            await asyncio.wait_for(self.database(), timeout=5)
        except Exception:  # any failure means "not ready": the load balancer asks again
            log.warning("readiness check: the database does not answer")
            return False
        return True


async def retry_until_done(
    name: str,
    step: Callable[[], Awaitable[object]],
    stop: asyncio.Event,
    *,
    on_failure: Callable[[], None] = lambda: None,
    retry_after: Callable[[BaseException], float | None] = lambda _exc: None,
    first_delay: float = 0.5,
    max_delay: float = 60.0,
) -> bool:
    """Run `step` until it succeeds or `stop` is set, backing off between tries.

    `retry_after` may read a server's own wait (Telegram's 429) from the exception.
    Returns whether the step succeeded.
    """
    delay = first_delay
    while not stop.is_set():
        try:
            await step()
            return True
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            on_failure()
            wait = retry_after(exc) or delay
            log.warning("%s failed (%s); retrying in %.1f s", name, type(exc).__name__, wait)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=wait)
            delay = min(max_delay, delay * 2)
    return False
