"""Every error the web app answers is `{"error": <text from the catalog>}`, never FastAPI's
English default, and never cached."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.channels.web.security import NO_STORE
from bot.channels.web.state import chat_of
from handlers.errors import Refusal

log = logging.getLogger(__name__)

_STATUS_MESSAGES = {
    400: "web-error-bad-request",
    401: "web-error-unauthorized",
    403: "web-error-cross-site",
    404: "web-error-not-found",
    405: "web-error-method",
    413: "web-error-too-large",
    415: "web-error-unsupported-type",
    422: "web-error-bad-request",
}


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Refusal, _on_refusal)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(Exception, _on_crash)


def _error_response(
    request: Request,
    status: int,
    msg_id: str,
    args: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        {"error": chat_of(request).catalog.t(msg_id, args)},
        status_code=status,
        headers={**NO_STORE, **(headers or {})},
    )


async def _on_refusal(request: Request, exc: Exception) -> Response:
    err = cast(Refusal, exc)
    return _error_response(request, err.http_status, err.message_id, err.arguments)


async def _on_http_error(request: Request, exc: Exception) -> Response:
    err = cast(StarletteHTTPException, exc)
    fallback = "web-error-internal" if err.status_code >= 500 else "web-error-bad-request"
    msg_id = _STATUS_MESSAGES.get(err.status_code, fallback)
    return _error_response(request, err.status_code, msg_id, headers=err.headers)


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    return _error_response(request, 422, "web-error-bad-request")


async def _on_crash(request: Request, exc: Exception) -> Response:
    log.exception("web chat: unhandled error on %s", request.url.path, exc_info=exc)
    return _error_response(request, 500, "web-error-internal")
