"""The Telegram channel on aiogram 3: updates in (long polling), messages out (the outbox).

Polling confirms an update to Telegram only by asking for the next ones with a higher
offset, and this loop asks only after the engine has stored the update: a kill -9 at any
moment loses nothing Telegram considers delivered, and what it delivers again is handled
once (the update id is the inbound id). Replies go through the outbox; `TelegramSender`
renders them (inline keyboards, the "share my number" keyboard, messages over 4,096
characters split) and maps Telegram's errors to the dispatcher's retry decisions.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    CreateForumTopic,
    DeleteWebhook,
    EditMessageText,
    GetFile,
    GetUpdates,
    SendMessage,
    SetMyCommands,
    SetWebhook,
)
from aiogram.methods import (
    Response as ApiResponse,
)
from aiogram.types import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy.exc import InterfaceError, OperationalError

from bot.channels.web.body_limit import read_at_most
from handlers.staff_inbox import StaffInbox
from handlers.types import Attachment, BatchEngine, ChatEngine, Incoming
from scheduler.dispatcher import SENT_PARTS, Permanent, RetryLater, Transient

log = logging.getLogger(__name__)

CHANNEL = "telegram"
MAX_TEXT = 4096
MAX_CAPTION = 1024
# What is kept of a longer text ends with this (no Telegram client sends one; a forged
# update might).
CUT_MARK = " ✂…"
_SURROGATE = re.compile("[\ud800-\udfff]")
CALLBACK_DATA_BYTES = 64
COMMANDS = ("start", "menu", "help", "cancel")
ALLOWED_UPDATES = ["message", "callback_query"]
Translate = Callable[..., str]


def make_bot(token: str, api_base: str | None) -> Bot:
    """A Bot on Telegram, or on the server TELEGRAM_API_BASE names (self-hosted or a test)."""
    _pin_response_models()
    if api_base:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_base.rstrip("/")))
        return Bot(token, session=session)
    return Bot(token)


# aiogram parses every answer with `Response[<the method's result>]`; pydantic keeps such
# parametrized classes only weakly, so after each garbage collection it built them again
# (a tenth of the adapter's CPU time under load). The methods the bot calls are pinned here.
_PINNED: dict[Any, type] = {}
_METHODS = (
    SendMessage,
    GetUpdates,
    AnswerCallbackQuery,
    EditMessageText,
    CreateForumTopic,
    GetFile,
    SetMyCommands,
    SetWebhook,
    DeleteWebhook,
)


def _pin_response_models() -> None:
    for method in _METHODS:
        returning = method.__returning__
        if returning not in _PINNED:
            _PINNED[returning] = ApiResponse[returning]  # type: ignore[valid-type]


async def set_commands(bot: Bot, tr: Translate) -> None:
    await bot.set_my_commands(
        [BotCommand(command=c, description=tr(f"tg-command-{c}")) for c in COMMANDS]
    )


# -- updates in -----------------------------------------------------------------------------


def to_incoming(update: Update) -> Incoming | None:
    """The update as the conversation core sees it; None for what the bot ignores."""
    external_id = str(update.update_id)
    if update.callback_query is not None:
        query = update.callback_query
        message = query.message
        if message is None or query.data is None or message.chat.type != "private":
            return None
        chat = str(message.chat.id)
        return Incoming(
            CHANNEL, chat, str(query.from_user.id), payload=query.data, external_id=external_id
        )
    message = update.message
    if message is None or message.chat.type != "private" or message.from_user is None:
        return None
    sender = message.from_user
    attachments: list[Attachment] = []
    if message.photo:
        largest = message.photo[-1]
        attachments.append(Attachment(largest.file_id, "photo", largest.file_size))
    if message.document is not None:
        doc = message.document
        attachments.append(
            Attachment(doc.file_id, "document", doc.file_size, doc.file_name, doc.mime_type)
        )
    for kind in ("voice", "audio", "video", "sticker"):
        media = getattr(message, kind)
        if media is not None:
            attachments.append(Attachment(media.file_id, kind, getattr(media, "file_size", None)))
    contact = message.contact
    own_contact = contact is not None and contact.user_id == sender.id
    return Incoming(
        CHANNEL,
        str(message.chat.id),
        str(sender.id),
        text=_clean(message.text, MAX_TEXT) or _clean(message.caption, MAX_CAPTION),
        contact=contact.phone_number if contact is not None and own_contact else None,
        # Someone else's number shared as a contact is refused, never stored.
        foreign_contact=contact is not None and not own_contact,
        attachments=tuple(attachments),
        external_id=external_id,
        display_name=_clean(sender.full_name, 256),
    )


def _clean(text: str | None, limit: int) -> str:
    """A text as it can be stored: a lone surrogate (which no database takes) replaced,
    and at most the channel's own limit kept."""
    if not text:
        return ""
    text = _SURROGATE.sub("\ufffd", text)
    return text if len(text) <= limit else text[:limit] + CUT_MARK


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

    async def run(self, stop: asyncio.Event) -> None:
        offset: int | None = None
        failures = 0
        while not stop.is_set():
            try:
                updates = await self.bot.get_updates(
                    offset=offset, timeout=self.timeout, allowed_updates=ALLOWED_UPDATES
                )
                self.on_up()
                if updates:
                    await self._store(updates)
                    offset = updates[-1].update_id + 1
                    # Stop the buttons' spinners; the answers themselves come as messages.
                    await asyncio.gather(
                        *(self._ack(u.callback_query.id) for u in updates if u.callback_query)
                    )
                failures = 0
            except TelegramRetryAfter as exc:
                await _sleep_unless(stop, exc.retry_after)
            except (TelegramNetworkError, TelegramServerError) as exc:
                failures += 1
                self.on_down()
                log.warning("getUpdates failed (%s); retrying", type(exc).__name__)
                await _sleep_unless(stop, min(30.0, 0.5 * 2**failures))
            except Exception:
                # The engine could not store an update (the database is down, say): the
                # offset stays, so Telegram delivers it again once we can take it.
                failures += 1
                log.exception("handling an update failed; it will be delivered again")
                await _sleep_unless(stop, min(30.0, 0.5 * 2**failures))

    async def _store(self, updates: list[Update]) -> None:
        """The batch, in order: beneficiaries' updates together in one transaction (group
        commit), each update from the staff group on its own."""
        pending: list[Incoming] = []
        for update in updates:
            if (
                self.staff is not None
                and self.staff_chat_id is not None
                and _from_chat(update, self.staff_chat_id)
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


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


# -- messages out ---------------------------------------------------------------------------


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Telegram's 4,096-character limit, cut at line breaks where possible."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        chunks.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    chunks.append(rest)
    return chunks


def _markup(body: dict[str, Any], share_label: str) -> Any:
    buttons = tuple(
        (str(b["label"]), str(b.get("payload", "")), bool(b.get("nav", False)))
        for b in body.get("buttons") or []
        if isinstance(b, dict)
    )
    return _keyboard(buttons, bool(body.get("request_contact")), share_label)


@functools.lru_cache(maxsize=512)
def _keyboard(
    buttons: tuple[tuple[str, str, bool], ...], request_contact: bool, share_label: str
) -> Any:
    # Most messages carry one of a few keyboards (👍/👎, the menu): built once each.
    # Navigation (back, cancel, the menu) goes in a last row of its own, apart from choices.
    choices = [(label, payload) for label, payload, nav in buttons if not nav]
    navigation = [(label, payload) for label, payload, nav in buttons if nav]
    if request_contact:
        # A reply keyboard can't carry inline buttons: the others become text buttons,
        # whose labels the form understands ("➡️ رجوع", "✖️ إلغاء").
        rows = [[KeyboardButton(text=share_label, request_contact=True)]]
        rows += [[KeyboardButton(text=label)] for label, _ in choices]
        if navigation:
            rows.append([KeyboardButton(text=label) for label, _ in navigation])
        return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, one_time_keyboard=True)
    if not buttons:
        return ReplyKeyboardRemove()
    inline = [
        InlineKeyboardButton(text=label, callback_data=payload)
        for label, payload in choices
        if len(payload.encode()) <= CALLBACK_DATA_BYTES
    ]
    per_row = 2 if all(len(b.text) <= 18 for b in inline) else 1
    rows_inline = [inline[i : i + per_row] for i in range(0, len(inline), per_row)]
    nav_row = [
        InlineKeyboardButton(text=label, callback_data=payload)
        for label, payload in navigation
        if len(payload.encode()) <= CALLBACK_DATA_BYTES
    ]
    if nav_row:
        rows_inline.append(nav_row)
    return InlineKeyboardMarkup(inline_keyboard=rows_inline)


