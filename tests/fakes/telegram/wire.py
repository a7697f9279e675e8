"""The Bot API's wire format: method names, the error answer, decoding parameters."""

from __future__ import annotations

import json
from typing import Any

JsonDict = dict[str, Any]

# Methods whose success puts something in a chat (recorded in ``sent``, subject to limits).
SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendAudio",
        "sendVideo",
        "sendVoice",
        "sendAnimation",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
    }
)
EDIT_METHODS = frozenset({"editMessageText", "editMessageReplyMarkup", "editMessageCaption"})
# Methods refused with 403 for a chat that blocked the bot.
CHAT_METHODS = SEND_METHODS | EDIT_METHODS | {"sendChatAction"}

# Form fields that are plain strings even when they look like JSON ("5", "true", "[x]").
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "url",
        "secret_token",
        "name",
        "description",
        "short_description",
        "parse_mode",
        "callback_query_id",
        "language_code",
        "photo",
        "document",
        "audio",
        "video",
        "voice",
        "animation",
        "sticker",
        "file_id",
        "action",
        "ip_address",
        "icon_custom_emoji_id",
        "business_connection_id",
        "message_effect_id",
        "title",
        "first_name",
        "last_name",
        "phone_number",
        "method",
    }
)

_KNOWN_METHODS = (
    "getMe",
    "getUpdates",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "deleteMessage",
    "answerCallbackQuery",
    "sendPhoto",
    "sendDocument",
    "getFile",
    "setMyCommands",
    "getMyCommands",
    "deleteMyCommands",
    "createForumTopic",
    "closeForumTopic",
    "reopenForumTopic",
    "sendChatAction",
    "logOut",
    "close",
)
_CANONICAL = {m.lower(): m for m in (*_KNOWN_METHODS, *SEND_METHODS, *EDIT_METHODS)}


class ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def canonical(method: str) -> str:
    """The method's usual spelling (Telegram ignores case), or the name as given."""
    return _CANONICAL.get(method.lower(), method)


def error_payload(error: ApiError) -> JsonDict:
    payload: JsonDict = {
        "ok": False,
        "error_code": error.status,
        "description": error.description,
    }
    if error.retry_after is not None:
        payload["parameters"] = {"retry_after": error.retry_after}
    return payload


def decode(key: str, value: str) -> Any:
    """A form or query field's value: JSON where it parses, except for the string fields."""
    if key in _STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def as_int(value: Any, name: str, *, required: bool = True) -> int | None:
    if value is None or value == "":
        if required:
            raise bad(f"{name} is empty" if name != "chat_id" else "chat not found")
        return None
    if isinstance(value, bool):
        raise bad(f"invalid {name} specified")
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError:
        raise bad(f"invalid {name} specified") from None


def chat_id_of(params: JsonDict) -> int:
    """The call's chat_id, required (400 "chat not found" without one)."""
    chat_id = as_int(params.get("chat_id"), "chat_id")
    assert chat_id is not None
    return chat_id


def chat_key(params: JsonDict) -> int | None:
    value = params.get("chat_id")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value))
    except ValueError:
        return None


def without_uploads(params: JsonDict) -> JsonDict:
    return {k: v for k, v in params.items() if k != "_uploads"}
