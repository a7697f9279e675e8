"""A fake Telegram Bot API server for tests and benchmarks.

It speaks the Bot API wire format (``{base}/bot{token}/{method}``, JSON or form bodies,
``{"ok": ..., "result"|"error_code"/"description"/"parameters"}`` answers) closely enough that
real aiogram 3 works against it, listens on 127.0.0.1 only, and lets a test play the users
(``user_sends_text`` …), inspect what the bot did (``sent``, ``calls`` …) and inject the
failures Telegram produces (429 with ``retry_after``, 403 blocked, 5xx, duplicate deliveries,
webhook retries, flood limits).

Usage::

    tg = FakeTelegram()
    base = await tg.start()
    bot = Bot(tg.token, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
    tg.user_sends_text(42, "السلام عليكم")
    updates = await bot.get_updates(timeout=1)

Everything except ``start``/``stop`` is synchronous and must be called from the event loop's
thread (the one the server runs on).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import html
import itertools
import json
import math
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web

JsonDict = dict[str, Any]

# Methods whose success puts something in a chat (recorded in ``sent``, subject to limits).
_SEND_METHODS = frozenset(
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
_EDIT_METHODS = frozenset({"editMessageText", "editMessageReplyMarkup", "editMessageCaption"})
# Methods refused with 403 for a chat that blocked the bot.
_CHAT_METHODS = _SEND_METHODS | _EDIT_METHODS | {"sendChatAction"}

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
_CANONICAL = {m.lower(): m for m in (*_KNOWN_METHODS, *_SEND_METHODS, *_EDIT_METHODS)}

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}

_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
        "br",
    }
)
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)?([^<>]*)>")
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_DOWNLOAD = 20 * 1024 * 1024


class _ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _bad(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


def _as_int(value: Any, name: str, *, required: bool = True) -> int | None:
    if value is None or value == "":
        if required:
            raise _bad(f"{name} is empty" if name != "chat_id" else "chat not found")
        return None
    if isinstance(value, bool):
        raise _bad(f"invalid {name} specified")
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError:
        raise _bad(f"invalid {name} specified") from None


def _visible_text(text: str, parse_mode: str | None) -> str:
    """The text Telegram would count; raises 400 on HTML Telegram cannot parse."""
    if not parse_mode or parse_mode.lower() != "html":
        return text
    stack: list[str] = []
    pos = 0
    for match in _TAG_RE.finditer(text):
        if "<" in text[pos : match.start()]:
            offset = len(text[: text.index("<", pos)].encode())
            raise _bad(f'can\'t parse entities: Unsupported start tag "" at byte offset {offset}')
        pos = match.end()
        closing, name = match.group(1), (match.group(2) or "").lower()
        offset = len(text[: match.start()].encode())
        if name not in _HTML_TAGS:
            kind = "end" if closing else "start"
            raise _bad(
                f'can\'t parse entities: Unsupported {kind} tag "{name}" at byte offset {offset}'
            )
        if name == "br":
            continue
        if not closing:
            stack.append(name)
        elif not stack or stack[-1] != name:
            raise _bad(
                f"can't parse entities: Unmatched end tag at byte offset {offset}, expected \"</"
                f'{stack[-1] if stack else ""}>", found "</{name}>"'
            )
        else:
            stack.pop()
    if "<" in text[pos:]:
        offset = len(text[: text.index("<", pos)].encode())
        raise _bad(f'can\'t parse entities: Unsupported start tag "" at byte offset {offset}')
    if stack:
        raise _bad(
            f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\""
        )
    return html.unescape(_TAG_RE.sub("", text))


def _check_reply_markup(markup: Any) -> None:
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise _bad("can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard") or []:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise _bad("BUTTON_TEXT_EMPTY")
            data = button.get("callback_data")
            if data is not None and (
                not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA
            ):
                raise _bad("BUTTON_DATA_INVALID")
    for row in markup.get("keyboard") or []:
        for button in row:
            text = button.get("text") if isinstance(button, dict) else button
            if not text:
                raise _bad("BUTTON_TEXT_EMPTY")


class FakeTelegram:
    """A Bot API server on 127.0.0.1 that records what the bot does and plays the users."""

    def __init__(
        self,
        token: str = "123456:TEST",
        *,
        bot_id: int = 123456,
        bot_username: str = "tawasul_test_bot",
    ) -> None:
        self.token = token
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.base_url = ""
        # What the bot did.
        self.sent: list[JsonDict] = []
        self.calls: list[JsonDict] = []
        self.commands: dict[str, list[JsonDict]] = {}
        self.topics: dict[int, list[JsonDict]] = {}
        self.callback_answers: dict[str, JsonDict] = {}
        # Fault injection and limits.
        self.enforce_limits = False
        self.limit_violations = 0
        self.limit_tolerance = 0.01  # seconds of clock slack granted to a well-paced sender
        self.overall_per_second = 30  # Telegram's bot-wide limit; raised for fast tests
        self.blocked: set[int] = set()
        # Webhook mode.
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.webhook_max_attempts = 5
        self.webhook_timeout = 5.0
        self.webhook_backoff = 0.05  # first retry delay; doubles, capped at 1 s
        self.webhook_deliveries: list[JsonDict] = []  # {"update_id", "status", "attempt", "at"}

        self._faults: list[JsonDict] = []
        self._pending: list[JsonDict] = []  # {"update": dict, "dup": bool, "returned": bool}
        self._history: dict[int, JsonDict] = {}
        self._messages: dict[tuple[int, int], JsonDict] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._files: dict[str, JsonDict] = {}
        self._files_by_path: dict[str, str] = {}
        self._threads: dict[int, set[int]] = {}
        self._callbacks: set[str] = set()
        self._update_ids = itertools.count(100_001)
        self._ids = itertools.count(1)
        self._wakeup = asyncio.Event()
        self._poll_generation = 0
        self._closing = False
        self._chat_sends: dict[int, deque[float]] = {}
        self._all_sends: deque[float] = deque()
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._last_webhook_error: tuple[int, str] | None = None
        self._handlers: dict[str, Callable[[JsonDict], Awaitable[Any]]] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "sendphoto": self._send_photo,
            "senddocument": self._send_document,
            "getfile": self._get_file,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "createforumtopic": self._create_forum_topic,
            "closeforumtopic": self._close_forum_topic,
            "reopenforumtopic": self._reopen_forum_topic,
            "sendchataction": self._send_chat_action,
        }

    # ------------------------------------------------------------------ lifecycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on host:port (0 = any free port) and return the base URL."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        real_port = int(self._runner.addresses[0][1])
        self.base_url = f"http://{host}:{real_port}"
        return self.base_url

    async def stop(self) -> None:
        """Answer pending long polls, stop webhook delivery and close the server."""
        self._closing = True
        self._wakeup.set()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ------------------------------------------------------------------ users

    def user_sends_text(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        first_name: str = "مستخدم",
        message_thread_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> JsonDict:
        extra: JsonDict = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            extra["entities"] = [
                {"type": "bot_command", "offset": 0, "length": _utf16_len(command)}
            ]
        message = self._user_message(
            user_id,
            chat_id,
            first_name,
            extra,
            message_thread_id=message_thread_id,
            reply_to_message_id=reply_to_message_id,
        )
        return self._queue({"message": message})

    def user_presses(
        self, user_id: int, message_id: int, data: str, *, chat_id: int | None = None
    ) -> JsonDict:
        """A callback_query from pressing an inline button on bot message ``message_id``."""
        chat = chat_id if chat_id is not None else user_id
        message = self._snapshot(chat, message_id) or {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(chat, "مستخدم"),
            "from": self._bot_user(),
            "text": "",
        }
        query_id = str(next(self._ids) * 7919 + 10**12)
        self._callbacks.add(query_id)
        query = {
            "id": query_id,
            "from": self._user(user_id, "مستخدم"),
            "message": message,
            "chat_instance": str(int(hashlib.sha1(str(chat).encode()).hexdigest()[:12], 16)),
            "data": data,
        }
        return self._queue({"callback_query": query})

    def user_shares_contact(
        self, user_id: int, phone: str, *, contact_user_id: int | None = None
    ) -> JsonDict:
        contact: JsonDict = {
            "phone_number": phone,
            "first_name": "مستخدم",
            "user_id": user_id if contact_user_id is None else contact_user_id,
        }
        return self._queue(
            {"message": self._user_message(user_id, None, "مستخدم", {"contact": contact})}
        )

    def user_sends_photo(
        self, user_id: int, *, file_size: int = 120_000, caption: str | None = None
    ) -> JsonDict:
        sizes = []
        for side, size in ((90, max(1, file_size // 40)), (320, max(1, file_size // 6))):
            file = self._new_file("photos", "jpg", size)
            sizes.append(self._photo_size(file, side))
        sizes.append(self._photo_size(self._new_file("photos", "jpg", file_size), 1280))
        extra: JsonDict = {"photo": sizes}
        if caption is not None:
            extra["caption"] = caption
        return self._queue({"message": self._user_message(user_id, None, "مستخدم", extra)})

    def user_sends_document(
        self,
        user_id: int,
        *,
        file_name: str = "report.pdf",
        mime_type: str = "application/pdf",
        file_size: int = 50_000,
    ) -> JsonDict:
        ext = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        file = self._new_file("documents", ext, file_size)
        document = {
            "file_id": file["file_id"],
            "file_unique_id": file["file_unique_id"],
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": file_size,
        }
        return self._queue(
            {"message": self._user_message(user_id, None, "مستخدم", {"document": document})}
        )

    def redeliver(self, update_id: int) -> None:
        """Deliver an already queued update again, with the same update_id.

        In polling mode the duplicate is answered by the next getUpdates whatever its offset,
        and stays until a later getUpdates confirms it; in webhook mode it is POSTed again.
        """
        if update_id not in self._history:
            raise KeyError(f"no update {update_id}")
        self._pending.insert(
            0, {"update": self._history[update_id], "dup": True, "returned": False}
        )
        self._wakeup.set()

    # ------------------------------------------------------------------ inspection

    def messages_to(self, chat_id: int) -> list[JsonDict]:
        """Messages the bot sent to the chat (send* methods, not edits), in order."""
        return [s for s in self.sent if s["chat_id"] == chat_id and s["method"] in _SEND_METHODS]

    @property
    def pending_updates(self) -> int:
        return len(self._pending)

    # ------------------------------------------------------------------ faults

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str = "",
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
        after: int = 0,
    ) -> None:
        """The next ``times`` calls of ``method`` (for ``chat_id`` if given) fail with status,
        once ``after`` such calls have succeeded."""
        if status == 429 and retry_after is None:
            retry_after = 1
        if not description:
            description = _DEFAULT_DESCRIPTIONS.get(status, "Error")
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
        self._faults.append(
            {
                "method": method.lower(),
                "status": status,
                "description": description,
                "retry_after": retry_after,
                "times": times,
                "chat_id": chat_id,
                "after": after,
            }
        )

    def block(self, chat_id: int) -> None:
        """From now on every send to the chat answers 403 (the user blocked the bot)."""
        self.blocked.add(chat_id)

    # ------------------------------------------------------------------ HTTP layer

    async def _handle_api(self, request: web.Request) -> web.Response:
        raw_method = request.match_info["method"]
        method = _CANONICAL.get(raw_method.lower(), raw_method)
        # Recorded on arrival; "status" is filled in when the answer is ready (None meanwhile,
        # e.g. for a long poll still waiting).
        call: JsonDict = {"method": method, "params": {}, "at": time.monotonic(), "status": None}
        self.calls.append(call)
        try:
            params = await self._read_params(request)
        except Exception:
            status, payload = 400, self._error(_bad("can't parse request"))
        else:
            call["params"] = {k: v for k, v in params.items() if k != "_uploads"}
            if request.match_info["token"] != self.token:
                status, payload = 401, self._error(_ApiError(401, "Unauthorized"))
            else:
                status, payload = await self._call(method, params)
        call["status"] = status
        return web.json_response(payload, status=status)

    async def _read_params(self, request: web.Request) -> JsonDict:
        params: JsonDict = {k: self._decode(k, v) for k, v in request.query.items()}
        if request.method != "POST" or not request.body_exists:
            return params
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
            return params
        form = await request.post()
        uploads: JsonDict = {}
        for key, value in form.items():
            if isinstance(value, web.FileField):
                uploads[key] = {
                    "filename": value.filename,
                    "content_type": value.content_type,
                    "data": value.file.read(),
                }
            else:
                params[key] = self._decode(key, str(value))
        if uploads:
            params["_uploads"] = uploads
        return params

    @staticmethod
    def _decode(key: str, value: str) -> Any:
        if key in _STRING_FIELDS:
            return value
        try:
            return json.loads(value)
        except ValueError:
            return value

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(self._error(_ApiError(401, "Unauthorized")), status=401)
        file_id = self._files_by_path.get(request.match_info["path"])
        if file_id is None:
            return web.json_response(self._error(_ApiError(404, "Not Found")), status=404)
        return web.Response(body=self._file_bytes(self._files[file_id]))

    @staticmethod
    def _error(error: _ApiError) -> JsonDict:
        payload: JsonDict = {
            "ok": False,
            "error_code": error.status,
            "description": error.description,
        }
        if error.retry_after is not None:
            payload["parameters"] = {"retry_after": error.retry_after}
        return payload

    async def _call(self, method: str, params: JsonDict) -> tuple[int, JsonDict]:
        try:
            self._inject_fault(method, params)
            handler = self._handlers.get(method.lower())
            if handler is None:
                return 200, {"ok": True, "result": True}
            if method in _CHAT_METHODS:
                self._check_chat(method, params)
            result = await handler(params)
        except _ApiError as error:
            return error.status, self._error(error)
        return 200, {"ok": True, "result": result}

    def _inject_fault(self, method: str, params: JsonDict) -> None:
        for fault in self._faults:
            if fault["method"] != method.lower():
                continue
            if fault["chat_id"] is not None and _chat_key(params) != fault["chat_id"]:
                continue
            if fault["after"] > 0:
                fault["after"] -= 1
                return
            fault["times"] -= 1
            if fault["times"] <= 0:
                self._faults.remove(fault)
            raise _ApiError(fault["status"], fault["description"], fault["retry_after"])

    def _check_chat(self, method: str, params: JsonDict) -> None:
        chat_id = _chat_key(params)
        if chat_id is None:
            raise _bad("chat not found")
        if chat_id in self.blocked:
            if chat_id < 0:
                raise _ApiError(403, "Forbidden: bot was kicked from the group chat")
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        thread_id = params.get("message_thread_id")
        if thread_id and method in _SEND_METHODS:
            thread_id = _as_int(thread_id, "message_thread_id")
            assert thread_id is not None
            known = self._threads.get(chat_id, set())
            if thread_id not in known:
                raise _bad("message thread not found")
            for topic in self.topics.get(chat_id, []):
                if topic["message_thread_id"] == thread_id and topic.get("is_closed"):
                    raise _bad("TOPIC_CLOSED")

    def _check_limits(self, chat_id: int) -> None:
        """Telegram's flood limits: 1/s per private chat, 20/min per group, 30/s overall."""
        now = time.monotonic()
        sends = self._chat_sends.setdefault(chat_id, deque())
        window, allowed = (60.0, 20) if chat_id < 0 else (1.0, 1)
        window -= self.limit_tolerance
        while sends and now - sends[0] >= window:
            sends.popleft()
        while self._all_sends and now - self._all_sends[0] >= 1.0 - self.limit_tolerance:
            self._all_sends.popleft()
        if self.enforce_limits:
            wait = 0.0
            if len(sends) >= allowed:
                wait = sends[0] + window - now
            if len(self._all_sends) >= self.overall_per_second:
                wait = max(wait, self._all_sends[0] + 1.0 - self.limit_tolerance - now)
            if wait > 0:
                self.limit_violations += 1
                retry_after = max(1, math.ceil(wait))
                raise _ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
        sends.append(now)
        self._all_sends.append(now)

    # ------------------------------------------------------------------ objects

    def _bot_user(self) -> JsonDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Tawasul",
            "username": self.bot_username,
        }

    @staticmethod
    def _user(user_id: int, first_name: str) -> JsonDict:
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "ar"}

    def _chat(self, chat_id: int, first_name: str) -> JsonDict:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": first_name}
        chat: JsonDict = {"id": chat_id, "type": "supergroup", "title": "Staff"}
        if chat_id in self._threads:
            chat["is_forum"] = True
        return chat

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _user_message(
        self,
        user_id: int,
        chat_id: int | None,
        first_name: str,
        extra: JsonDict,
        *,
        message_thread_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> JsonDict:
        chat = user_id if chat_id is None else chat_id
        if message_thread_id is not None:
            self._threads.setdefault(chat, set()).add(message_thread_id)
        message: JsonDict = {
            "message_id": self._next_message_id(chat),
            "from": self._user(user_id, first_name),
            "chat": self._chat(chat, first_name),
            "date": int(time.time()),
        }
        if message_thread_id is not None:
            message["message_thread_id"] = message_thread_id
            message["is_topic_message"] = True
        if reply_to_message_id is not None:
            message["reply_to_message"] = self._snapshot(chat, reply_to_message_id) or {
                "message_id": reply_to_message_id,
                "date": int(time.time()),
                "chat": self._chat(chat, first_name),
            }
        message.update(extra)
        self._messages[(chat, message["message_id"])] = message
        return message

    def _snapshot(self, chat_id: int, message_id: int) -> JsonDict | None:
        """A copy of a stored message as it is now, without its own reply_to_message."""
        message = self._messages.get((chat_id, message_id))
        if message is None:
            return None
        copy = dict(message)
        copy.pop("reply_to_message", None)
        return copy

    def _queue(self, body: JsonDict) -> JsonDict:
        update = {"update_id": next(self._update_ids), **body}
        self._history[update["update_id"]] = update
        self._pending.append({"update": update, "dup": False, "returned": False})
        self._wakeup.set()
        return update

    def _new_file(self, folder: str, ext: str, size: int, data: bytes | None = None) -> JsonDict:
        n = next(self._ids)
        file: JsonDict = {
            "file_id": f"AgAC{n:06d}{hashlib.sha1(str(n).encode()).hexdigest()[:20]}",
            "file_unique_id": f"AQAD{n:06d}",
            "file_size": size if data is None else len(data),
            "file_path": f"{folder}/file_{n}.{ext}",
            "data": data,
        }
        self._files[file["file_id"]] = file
        self._files_by_path[file["file_path"]] = file["file_id"]
        return file

    @staticmethod
    def _photo_size(file: JsonDict, side: int) -> JsonDict:
        return {
            "file_id": file["file_id"],
            "file_unique_id": file["file_unique_id"],
            "width": side,
            "height": side,
            "file_size": file["file_size"],
        }

    @staticmethod
    def _file_bytes(file: JsonDict) -> bytes:
        data = file["data"]
        if isinstance(data, bytes):
            return data
        seed = str(file["file_unique_id"]).encode()
        size = int(file["file_size"])
        return bytes((seed * (size // len(seed) + 1))[:size])

    def _bot_message(self, chat_id: int, params: JsonDict, extra: JsonDict) -> JsonDict:
        message: JsonDict = {
            "message_id": self._next_message_id(chat_id),
            "from": self._bot_user(),
            "chat": self._chat(chat_id, "مستخدم"),
            "date": int(time.time()),
        }
        thread = params.get("message_thread_id")
        if thread:
            message["message_thread_id"] = int(thread)
            message["is_topic_message"] = True
        reply_to = params.get("reply_to_message_id")
        reply_parameters = params.get("reply_parameters")
        if isinstance(reply_parameters, dict):
            reply_to = reply_parameters.get("message_id")
        if reply_to:
            original = self._snapshot(chat_id, int(reply_to))
            if original is not None:
                message["reply_to_message"] = original
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        message.update(extra)
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _record(self, method: str, chat_id: int, params: JsonDict, message: JsonDict) -> None:
        self.sent.append(
            {
                "method": method,
                "chat_id": chat_id,
                "text": message.get("text"),
                "caption": message.get("caption"),
                "reply_markup": params.get("reply_markup"),
                "message_id": message["message_id"],
                "message_thread_id": message.get("message_thread_id"),
                "parse_mode": params.get("parse_mode"),
                "at": time.monotonic(),
                "params": {k: v for k, v in params.items() if k != "_uploads"},
            }
        )

    # ------------------------------------------------------------------ methods

    async def _get_me(self, params: JsonDict) -> JsonDict:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _get_updates(self, params: JsonDict) -> list[JsonDict]:
        if self.webhook_url:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self._poll_generation += 1
        generation = self._poll_generation
        self._wakeup.set()  # lets an older long poll notice it was superseded
        offset = _as_int(params.get("offset"), "offset", required=False)
        limit = min(max(_as_int(params.get("limit"), "limit", required=False) or 100, 1), 100)
        timeout = max(_as_int(params.get("timeout"), "timeout", required=False) or 0, 0)
        self._confirm(offset)
        deadline = time.monotonic() + timeout
        while True:
            ready = self._pending[:limit]
            if ready or self._closing:
                for entry in ready:
                    entry["returned"] = True
                return [entry["update"] for entry in ready]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            self._wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), remaining)
            if self._poll_generation != generation:
                raise _ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            regular = [e for e in self._pending if not e["dup"]]
            keep = {id(e) for e in regular[offset:]}
            self._pending = [e for e in self._pending if e["dup"] or id(e) in keep]
            return
        self._pending = [
            e
            for e in self._pending
            if e["update"]["update_id"] >= offset or (e["dup"] and not e["returned"])
        ]

    async def _set_webhook(self, params: JsonDict) -> bool:
        url = params.get("url") or ""
        if not url:
            return await self._delete_webhook(params)
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_RE.match(str(secret)):
            raise _bad("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self.webhook_url = str(url)
        self.webhook_secret = str(secret) if secret else None
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(self._deliver_webhooks())
        self._wakeup.set()
        return True

    async def _delete_webhook(self, params: JsonDict) -> bool:
        self.webhook_url = None
        self.webhook_secret = None
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self._wakeup.set()
        return True

    async def _get_webhook_info(self, params: JsonDict) -> JsonDict:
        info: JsonDict = {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.webhook_url:
            info["max_connections"] = 40
        if self._last_webhook_error is not None:
            info["last_error_date"], info["last_error_message"] = self._last_webhook_error
        return info

    async def _send_message(self, params: JsonDict) -> JsonDict:
        chat_id = _as_int(params.get("chat_id"), "chat_id")
        assert chat_id is not None
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _bad("message text is empty")
        visible = _visible_text(text, params.get("parse_mode"))
        if _utf16_len(visible) > MAX_TEXT:
            raise _bad("message is too long")
        if not visible.strip():
            raise _bad("message text is empty")
        _check_reply_markup(params.get("reply_markup"))
        self._check_limits(chat_id)
        message = self._bot_message(chat_id, params, {"text": visible})
        self._record("sendMessage", chat_id, params, message)
        return message

    def _find_bot_message(self, params: JsonDict) -> tuple[int, JsonDict]:
        if params.get("inline_message_id"):
            raise _bad("message to edit not found")
        chat_id = _as_int(params.get("chat_id"), "chat_id")
        message_id = _as_int(params.get("message_id"), "message_id")
        assert chat_id is not None and message_id is not None
        message = self._messages.get((chat_id, message_id))
        if message is None:
            raise _bad("message to edit not found")
        if message.get("from", {}).get("id") != self.bot_id:
            raise _bad("message can't be edited")
        return chat_id, message

    async def _edit_message_text(self, params: JsonDict) -> JsonDict:
        chat_id, message = self._find_bot_message(params)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _bad("message text is empty")
        visible = _visible_text(text, params.get("parse_mode"))
        if _utf16_len(visible) > MAX_TEXT:
            raise _bad("MESSAGE_TOO_LONG")
        markup = params.get("reply_markup")
        _check_reply_markup(markup)
        if message.get("text") == visible and message.get("reply_markup") == markup:
            raise _bad(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message["text"] = visible
        message["edit_date"] = int(time.time())
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        self._record("editMessageText", chat_id, params, message)
        return message

    async def _edit_message_reply_markup(self, params: JsonDict) -> JsonDict:
        chat_id, message = self._find_bot_message(params)
        markup = params.get("reply_markup")
        _check_reply_markup(markup)
        if message.get("reply_markup") == markup or (not markup and "reply_markup" not in message):
            raise _bad(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        message["edit_date"] = int(time.time())
        self._record("editMessageReplyMarkup", chat_id, params, message)
        return message

    async def _delete_message(self, params: JsonDict) -> bool:
        chat_id = _as_int(params.get("chat_id"), "chat_id")
        message_id = _as_int(params.get("message_id"), "message_id")
        assert chat_id is not None and message_id is not None
        if self._messages.pop((chat_id, message_id), None) is None:
            raise _bad("message to delete not found")
        return True

    async def _answer_callback_query(self, params: JsonDict) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._callbacks:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        self._callbacks.discard(query_id)
        self.callback_answers[query_id] = {k: v for k, v in params.items()}
        return True

    def _input_file(self, params: JsonDict, field: str, folder: str, ext: str) -> JsonDict:
        value = params.get(field)
        if not isinstance(value, str) or not value:
            raise _bad(f"there is no {field} in the request")
        if value.startswith("attach://"):
            upload = (params.get("_uploads") or {}).get(value[len("attach://") :])
            if upload is None:
                raise _bad(f"there is no {field} in the request")
            name = upload["filename"] or f"file.{ext}"
            file_ext = name.rsplit(".", 1)[-1] if "." in name else ext
            file = self._new_file(folder, file_ext, len(upload["data"]), upload["data"])
            file["file_name"] = name
            file["mime_type"] = upload["content_type"]
            return file
        if value in self._files:
            return self._files[value]
        if value.startswith(("http://", "https://")):
            file = self._new_file(folder, ext, 10_000)
            file["file_name"] = value.rsplit("/", 1)[-1]
            return file
        raise _bad("wrong file identifier/HTTP URL specified")

    def _caption(self, params: JsonDict) -> JsonDict:
        caption = params.get("caption")
        if not caption:
            return {}
        visible = _visible_text(str(caption), params.get("parse_mode"))
        if _utf16_len(visible) > MAX_CAPTION:
            raise _bad("message caption is too long")
        return {"caption": visible}

    async def _send_photo(self, params: JsonDict) -> JsonDict:
        chat_id = _as_int(params.get("chat_id"), "chat_id")
        assert chat_id is not None
        extra = self._caption(params)
        _check_reply_markup(params.get("reply_markup"))
        file = self._input_file(params, "photo", "photos", "jpg")
        self._check_limits(chat_id)
        extra["photo"] = [self._photo_size(file, 1280)]
        message = self._bot_message(chat_id, params, extra)
        self._record("sendPhoto", chat_id, params, message)
        self.sent[-1]["file_id"] = file["file_id"]
        return message

    async def _send_document(self, params: JsonDict) -> JsonDict:
        chat_id = _as_int(params.get("chat_id"), "chat_id")
        assert chat_id is not None
        extra = self._caption(params)
        _check_reply_markup(params.get("reply_markup"))
        file = self._input_file(params, "document", "documents", "bin")
        self._check_limits(chat_id)
        document = {
            "file_id": file["file_id"],
            "file_unique_id": file["file_unique_id"],
            "file_size": file["file_size"],
        }
        for key in ("file_name", "mime_type"):
            if file.get(key):
                document[key] = file[key]
        extra["document"] = document
        message = self._bot_message(chat_id, params, extra)
        self._record("sendDocument", chat_id, params, message)
        self.sent[-1]["file_id"] = file["file_id"]
        return message

    async def _get_file(self, params: JsonDict) -> JsonDict:
        file = self._files.get(str(params.get("file_id") or ""))
        if file is None:
            raise _bad("invalid file_id")
        if file["file_size"] > MAX_DOWNLOAD:
            raise _bad("file is too big")
        return {k: file[k] for k in ("file_id", "file_unique_id", "file_size", "file_path")}

    @staticmethod
    def _commands_key(params: JsonDict) -> str:
        scope = params.get("scope") or {"type": "default"}
        lang = params.get("language_code") or ""
        if not isinstance(scope, dict) or scope.get("type", "default") == "default":
            return lang or "default"
        parts = [str(scope["type"])]
        parts += [str(scope[k]) for k in ("chat_id", "user_id") if k in scope]
        if lang:
            parts.append(lang)
        return ":".join(parts)

    async def _set_my_commands(self, params: JsonDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("commands must be a list of at most 100 BotCommand")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_RE.match(
                str(command.get("command", ""))
            ):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad("command description must be non-empty")
        key = self._commands_key(params)
        if commands:
            self.commands[key] = [dict(c) for c in commands]
        else:
            self.commands.pop(key, None)
        return True

    async def _get_my_commands(self, params: JsonDict) -> list[JsonDict]:
        return list(self.commands.get(self._commands_key(params), []))

    async def _delete_my_commands(self, params: JsonDict) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _create_forum_topic(self, params: JsonDict) -> JsonDict:
        chat_id = _as_int(params.get("chat_id"), "chat_id")
        assert chat_id is not None
        name = str(params.get("name") or "")
        if not 1 <= len(name) <= 128:
            raise _bad("TOPIC_NAME_INVALID" if name else "parameter name is required")
        thread_id = self._next_message_id(chat_id)
        self._threads.setdefault(chat_id, set()).add(thread_id)
        topic: JsonDict = {
            "message_thread_id": thread_id,
            "name": name,
            "icon_color": int(params.get("icon_color") or 0x6FB9F0),
        }
        if params.get("icon_custom_emoji_id"):
            topic["icon_custom_emoji_id"] = params["icon_custom_emoji_id"]
        self.topics.setdefault(chat_id, []).append({**topic, "is_closed": False})
        return topic

    def _topic(self, params: JsonDict) -> JsonDict:
        chat_id = _as_int(params.get("chat_id"), "chat_id")
        thread_id = _as_int(params.get("message_thread_id"), "message_thread_id")
        for topic in self.topics.get(chat_id or 0, []):
            if topic["message_thread_id"] == thread_id:
                return topic
        raise _bad("TOPIC_ID_INVALID")

    async def _close_forum_topic(self, params: JsonDict) -> bool:
        topic = self._topic(params)
        if topic["is_closed"]:
            raise _bad("TOPIC_NOT_MODIFIED")
        topic["is_closed"] = True
        return True

    async def _reopen_forum_topic(self, params: JsonDict) -> bool:
        topic = self._topic(params)
        if not topic["is_closed"]:
            raise _bad("TOPIC_NOT_MODIFIED")
        topic["is_closed"] = False
        return True

    async def _send_chat_action(self, params: JsonDict) -> bool:
        if not params.get("action"):
            raise _bad("action is empty")
        return True

    # ------------------------------------------------------------------ webhook

    async def _deliver_webhooks(self) -> None:
        if self._client is None:
            self._client = aiohttp.ClientSession()
        attempts: dict[int, int] = {}
        while not self._closing and self.webhook_url:
            if not self._pending:
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            entry = self._pending[0]
            update = entry["update"]
            update_id = update["update_id"]
            attempt = attempts.get(update_id, 0) + 1
            status = await self._post_update(update, attempt)
            # Delivered, or given up on (Telegram drops an update eventually).
            if 200 <= status < 300 or attempt >= self.webhook_max_attempts:
                self._pending = [e for e in self._pending if e is not entry]
                attempts.pop(update_id, None)
                continue
            attempts[update_id] = attempt
            await asyncio.sleep(min(self.webhook_backoff * 2 ** (attempt - 1), 1.0))

    async def _post_update(self, update: JsonDict, attempt: int) -> int:
        assert self._client is not None and self.webhook_url
        headers = {"Content-Type": "application/json"}
        if self.webhook_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
        at = time.monotonic()
        try:
            async with self._client.post(
                self.webhook_url,
                data=json.dumps(update, ensure_ascii=False).encode(),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as response:
                status = response.status
                if 200 <= status < 300:
                    await self._webhook_reply(response)
                else:
                    reason = response.reason or ""
                    self._last_webhook_error = (
                        int(time.time()),
                        f"Wrong response from the webhook: {status} {reason}",
                    )
        except (aiohttp.ClientError, TimeoutError) as error:
            status = 0
            self._last_webhook_error = (int(time.time()), f"Connection failed: {error!r}")
        self.webhook_deliveries.append(
            {"update_id": update["update_id"], "status": status, "attempt": attempt, "at": at}
        )
        return status

    async def _webhook_reply(self, response: aiohttp.ClientResponse) -> None:
        """Execute a method call returned in the webhook answer's body, like Telegram."""
        params: JsonDict = {}
        if response.content_type == "application/json":
            body = await response.json(content_type=None)
            if isinstance(body, dict):
                params = body
        elif response.content_type.startswith("multipart/"):
            reader = aiohttp.MultipartReader.from_response(response)
            while (part := await reader.next()) is not None:
                if isinstance(part, aiohttp.BodyPartReader) and part.name:
                    params[part.name] = self._decode(part.name, await part.text())
        else:
            await response.read()
        method = params.pop("method", None)
        if isinstance(method, str) and method:
            method = _CANONICAL.get(method.lower(), method)
            call: JsonDict = {"method": method, "params": params, "at": time.monotonic()}
            call.update(status=None, via="webhook")
            self.calls.append(call)
            call["status"], _ = await self._call(method, params)


def _chat_key(params: JsonDict) -> int | None:
    value = params.get("chat_id")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value))
    except ValueError:
        return None