class TelegramSender:
    """Sends one outbox message; Telegram's errors become the dispatcher's decisions."""

    def __init__(self, bot: Bot, tr: Translate) -> None:
        self.bot = bot
        self.share_label = tr("tg-share-phone")

    async def send(self, chat_id: str, body: dict[str, Any]) -> None:
        chunks = split_text(str(body.get("text") or ""))
        markup = _markup(body, self.share_label)
        # A retry after a 429 in the middle of a long text goes on from where it stopped.
        done = int(body.get(SENT_PARTS) or 0)
        try:
            for i in range(done, len(chunks)):
                last = i == len(chunks) - 1
                await self.bot.send_message(
                    chat_id=int(chat_id), text=chunks[i], reply_markup=markup if last else None
                )
                done = i + 1
        except TelegramRetryAfter as exc:
            raise RetryLater(float(exc.retry_after), sent_parts=done) from exc
        except TelegramForbiddenError as exc:
            raise Permanent("blocked") from exc
        except TelegramNotFound as exc:
            raise Permanent("chat not found") from exc
        except TelegramBadRequest as exc:
            if "chat not found" in str(exc).lower():
                raise Permanent("chat not found") from exc
            raise Permanent(f"bad request: {exc}") from exc
        except (TelegramServerError, TelegramNetworkError) as exc:
            raise Transient(str(exc)) from exc


