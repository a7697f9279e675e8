"""Updates in: a Telegram update as the core sees it, a beneficiary's `Incoming` or a staff
group's message for the staff inbox."""

from __future__ import annotations

import re

from aiogram.types import CallbackQuery, Message, Update, User

from bot.channels.telegram.client import MAX_TEXT
from handlers.staff_inbox import StaffInbox
from handlers.types import Attachment, ChatEngine, Incoming

CHANNEL = "telegram"
MAX_CAPTION = 1024
# What is kept of a longer text ends with this (no Telegram client sends one; a forged
# update might).
CUT_MARK = " ✂…"
_SURROGATE = re.compile("[\ud800-\udfff]")
_MEDIA = ("voice", "audio", "video", "sticker")


def to_incoming(update: Update) -> Incoming | None:
    """The update as the conversation core sees it; None for what the bot ignores."""
    external_id = str(update.update_id)
    if update.callback_query is not None:
        return _pressed(update.callback_query, external_id)
    message = update.message
    if message is None or message.chat.type != "private" or message.from_user is None:
        return None
    return _said(message, message.from_user, external_id)


def _pressed(query: CallbackQuery, external_id: str) -> Incoming | None:
    message = query.message
    if message is None or query.data is None or message.chat.type != "private":
        return None
    chat = str(message.chat.id)
    return Incoming(
        CHANNEL, chat, str(query.from_user.id), payload=query.data, external_id=external_id
    )


def _said(message: Message, sender: User, external_id: str) -> Incoming:
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
        attachments=_attachments(message),
        external_id=external_id,
        display_name=_clean(sender.full_name, 256),
    )


def _attachments(message: Message) -> tuple[Attachment, ...]:
    attachments: list[Attachment] = []
    if message.photo:
        largest = message.photo[-1]
        attachments.append(Attachment(largest.file_id, "photo", largest.file_size))
    if message.document is not None:
        doc = message.document
        attachments.append(
            Attachment(doc.file_id, "document", doc.file_size, doc.file_name, doc.mime_type)
        )
    for kind in _MEDIA:
        media = getattr(message, kind)
        if media is not None:
            attachments.append(Attachment(media.file_id, kind, getattr(media, "file_size", None)))
    return tuple(attachments)


def _clean(text: str | None, limit: int) -> str:
    """A text as it can be stored: a lone surrogate (which no database takes) replaced,
    and at most the channel's own limit kept."""
    if not text:
        return ""
    text = _SURROGATE.sub("\ufffd", text)
    return text if len(text) <= limit else text[:limit] + CUT_MARK


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


def from_chat(update: Update, chat_id: int) -> bool:
    if update.callback_query is not None:
        message = update.callback_query.message
        return message is not None and message.chat.id == chat_id
    return update.message is not None and update.message.chat.id == chat_id


async def staff_update(inbox: StaffInbox, update: Update, staff_chat_id: int) -> bool:
    """Route an update from the staff group to the inbox; False if it is not from there."""
    if update.callback_query is not None:
        return await _staff_pressed(inbox, update.update_id, update.callback_query, staff_chat_id)
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


async def _staff_pressed(
    inbox: StaffInbox, update_id: int, query: CallbackQuery, staff_chat_id: int
) -> bool:
    if query.message is None or query.message.chat.id != staff_chat_id:
        return False
    await inbox.handle(
        update_id=update_id,
        user_id=query.from_user.id,
        text="",
        thread_id=getattr(query.message, "message_thread_id", None),
        reply_to=None,
        callback=query.data or "",
    )
    return True
