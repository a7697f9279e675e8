"""Updates in by long polling: the offset moves only past updates the engine has stored.

Polling confirms an update to Telegram only by asking for the next ones with a higher
offset, and this loop asks only after the engine has stored the update: a kill -9 at any
moment loses nothing Telegram considers delivered, and what it delivers again is handled
once (the update id is the inbound id).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import Update

from bot.channels.telegram.client import ALLOWED_UPDATES
from bot.channels.telegram.inbound import from_chat, staff_update, to_incoming
from handlers.staff_inbox import StaffInbox
from handlers.types import BatchEngine, Incoming

log = logging.getLogger(__name__)


class TelegramPoller:
    """Long polling that moves the offset only past updates the engine has stored."""

    def __init__(
        self,
        bot: Bot,
        engine: BatchEngine,
        *,
        timeout: int = 25,
        staff: StaffInbox | None = None,
        staff_chat_id: int | None = None,
        on_up: Callable[[], None] = lambda: None,
        on_down: Callable[[], None] = lambda: None,
    ) -> None:
        self.bot = bot
        self.engine = engine
        self.timeout = timeout
        self.staff = staff
        self.staff_chat_id = staff_chat_id
        # What /healthz reports: whether the Bot API answers our long polls.
        self.on_up = on_up
        self.on_down = on_down
        self.offset: int | None = None

    async def run(self, stop: asyncio.Event) -> None:
        self.offset = None
        failures = 0
        while not stop.is_set():
            try:
                await self._poll()
                failures = 0
            except TelegramRetryAfter as exc:
                await _sleep_unless(stop, exc.retry_after)
            except (TelegramNetworkError, TelegramServerError) as exc:
                failures += 1
                self.on_down()
                log.warning("getUpdates failed (%s); retrying", type(exc).__name__)
                await _sleep_unless(stop, backoff(failures))
            except Exception:
                # The engine could not store an update (the database is down, say): the
                # offset stays, so Telegram delivers it again once we can take it.
                failures += 1
                log.exception("handling an update failed; it will be delivered again")
                await _sleep_unless(stop, backoff(failures))

    async def _poll(self) -> None:
        updates = await self.bot.get_updates(
            offset=self.offset, timeout=self.timeout, allowed_updates=ALLOWED_UPDATES
        )
        self.on_up()
        if not updates:
            return
        await self._store(updates)
        self.offset = updates[-1].update_id + 1
        # Stop the buttons' spinners; the answers themselves come as messages.
        await asyncio.gather(*(self._ack(u.callback_query.id) for u in updates if u.callback_query))

    async def _store(self, updates: list[Update]) -> None:
        """The batch, in order: beneficiaries' updates together in one transaction (group
        commit), each update from the staff group on its own."""
        pending: list[Incoming] = []
        for update in updates:
            if (
                self.staff is not None
                and self.staff_chat_id is not None
                and from_chat(update, self.staff_chat_id)
            ):
                await self.engine.handle_many(pending)
                pending = []
                await staff_update(self.staff, update, self.staff_chat_id)
                continue
            incoming = to_incoming(update)
            if incoming is not None:
                pending.append(incoming)
        await self.engine.handle_many(pending)

    async def _ack(self, callback_id: str) -> None:
        try:
            await self.bot.answer_callback_query(callback_id)
        except TelegramAPIError:
            log.debug("answerCallbackQuery failed", exc_info=True)


def backoff(failures: int) -> float:
    # The exponent stops growing at the cap: 2**1030 no longer fits a float, and an outage
    # of a few hours would otherwise have ended polling with an OverflowError.
    return min(30.0, 0.5 * 2.0 ** min(failures, 6))


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