class StaffSender:
    """Sends to the staff group: a case's first message opens its forum topic."""

    def __init__(self, bot: Bot, inbox: StaffInbox) -> None:
        self.bot = bot
        self.inbox = inbox

    async def send(self, chat_id: str, body: dict[str, Any]) -> None:
        chat = int(chat_id)
        case_id = body.get("case_id")
        thread: int | None = body.get("thread_id")
        card: int | None = None
        try:
            if isinstance(case_id, int):
                thread, card = await self.inbox.thread_of(case_id)
                if body.get("new_case") and thread is None and card is None:
                    thread = await self._open_topic(chat, str(body.get("topic") or case_id))
                    # Remember the topic before sending into it: a retry must not open another.
                    await self.inbox.set_thread(case_id, thread, None)
            markup = _markup(body, "")
            for chunk in split_text(str(body.get("text") or "")):
                sent = await self.bot.send_message(
                    chat_id=chat,
                    text=chunk,
                    message_thread_id=thread,
                    reply_to_message_id=card if thread is None else None,
                    reply_markup=markup if body.get("buttons") else None,
                )
                if isinstance(case_id, int) and body.get("new_case") and card is None:
                    card = sent.message_id
                    await self.inbox.set_thread(case_id, thread, card)
        except TelegramRetryAfter as exc:
            raise RetryLater(float(exc.retry_after)) from exc
        except TelegramForbiddenError as exc:
            raise Permanent("removed from the staff group") from exc
        except (TelegramServerError, TelegramNetworkError) as exc:
            raise Transient(str(exc)) from exc
        except TelegramBadRequest as exc:
            raise Permanent(f"bad request: {exc}") from exc

    async def _open_topic(self, chat: int, name: str) -> int | None:
        try:
            topic = await self.bot.create_forum_topic(chat_id=chat, name=name[:128])
        except TelegramBadRequest:
            return None  # a group without topics: staff answer by replying to the card
        return topic.message_thread_id


async def route_update(
    update: Update, engine: ChatEngine, staff: StaffInbox | None, staff_chat_id: int | None
) -> None:
    """An update to the staff inbox if it comes from the staff group, else to the engine."""
    if (
        staff is not None
        and staff_chat_id is not None
        and await staff_update(staff, update, staff_chat_id)
    ):
        return
    incoming = to_incoming(update)
    if incoming is not None:
        await engine.handle(incoming)


