"""The Cloud API's wire format: the error answer, wamids, webhook bodies and their signature."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import secrets
import time
from typing import Any

JsonDict = dict[str, Any]

ERROR_DOCS = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"

# Meta's title for each error code the fake produces (also the webhook status errors' title).
TITLES = {
    1: "An unknown error occurred",
    2: "Service temporarily unavailable",
    100: "Invalid parameter",
    190: "Invalid OAuth access token.",
    130429: "Rate limit hit",
    131009: "Parameter value is not valid",
    131026: "Message undeliverable",
    131047: "Re-engagement message",
    131048: "Spam rate limit hit",
    131049: "This message was not delivered to maintain healthy ecosystem engagement.",
    131051: "Unsupported message type",
    131056: "(Business Account, Consumer Account) pair rate limit hit",
}
DETAILS = {
    130429: "Cloud API message throughput has been reached.",
    131026: "Message failed to send because the recipient cannot receive it.",
    131047: (
        "Message failed to send because more than 24 hours have passed since the customer "
        "last replied to this number."
    ),
    131048: "Message failed to send because there are restrictions on how many messages "
    "can be sent from this phone number.",
    131056: "Message failed to send because there were too many messages sent from this "
    "phone number to the same phone number in a short period of time.",
}
# The HTTP status Meta answers an error code with, where it is not 400.
_HTTP_STATUS = {1: 500, 2: 503, 190: 401, 130429: 429}

_serial = itertools.count(1)


class ApiError(Exception):
    """An error answer: HTTP status, Meta's error code, and what exactly was wrong."""

    def __init__(
        self,
        code: int,
        details: str | None = None,
        *,
        status: int | None = None,
        subcode: int | None = None,
        message: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {details or TITLES.get(code, '')}")
        self.code = code
        self.details = details if details is not None else DETAILS.get(code)
        self.status = status if status is not None else http_status(code)
        self.subcode = subcode
        self.message = message or _message(code)


def http_status(code: int) -> int:
    return _HTTP_STATUS.get(code, 400)


def invalid(details: str) -> ApiError:
    """A value Meta refuses (a length, a duplicate): 131009."""
    return ApiError(131009, details)


def bad_param(details: str) -> ApiError:
    """A missing or mistyped parameter: 100."""
    return ApiError(100, details)


def error_payload(error: ApiError) -> JsonDict:
    body: JsonDict = {"message": error.message, "type": "OAuthException", "code": error.code}
    if error.details:
        body["error_data"] = {"messaging_product": "whatsapp", "details": error.details}
    if error.subcode is not None:
        body["error_subcode"] = error.subcode
    body["fbtrace_id"] = "A" + secrets.token_urlsafe(16)
    return {"error": body}


def status_error(code: int) -> JsonDict:
    """An entry of a webhook status's ``errors`` (a failed delivery)."""
    title = TITLES.get(code, "Error")
    entry: JsonDict = {"code": code, "title": title, "message": title}
    entry["error_data"] = {"details": DETAILS.get(code, title)}
    entry["href"] = ERROR_DOCS
    return entry


def new_wamid(wa_id: str) -> str:
    """A unique message id shaped like Meta's (``wamid.`` and base64)."""
    raw = f"{wa_id}:{next(_serial)}:{secrets.token_hex(8)}".encode()
    return "wamid." + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def timestamp() -> str:
    """Meta's webhook timestamps: Unix seconds, as a string."""
    return str(int(time.time()))


def webhook_body(payload: JsonDict) -> bytes:
    """The raw bytes Meta posts: compact JSON, non-ASCII as \\u escapes and "/" as "\\/",
    so that only a signature checked on the raw body (not a re-serialisation) holds."""
    return json.dumps(payload, separators=(",", ":")).replace("/", "\\/").encode()


def signature(body: bytes, secret: str) -> str:
    """The ``X-Hub-Signature-256`` header value for ``body``: ``sha256=<hex HMAC-SHA256>``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _message(code: int) -> str:
    title = TITLES.get(code, "Error")
    return title if code == 190 else f"(#{code}) {title}"
