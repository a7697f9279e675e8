"""Updates in by webhook: GET /whatsapp/webhook answers Meta's verification, POST takes
signed notifications and stores them before the 200 goes back.

A POST must carry `X-Hub-Signature-256`, the HMAC-SHA256 of its raw body with the app
secret (compared in constant time): missing → 401, wrong → 403, and nothing is read. A
signed body that can't be read is recorded as rejected and answered 200 (Meta redelivers
anything else for days). Messages go to the engine (the wamid makes a redelivery a no-op,
in the same transaction as the message); statuses to the outbox's delivery record. A
database that is down answers 500, so Meta delivers again later.

The routes read the engine from `app.state.engine` and the rest from
`app.state.whatsapp` (a `WhatsAppServices`, set by the lifespan).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from bot.channels.web.body_limit import read_at_most
from bot.channels.whatsapp.inbound import Batch, parse
from bot.channels.whatsapp.services import WhatsAppServices
from handlers.types import BatchEngine, Translate
from storage.db import UNAVAILABLE

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/whatsapp/webhook"
SIGNATURE_HEADER = "X-Hub-Signature-256"
# Meta's notifications are a few kilobytes (a batch of statuses a few dozen).
WEBHOOK_MAX_BYTES = 3 * 1024 * 1024


def signature(body: bytes, secret: str) -> str:
    """The header Meta sends with `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_router(
    app_secret: str | None,
    verify_token: str | None,
    tr: Translate,
    phone_number_id: str | None = None,
) -> APIRouter:
    hook = _Webhook(app_secret or "", verify_token or "", tr, phone_number_id)
    router = APIRouter()
    router.add_api_route(WEBHOOK_PATH, hook.verify, methods=["GET"])
    router.add_api_route(WEBHOOK_PATH, hook.notify, methods=["POST"])
    return router


@dataclass(frozen=True)
class _Webhook:
    app_secret: str
    verify_token: str
    tr: Translate
    number: str | None = None  # our phone number id: another number's messages aren't ours

    async def verify(self, request: Request) -> Response:
        query = request.query_params
        given = query.get("hub.verify_token", "")
        if (
            query.get("hub.mode") != "subscribe"
            or not self.verify_token
            or not hmac.compare_digest(given.encode(), self.verify_token.encode())
        ):
            return self._refused(403, "wa-verify-forbidden")
        return PlainTextResponse(query.get("hub.challenge", ""))

    async def notify(self, request: Request) -> Response:
        body = await read_at_most(request, WEBHOOK_MAX_BYTES)
        if body is None:
            return self._refused(413, "wa-webhook-too-large")
        refused = self._check_signature(request.headers.get(SIGNATURE_HEADER), body)
        if refused is not None:
            return refused
        services: WhatsAppServices | None = getattr(request.app.state, "whatsapp", None)
        if services is None:
            return self._refused(503, "wa-webhook-not-ready")
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            await services.reject(None, "not JSON", len(body))
            return Response(status_code=200)
        batch = parse(data, self.tr, self.number)
        return await _take(request.app.state.engine, services, batch, len(body))

    def _check_signature(self, given: str | None, body: bytes) -> Response | None:
        if not given:
            return self._refused(401, "wa-webhook-unsigned")
        # Without a secret nothing can be checked, so nothing is taken.
        expected = signature(body, self.app_secret) if self.app_secret else ""
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            return self._refused(403, "wa-webhook-forbidden")
        return None

    def _refused(self, status: int, message_id: str) -> Response:
        return JSONResponse({"error": self.tr(message_id)}, status_code=status)


async def _take(
    engine: BatchEngine, services: WhatsAppServices, batch: Batch, size: int
) -> Response:
    for reason in batch.rejected:
        await services.reject(None, reason, size)
    services.mark_read(batch.reads)
    try:
        await services.handle(engine, batch.messages)
        await services.record_statuses(batch.statuses)
    except UNAVAILABLE:  # a 500: Meta delivers it again
        raise
    except Exception as exc:
        log.exception("whatsapp webhook: a notification could not be stored")
        await services.reject(None, f"not stored: {type(exc).__name__}", size)
        return Response(status_code=200)
    services.keep_media(batch.messages)
    return Response(status_code=200)
