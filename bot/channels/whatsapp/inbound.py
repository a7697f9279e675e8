"""Notifications in: Meta's webhook notification as the core sees it — each message a
beneficiary sent as an `Incoming`, what became of Tawasul's own messages as a `Status`, and
what could not be read as a reason; nothing in a notification ever raises."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from bot.channels.whatsapp.models import (
    MESSAGES_FIELD,
    NOTIFICATION_OBJECT,
    Change,
    Contact,
    Entry,
    Error,
    Media,
    Message,
    MessageStatus,
    Notification,
)
from faq.bidi import ltr
from faq.normalize import to_ascii_digits
from handlers.types import Attachment, Incoming, Translate

CHANNEL = "whatsapp"
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_NAME = 256
MAX_PAYLOAD = 256
# What is kept of a longer text ends with this, as on Telegram (WhatsApp's own clients
# send no longer text; a forged notification might).
CUT_MARK = " ✂…"
_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_A_DIGIT = re.compile("[^0-9]")
_Model = TypeVar("_Model", bound=BaseModel)


@dataclass(frozen=True)
class Status:
    """What became of a message Tawasul sent (its wamid): sent, delivered, read or failed."""

    wamid: str
    status: str
    at: datetime  # aware, UTC
    recipient: str | None
    error_code: int | None = None
    error_title: str | None = None


@dataclass(frozen=True)
class Batch:
    """One notification, read: what to hand the engine and record, in Meta's order."""

    messages: list[Incoming] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)
    # What could not be read, and where: recorded, never raised (Meta retries otherwise).
    rejected: list[str] = field(default_factory=list)
    # The messages to mark read: every one handed to the engine.
    reads: list[str] = field(default_factory=list)
    # Messages read and deliberately left alone (reactions): recorded as processed.
    ignored: list[str] = field(default_factory=list)


def parse(data: object, tr: Translate, number: str | None = None) -> Batch:
    """A notification's messages and statuses; `tr` words what a message only implies (a
    shared location). With `number` (our phone number id), what Meta sends for another
    number of the same business account is left out, as rejected: it is not ours to answer."""
    batch = Batch()
    note = _read(Notification, data, "notification", batch)
    if note is None or note.object != NOTIFICATION_OBJECT:
        if note is not None:
            batch.rejected.append(f"notification: object {note.object!r} is not read")
        return batch
    for i, raw in enumerate(note.entry):
        entry = _read(Entry, raw, f"entry {i}", batch)
        for j, change in enumerate(entry.changes if entry is not None else []):
            _read_change(batch, f"entry {i} change {j}", change, tr, number)
    return batch


def _read(model: type[_Model], raw: object, where: str, batch: Batch) -> _Model | None:
    """`raw` as `model`, or None with the reason recorded (no value of the input in it)."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(part) for part in first["loc"])
        batch.rejected.append(f"{where}: {place + ': ' if place else ''}{first['msg']}")
        return None


def _read_change(batch: Batch, where: str, raw: object, tr: Translate, number: str | None) -> None:
    change = _read(Change, raw, where, batch)
    if change is None:
        return
    if change.field != MESSAGES_FIELD:
        batch.rejected.append(f"{where}: field {change.field!r} is not read")
        return
    value = change.value
    ours = value.metadata.phone_number_id if value.metadata is not None else None
    if number is not None and ours is not None and ours != number:
        batch.rejected.append(f"{where}: for another phone number")
        return
    for k, raw_error in enumerate(value.errors):
        # A notification of Meta's own trouble, with no message to answer.
        error = _read(Error, raw_error, f"{where} error {k}", batch)
        if error is not None:
            batch.rejected.append(f"{where} error {k}: {error.code} {error.title or ''}")
    names = _names(batch, where, value.contacts)
    for k, message in enumerate(value.messages):
        _read_message(batch, f"{where} message {k}", message, names, tr)
    for k, status in enumerate(value.statuses):
        _read_status(batch, f"{where} status {k}", status)


def _names(batch: Batch, where: str, contacts: list[object]) -> dict[str, str]:
    """Who wrote, by wa_id: the name each has set in WhatsApp."""
    names: dict[str, str] = {}
    for k, raw in enumerate(contacts):
        contact = _read(Contact, raw, f"{where} contact {k}", batch)
        if contact is not None and contact.profile is not None and contact.profile.name:
            names[contact.wa_id] = _clean(contact.profile.name, MAX_NAME)
    return names


def _read_message(
    batch: Batch, where: str, raw: object, names: dict[str, str], tr: Translate
) -> None:
    message = _read(Message, raw, where, batch)
    if message is None:
        return
    if message.type == "reaction":
        batch.ignored.append(message.id)
        return
    base = Incoming(
        CHANNEL,
        message.sender,
        message.sender,
        external_id=message.id,
        display_name=names.get(message.sender) or None,
    )
    said = _READERS.get(message.type, _other)(message, base, tr)
    batch.messages.append(said or _other(message, base, tr))
    batch.reads.append(message.id)


def _read_status(batch: Batch, where: str, raw: object) -> None:
    status = _read(MessageStatus, raw, where, batch)
    if status is None:
        return
    at = _moment(status.timestamp)
    if at is None:
        batch.rejected.append(f"{where}: timestamp is not a Unix time")
        return
    error = status.errors[0] if status.errors else None
    batch.statuses.append(
        Status(
            status.id,
            status.status,
            at,
            status.recipient_id,
            error.code if error is not None else None,
            (error.title or error.message) if error is not None else None,
        )
    )


def _moment(timestamp: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(timestamp), UTC)
    except (ValueError, OverflowError, OSError):
        return None


# -- each type of message: its Incoming, or None when it lacks what its type promises ------

_Reader = Callable[[Message, Incoming, Translate], Incoming | None]


def _text(message: Message, base: Incoming, tr: Translate) -> Incoming | None:
    if message.text is None:
        return None
    return dataclasses.replace(base, text=_clean(message.text.body, MAX_TEXT))


def _interactive(message: Message, base: Incoming, tr: Translate) -> Incoming | None:
    """A reply button pressed or a list's row chosen: its id is the core's payload."""
    interactive = message.interactive
    choice = interactive and (interactive.button_reply or interactive.list_reply)
    if not choice:
        return None
    return dataclasses.replace(base, payload=_clean(choice.id, MAX_PAYLOAD))


def _template_button(message: Message, base: Incoming, tr: Translate) -> Incoming | None:
    """A template's quick-reply button: its payload, or its text if it came without one."""
    button = message.button
    if button is None or not (button.payload or button.text):
        return None
    if button.payload:
        return dataclasses.replace(base, payload=_clean(button.payload, MAX_PAYLOAD))
    return dataclasses.replace(base, text=_clean(button.text, MAX_TEXT))


