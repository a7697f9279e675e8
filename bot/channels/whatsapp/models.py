"""Meta's webhook notification for the WhatsApp Cloud API, as pydantic models.

Lenient on purpose: Meta adds fields without notice and a hand-made or older payload may
lack some, so every model keeps what it does not know (`extra="allow"`) and most fields are
optional. The containers (entries, changes, messages, statuses, contacts) hold raw items:
each item is read on its own (`inbound.parse`), so one that is malformed is rejected
without losing the rest of the notification.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

NOTIFICATION_OBJECT = "whatsapp_business_account"
MESSAGES_FIELD = "messages"


class _Lenient(BaseModel):
    # A number where Meta documents a string (wa_id, timestamp) is taken as its digits.
    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)


class Notification(_Lenient):
    object: str
    entry: list[Any] = Field(default_factory=list)


class Entry(_Lenient):
    id: str | None = None
    changes: list[Any] = Field(default_factory=list)


class Metadata(_Lenient):
    display_phone_number: str | None = None
    phone_number_id: str | None = None


class Value(_Lenient):
    messaging_product: str | None = None
    metadata: Metadata | None = None
    contacts: list[Any] = Field(default_factory=list)
    messages: list[Any] = Field(default_factory=list)
    statuses: list[Any] = Field(default_factory=list)
    errors: list[Any] = Field(default_factory=list)


class Change(_Lenient):
    field: str
    value: Value


class Profile(_Lenient):
    name: str | None = None


class Contact(_Lenient):
    """Who wrote: `contacts[]` of a change's value, beside its messages."""

    wa_id: str
    profile: Profile | None = None


class Error(_Lenient):
    code: int | None = None
    title: str | None = None
    message: str | None = None


class Text(_Lenient):
    body: str = ""


class ReplyChoice(_Lenient):
    """A pressed reply button (`button_reply`) or a chosen list row (`list_reply`)."""

    id: str
    title: str | None = None
    description: str | None = None


class Interactive(_Lenient):
    type: str
    button_reply: ReplyChoice | None = None
    list_reply: ReplyChoice | None = None


class TemplateButton(_Lenient):
    """A template's quick-reply button, pressed."""

    payload: str | None = None
    text: str | None = None


class Media(_Lenient):
    """An image, document, audio (a voice note when `voice`), video or sticker."""

    id: str
    mime_type: str | None = None
    sha256: str | None = None
    caption: str | None = None
    filename: str | None = None
    voice: bool = False


class Phone(_Lenient):
    phone: str | None = None
    wa_id: str | None = None
    type: str | None = None


class ContactName(_Lenient):
    formatted_name: str | None = None


class SharedContact(_Lenient):
    """A contact card the person shared."""

    name: ContactName | None = None
    phones: list[Phone] = Field(default_factory=list)


class Location(_Lenient):
    latitude: float
    longitude: float
    name: str | None = None
    address: str | None = None


class Reaction(_Lenient):
    message_id: str | None = None
    emoji: str | None = None


class Message(_Lenient):
    sender: str = Field(alias="from", min_length=1)
    id: str = Field(min_length=1)
    timestamp: str | None = None
    type: str
    text: Text | None = None
    interactive: Interactive | None = None
    button: TemplateButton | None = None
    image: Media | None = None
    document: Media | None = None
    audio: Media | None = None
    video: Media | None = None
    sticker: Media | None = None
    contacts: list[SharedContact] = Field(default_factory=list)
    location: Location | None = None
    reaction: Reaction | None = None
    errors: list[Error] = Field(default_factory=list)


class MessageStatus(_Lenient):
    """What became of a message Tawasul sent: sent, delivered, read or failed."""

    id: str = Field(min_length=1)
    status: str = Field(min_length=1)
    timestamp: str
    recipient_id: str | None = None
    errors: list[Error] = Field(default_factory=list)
