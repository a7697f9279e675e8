"""What a visitor's request carries, checked: a chat message's JSON body, an uploaded file.

Every refusal is a `Refusal` with the catalog's reason and the HTTP status the route answers.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import Request

from bot.channels.web.body_limit import read_at_most
from bot.channels.web.uploads import (
    MAX_UPLOAD_BODY_BYTES,
    MAX_UPLOAD_BYTES,
    UploadRefused,
    WebUploads,
    read_upload,
)
from handlers.errors import Refusal
from handlers.types import Attachment

# Arabic is two bytes a character in UTF-8, so 20,000 characters of it fit well inside the
# body limit: for real messages the character limit is the one that speaks.
MAX_TEXT_CHARS = 20_000
MAX_BODY_BYTES = 64 * 1024
MAX_PAYLOAD_CHARS = 256
UPLOAD_MB = MAX_UPLOAD_BYTES // (1024 * 1024)
_MESSAGE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def _bad_request() -> Refusal:
    return Refusal("web-error-bad-request", http_status=400)


def require_json(request: Request) -> None:
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise Refusal("web-error-unsupported-type", http_status=415)


async def read_body(request: Request) -> bytes:
    _check_declared_length(request)
    body = await read_at_most(request, MAX_BODY_BYTES)
    if body is None:
        raise Refusal("web-error-too-large", http_status=413)
    return body


def parse_chat_body(raw: bytes) -> tuple[str, str | None, str | None]:
    """(text, payload, message id) from a POST body, or Refusal."""
    data = _json_object(raw)
    text, payload, message_id = data.get("text"), data.get("payload"), data.get("id")
    if (text is None) == (payload is None):
        raise _bad_request()
    if message_id is not None and (
        not isinstance(message_id, str) or not _MESSAGE_ID.fullmatch(message_id)
    ):
        raise _bad_request()
    if payload is not None:
        return "", _checked_payload(payload), message_id
    return _checked_text(text), None, message_id


async def receive(request: Request, uploads: WebUploads) -> tuple[Attachment, str | None]:
    """The visitor's file stored, or Refusal with the catalog's reason (nothing stored)."""
    declared = _check_declared_length(request)
    if declared is not None and declared > MAX_UPLOAD_BODY_BYTES:
        raise Refusal("web-upload-too-big", http_status=413, mb=UPLOAD_MB)
    try:
        received = await read_upload(request.headers.get("content-type", ""), request.stream())
        if received.message_id is not None and not _MESSAGE_ID.fullmatch(received.message_id):
            raise _bad_request()
        attachment = await uploads.store(received)
    except UploadRefused as exc:
        raise Refusal(exc.message_id, http_status=exc.http_status, mb=UPLOAD_MB) from None
    return attachment, received.message_id


def _check_declared_length(request: Request) -> int | None:
    declared = request.headers.get("content-length")
    if declared is None:
        return None
    if not declared.isdigit():
        raise _bad_request()
    return int(declared)


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        # JSON between systems is UTF-8 (RFC 8259); json.loads would also guess UTF-16/32.
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        # ValueError covers bad JSON and bytes that are not UTF-8.
        raise _bad_request() from None
    if not isinstance(data, dict):
        raise _bad_request()
    return data


def _checked_payload(payload: object) -> str:
    if not isinstance(payload, str) or not payload or len(payload) > MAX_PAYLOAD_CHARS:
        raise _bad_request()
    _require_encodable(payload)
    return payload


def _checked_text(text: object) -> str:
    if not isinstance(text, str):
        raise _bad_request()
    if len(text) > MAX_TEXT_CHARS:
        raise Refusal("web-error-too-long", http_status=413, limit=MAX_TEXT_CHARS)
    _require_encodable(text)
    # NUL truncates text in some databases and drivers; it is never meant by a visitor.
    return text.replace("\x00", "")


def _require_encodable(value: str) -> None:
    # JSON may carry lone surrogates ("\ud800"), which no database or channel can store.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _bad_request() from None