def _media(message: Message, base: Incoming, tr: Translate) -> Incoming | None:
    media: Media | None = getattr(message, message.type)
    if media is None:
        return None
    kind = _KINDS[message.type]
    if message.type == "audio" and media.voice:
        kind = "voice"
    name = _clean(media.filename, MAX_NAME) if message.type == "document" else ""
    attachment = Attachment(media.id, kind, None, name or None, media.mime_type)
    return dataclasses.replace(
        base, text=_clean(media.caption, MAX_CAPTION), attachments=(attachment,)
    )


def _contacts(message: Message, base: Incoming, tr: Translate) -> Incoming | None:
    """The person's own number (for the form's mobile), or someone else's card (refused)."""
    if not message.contacts:
        return None
    sender = _digits(message.sender)
    phones = [phone for card in message.contacts for phone in card.phones]
    if sender and any(sender in (_digits(p.wa_id), _digits(p.phone)) for p in phones):
        # The number WhatsApp knows the sender by, in international form, whatever form
        # the card has it in ("050…", "+966 50 …").
        return dataclasses.replace(base, contact=f"+{sender}")
    return dataclasses.replace(base, foreign_contact=True)


def _location(message: Message, base: Incoming, tr: Translate) -> Incoming | None:
    location = message.location
    if location is None:
        return None
    parts = (location.name, location.address)
    place = " ".join(part.strip() for part in parts if part and part.strip())
    coordinates = ltr(f"{round(location.latitude, 6)}, {round(location.longitude, 6)}")
    if place:
        text = tr("wa-location", place=place, coordinates=coordinates)
    else:
        text = tr("wa-location-bare", coordinates=coordinates)
    return dataclasses.replace(base, text=_clean(text, MAX_TEXT))


def _other(message: Message, base: Incoming, tr: Translate) -> Incoming:
    """What the core can't read (unsupported, a new type): it answers as for a sticker on
    Telegram; the wamid stands for the file it can't fetch."""
    return dataclasses.replace(base, attachments=(Attachment(message.id, "other"),))


_KINDS = {
    "image": "photo",
    "document": "document",
    "audio": "audio",
    "video": "video",
    "sticker": "sticker",
}
_READERS: dict[str, _Reader] = {
    "text": _text,
    "interactive": _interactive,
    "button": _template_button,
    **dict.fromkeys(_KINDS, _media),
    "contacts": _contacts,
    "location": _location,
}


def _digits(phone: str | None) -> str:
    return _NOT_A_DIGIT.sub("", to_ascii_digits(phone or ""))


def _clean(text: str | None, limit: int) -> str:
    """A text as it can be stored: a lone surrogate (which no database takes) replaced,
    and at most the channel's own limit kept (as Telegram's adapter does)."""
    if not text:
        return ""
    text = _SURROGATE.sub("\ufffd", text)
    return text if len(text) <= limit else text[:limit] + CUT_MARK