def _from_chat(update: Update, chat_id: int) -> bool:
    if update.callback_query is not None:
        message = update.callback_query.message
        return message is not None and message.chat.id == chat_id
    return update.message is not None and update.message.chat.id == chat_id


async def staff_update(inbox: StaffInbox, update: Update, staff_chat_id: int) -> bool:
    """Route an update from the staff group to the inbox; False if it is not from there."""
    if update.callback_query is not None:
        query = update.callback_query
        if query.message is None or query.message.chat.id != staff_chat_id:
            return False
        await inbox.handle(
            update_id=update.update_id,
            user_id=query.from_user.id,
            text="",
            thread_id=getattr(query.message, "message_thread_id", None),
            reply_to=None,
            callback=query.data or "",
        )
        return True
    message = update.message
    if message is None or message.chat.id != staff_chat_id:
        return False
    if message.from_user is None or message.from_user.is_bot:
        return True
    await inbox.handle(
        update_id=update.update_id,
        user_id=message.from_user.id,
        text=message.text or message.caption or "",
        thread_id=message.message_thread_id if message.is_topic_message else None,
        reply_to=message.reply_to_message.message_id if message.reply_to_message else None,
        callback=None,
    )
    return True


# -- webhook mode ---------------------------------------------------------------------------

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/telegram/webhook"


Reject = Callable[[str | None, str, int], Awaitable[None]]
# Telegram's updates are a few kilobytes; anything near this is not one.
WEBHOOK_MAX_BYTES = 1024 * 1024
# A database that is down (or busy) is worth Telegram's redelivery; anything else the same
# update would hit again and again, so it is recorded and answered 200.
_TRANSIENT = (OperationalError, InterfaceError, OSError, TimeoutError)


def webhook_router(
    opened: Callable[[], tuple[Bot | None, StaffInbox | None]],
    secret: str,
    tr: Translate,
    staff_chat_id: int | None = None,
    reject: Callable[[], Reject | None] = lambda: None,
) -> APIRouter:
    """POST /telegram/webhook: the update is stored before the 200 goes back.

    Telegram delivers again whatever did not get a 2xx, so a kill -9 before the answer
    loses nothing, and a second delivery is recognised by its update id. A wrong or
    missing secret token is refused with 403 and nothing is processed; a body over 1 MB
    with 413, unread. An update that parses as JSON but can't be read or stored is
    recorded as rejected and answered 200, so that it is not redelivered for hours.
    """
    router = APIRouter()

    async def rejected(update_id: str | None, reason: str, size: int) -> Response:
        log.warning("telegram webhook: update %s rejected (%s)", update_id, reason)
        record = reject()
        if record is not None:
            await record(update_id, reason, size)
        return Response(status_code=200)

    @router.post(WEBHOOK_PATH)
    async def webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return JSONResponse({"error": tr("tg-webhook-forbidden")}, status_code=403)
        body = await read_at_most(request, WEBHOOK_MAX_BYTES)
        if body is None:
            return JSONResponse({"error": tr("tg-webhook-too-large")}, status_code=413)
        try:
            data = json.loads(body)
        except RecursionError:
            return await rejected(None, "nested too deeply", len(body))
        except ValueError:
            return JSONResponse({"error": tr("tg-webhook-bad-update")}, status_code=400)
        update_id = str(data.get("update_id")) if isinstance(data, dict) else None
        try:
            update = Update.model_validate(data)
        except (ValidationError, RecursionError) as exc:
            return await rejected(update_id, f"not an update: {type(exc).__name__}", len(body))
        engine: ChatEngine = request.app.state.engine
        bot, staff = opened()
        try:
            await route_update(update, engine, staff, staff_chat_id)
        except _TRANSIENT:
            raise
        except Exception as exc:
            log.exception("telegram webhook: update %s could not be stored", update_id)
            return await rejected(update_id, f"not stored: {type(exc).__name__}", len(body))
        if update.callback_query is not None and bot is not None:
            with contextlib.suppress(TelegramAPIError):
                await bot.answer_callback_query(update.callback_query.id)
        return Response(status_code=200)

    return router
