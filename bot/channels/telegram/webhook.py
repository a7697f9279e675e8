"""Updates in by webhook: POST /telegram/webhook stores the update before the 200 goes back.

Telegram delivers again whatever did not get a 2xx, so a kill -9 before the answer loses
nothing, and a second delivery is recognised by its update id. A wrong or missing secret
token is refused with 403 and nothing is processed; a body over 1 MB with 413, unread. An
update that parses as JSON but can't be read or stored is recorded as rejected and
answered 200, so that it is not redelivered for hours.

The route reads the engine from `app.state.engine` and the bot, the staff inbox and the
rejects' record from `app.state.telegram` (a `WebhookServices`, set by the lifespan).
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Update
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from bot.channels.telegram.inbound import route_update
from bot.channels.web.body_limit import read_at_most
from handlers.staff_inbox import StaffInbox
from handlers.types import ChatEngine, Translate
from storage.db import UNAVAILABLE

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/telegram/webhook"
# Telegram's updates are a few kilobytes; anything near this is not one.
WEBHOOK_MAX_BYTES = 1024 * 1024

Reject = Callable[[str | None, str, int], Awaitable[None]]


@dataclass(frozen=True)
class WebhookServices:
    """What the lifespan opened for the webhook: `app.state.telegram`."""

    bot: Bot | None = None
    staff: StaffInbox | None = None
    reject: Reject | None = None


def webhook_router(secret: str, tr: Translate, staff_chat_id: int | None = None) -> APIRouter:
    """POST /telegram/webhook, checked against the secret token."""
    router = APIRouter()
    router.add_api_route(
        WEBHOOK_PATH, _Webhook(secret, tr, staff_chat_id).webhook, methods=["POST"]
    )
    return router


@dataclass(frozen=True)
class _Webhook:
    secret: str
    tr: Translate
    staff_chat_id: int | None

    async def webhook(self, request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            return self._refused(403, "tg-webhook-forbidden")
        body = await read_at_most(request, WEBHOOK_MAX_BYTES)
        if body is None:
            return self._refused(413, "tg-webhook-too-large")
        try:
            data = json.loads(body)
        except RecursionError:
            return await _rejected(request, None, "nested too deeply", len(body))
        except ValueError:
            return self._refused(400, "tg-webhook-bad-update")
        update_id = str(data.get("update_id")) if isinstance(data, dict) else None
        try:
            update = Update.model_validate(data)
        except (ValidationError, RecursionError) as exc:
            reason = f"not an update: {type(exc).__name__}"
            return await _rejected(request, update_id, reason, len(body))
        return await self._store(request, update, update_id, len(body))

    def _refused(self, status: int, message_id: str) -> Response:
        return JSONResponse({"error": self.tr(message_id)}, status_code=status)

    async def _store(
        self, request: Request, update: Update, update_id: str | None, size: int
    ) -> Response:
        engine: ChatEngine = request.app.state.engine
        services = _services(request)
        try:
            await route_update(update, engine, services.staff, self.staff_chat_id)
        except UNAVAILABLE:  # Telegram delivers it again; anything else is recorded, 200
            raise
        except Exception as exc:
            log.exception("telegram webhook: update %s could not be stored", update_id)
            return await _rejected(request, update_id, f"not stored: {type(exc).__name__}", size)
        if update.callback_query is not None and services.bot is not None:
            with contextlib.suppress(TelegramAPIError):
                await services.bot.answer_callback_query(update.callback_query.id)
        return Response(status_code=200)


def _services(request: Request) -> WebhookServices:
    found = getattr(request.app.state, "telegram", None)
    return found if isinstance(found, WebhookServices) else WebhookServices()


async def _rejected(request: Request, update_id: str | None, reason: str, size: int) -> Response:
    log.warning("telegram webhook: update %s rejected (%s)", update_id, reason)
    record = _services(request).reject
    if record is not None:
        await record(update_id, reason, size)
    return Response(status_code=200)
