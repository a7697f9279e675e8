"""Messages out: the outbox's messages sent to Telegram, its errors turned into the
dispatcher's decisions (retry later, retry, give up)."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot.channels.telegram.client import MAX_TEXT
from bot.channels.telegram.keyboards import markup
from handlers.staff_inbox import StaffInbox
from handlers.types import Translate
from scheduler.dispatcher import SENT_PARTS, Permanent, RetryLater, Transient


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


class TelegramSender:
    """Sends one outbox message; Telegram's errors become the dispatcher's decisions."""

    def __init__(self, bot: Bot, tr: Translate, *, paid_broadcast: bool = False) -> None:
        self.bot = bot
        self.share_label = tr("tg-share-phone")
        # None, not False: the parameter stays out of the request unless it is wanted.
        self.paid = True if paid_broadcast else None

    async def send(self, chat_id: str, body: dict[str, Any]) -> None:
        chunks = split_text(str(body.get("text") or ""))
        keyboard = markup(body, self.share_label)
        # A retry after a 429 in the middle of a long text goes on from where it stopped.
        done = int(body.get(SENT_PARTS) or 0)
        try:
            for i in range(done, len(chunks)):
                last = i == len(chunks) - 1
                await self.bot.send_message(
                    chat_id=int(chat_id),
                    text=chunks[i],
                    reply_markup=keyboard if last else None,
                    allow_paid_broadcast=self.paid,
                )
                done = i + 1
        except TelegramRetryAfter as exc:
            raise RetryLater(float(exc.retry_after), sent_parts=done) from exc
        except TelegramAPIError as exc:
            decision = _decision(exc)
            if decision is None:
                raise
            raise decision from exc


def _decision(exc: TelegramAPIError) -> Exception | None:
    """What the dispatcher does about a failed send to a person; None: not ours to say."""
    if isinstance(exc, TelegramForbiddenError):
        return Permanent("blocked")
    if isinstance(exc, TelegramNotFound):
        return Permanent("chat not found")
    if isinstance(exc, TelegramBadRequest):
        if "chat not found" in str(exc).lower():
            return Permanent("chat not found")
        return Permanent(f"bad request: {exc}")
    if isinstance(exc, (TelegramServerError, TelegramNetworkError)):
        return Transient(str(exc))
    return None


class StaffSender:
    """Sends to the staff group: a case's first message opens its forum topic."""

    def __init__(self, bot: Bot, inbox: StaffInbox) -> None:
        self.bot = bot
        self.inbox = inbox

    async def send(self, chat_id: str, body: dict[str, Any]) -> None:
        try:
            await self._send(int(chat_id), body)
        except TelegramRetryAfter as exc:
            raise RetryLater(float(exc.retry_after)) from exc
        except TelegramAPIError as exc:
            decision = _staff_decision(exc)
            if decision is None:
                raise
            raise decision from exc

    async def _send(self, chat: int, body: dict[str, Any]) -> None:
        case_id = body.get("case_id")
        thread, card = await self._place(chat, case_id, body)
        keyboard = markup(body, "")
        for chunk in split_text(str(body.get("text") or "")):
            sent = await self.bot.send_message(
                chat_id=chat,
                text=chunk,
                message_thread_id=thread,
                reply_to_message_id=card if thread is None else None,
                reply_markup=keyboard if body.get("buttons") else None,
            )
            if isinstance(case_id, int) and body.get("new_case") and card is None:
                card = sent.message_id
                await self.inbox.set_thread(case_id, thread, card)

    async def _place(
        self, chat: int, case_id: object, body: dict[str, Any]
    ) -> tuple[int | None, int | None]:
        """The case's forum topic and card message, the topic opened for a new case."""
        thread: int | None = body.get("thread_id")
        if not isinstance(case_id, int):
            return thread, None
        thread, card = await self.inbox.thread_of(case_id)
        if body.get("new_case") and thread is None and card is None:
            thread = await self._open_topic(chat, str(body.get("topic") or case_id))
            # Remember the topic before sending into it: a retry must not open another.
            await self.inbox.set_thread(case_id, thread, None)
        return thread, card

    async def _open_topic(self, chat: int, name: str) -> int | None:
        try:
            topic = await self.bot.create_forum_topic(chat_id=chat, name=name[:128])
        except TelegramBadRequest:
            return None  # a group without topics: staff answer by replying to the card
        return topic.message_thread_id


def _staff_decision(exc: TelegramAPIError) -> Exception | None:
    """What the dispatcher does about a failed send to the staff group."""
    if isinstance(exc, TelegramForbiddenError):
        return Permanent("removed from the staff group")
    if isinstance(exc, (TelegramServerError, TelegramNetworkError)):
        return Transient(str(exc))
    if isinstance(exc, TelegramBadRequest):
        return Permanent(f"bad request: {exc}")
    return None
