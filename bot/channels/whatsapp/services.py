"""What the lifespan opens for the webhook: `app.state.whatsapp`.

Besides storing what came in, the webhook starts two things it doesn't wait for: the read
receipt with its typing indicator (while the engine works on the answer) and fetching the
media into the data directory. Both are best-effort and kept in a set until done, so none
is collected half-way; the lifespan cancels what is left at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.channels.whatsapp.api import CloudApi, GraphError
from bot.channels.whatsapp.errors import report
from bot.channels.whatsapp.files import WhatsAppFiles
from bot.channels.whatsapp.inbound import Status
from handlers import deliveries, pages
from handlers.clock import Clock
from handlers.types import BatchEngine, Incoming
from storage.db import Database
from storage.rejects import record_rejected

log = logging.getLogger(__name__)
CHANNEL = "whatsapp"


@dataclass
class WhatsAppServices:
    api: CloudApi
    db: Database
    clock: Clock
    files: WhatsAppFiles | None = None  # set when media are kept on arrival
    typing: bool = True
    wake: Callable[[], None] | None = None  # the outbox dispatcher's: a page was queued
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    async def reject(self, external_id: str | None, reason: str, size: int) -> None:
        log.warning("whatsapp webhook: rejected (%s)", reason)
        await record_rejected(self.db, CHANNEL, external_id, reason, size, self.clock.now())

    async def handle(self, engine: BatchEngine, messages: Sequence[Incoming]) -> None:
        """Each message to the engine, but a list's «more», which its next page answers."""
        said: list[Incoming] = []
        for incoming in messages:
            offset = pages.wanted_page(incoming)
            if offset is None:
                said.append(incoming)
            elif await pages.next_page(self.db, self.clock, incoming, offset) and self.wake:
                self.wake()
        # One transaction for a notification's messages, as for a polled Telegram batch.
        await engine.handle_many(said)

    async def record_statuses(self, statuses: Sequence[Status]) -> None:
        reports = [
            r
            for s in statuses
            if (r := report(s.wamid, s.status, s.at, s.error_code, s.error_title)) is not None
        ]
        await deliveries.record(self.db, CHANNEL, reports, self.clock)

    def mark_read(self, wamids: Sequence[str]) -> None:
        for wamid in wamids:
            self._spawn(self._quietly(self.api.mark_read(wamid, typing=self.typing)))

    def keep_media(self, messages: Sequence[Incoming]) -> None:
        if self.files is None:
            return
        for incoming in messages:
            if incoming.attachments:
                self._spawn(self.files.keep(incoming.attachments))

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _quietly(work: Coroutine[Any, Any, Any]) -> None:
        with contextlib.suppress(GraphError, httpx.HTTPError):
            await work
