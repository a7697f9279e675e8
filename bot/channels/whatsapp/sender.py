"""Messages out: the outbox's messages sent to WhatsApp, its errors turned into the
dispatcher's decisions (retry later, retry, give up, hold for the window, stop).

Inside the 24-hour window a message goes as itself, rendered within Meta's limits; outside
it, its template goes and the message is held until the person writes again. An access
token Meta no longer takes stops the channel's sends (nothing is lost: they wait) and tells
staff once, instead of failing every message in turn.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, NoReturn, Protocol

import httpx

from bot.channels.whatsapp.api import CloudApi, GraphError
from bot.channels.whatsapp.errors import Stop, on_send
from bot.channels.whatsapp.render import render
from bot.channels.whatsapp.templates import Templates
from handlers.types import Translate
from scheduler.dispatcher import SENT_PARTS, Held, RetryLater, Transient

log = logging.getLogger(__name__)

# In a body: a template already stood in for it once.
INVITED = "invited"
# While the token is refused, one send is tried this often to see whether it works again.
HALT_PROBE = 300.0


class Window(Protocol):
    async def is_open(self, chat_id: str) -> bool: ...


class WhatsAppSender:
    def __init__(
        self,
        api: CloudApi,
        window: Window,
        templates: Templates,
        tr: Translate,
        *,
        on_halt: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self.api, self.window, self.templates = api, window, templates
        self.labels = {
            "more_label": tr("wa-more"),
            "fallback_label": tr("wa-choose"),
            "contact_hint": tr("wa-contact-hint"),
        }
        self.on_halt = on_halt
        # Told whether sends work (True) or have stopped (False): the health report's.
        self.on_state: Callable[[bool], None] | None = None
        self._halted_until = 0.0
        self._alerted = False

    async def send(self, chat_id: str, body: dict[str, Any]) -> str | None:
        self._check_halted()
        if not await self.window.is_open(chat_id):
            await self._instead(chat_id, body)
        return await self._free_form(chat_id, body)

    async def _free_form(self, chat_id: str, body: dict[str, Any]) -> str | None:
        payloads = render(chat_id, body, **self.labels)
        done = int(body.get(SENT_PARTS) or 0)
        wamid = None
        for i in range(done, len(payloads)):
            try:
                wamid = await self._post(payloads[i])
            except RetryLater as exc:
                raise RetryLater(exc.retry_after, i, whole_channel=exc.whole_channel) from exc
            except _WindowClosed:
                await self._instead(chat_id, {**body, SENT_PARTS: i})
        return wamid

    async def _instead(self, chat_id: str, body: dict[str, Any]) -> NoReturn:
        """Outside the window: the template goes, the message waits (raises Held)."""
        try:
            wamid = await self._post(self.templates.instead_of(chat_id, body))
        except _WindowClosed as exc:  # Meta never says so of a template; not worth a loop
            raise Transient("a template was refused as outside the window") from exc
        # The template's id: a template Meta can't deliver (131026) fails the held row.
        raise Held({**body, INVITED: True}, external_id=wamid)

    async def _post(self, payload: dict[str, Any]) -> str:
        try:
            wamid = await self.api.send(payload)
        except GraphError as exc:
            raise await self._decision(exc) from exc
        except httpx.HTTPError as exc:
            raise Transient(f"{type(exc).__name__}: {exc}") from exc
        self._up()
        return wamid

    async def _decision(self, exc: GraphError) -> Exception:
        decision = on_send(exc.status, exc.code, exc.message)
        if decision is Stop.WINDOW:
            return _WindowClosed()
        if decision is Stop.AUTH:
            return await self._halt(exc)
        assert isinstance(decision, Exception)
        return decision

    async def _halt(self, exc: GraphError) -> RetryLater:
        self._halted_until = asyncio.get_running_loop().time() + HALT_PROBE
        log.error("whatsapp: the access token was refused (%s); sends stopped", exc.code)
        if self.on_state is not None:
            self.on_state(False)
        if not self._alerted and self.on_halt is not None:
            self._alerted = True
            await self.on_halt(f"{exc.code}: {exc.message}")
        return RetryLater(HALT_PROBE, whole_channel=True)

    def _check_halted(self) -> None:
        left = self._halted_until - asyncio.get_running_loop().time()
        if left > 0:
            raise RetryLater(left, whole_channel=True)

    def _up(self) -> None:
        if self._alerted:
            log.warning("whatsapp: sends work again")
        self._alerted = False
        if self.on_state is not None:
            self.on_state(True)


class _WindowClosed(Exception):
    """Meta refused a free-form message as outside the 24-hour window (131047)."""
