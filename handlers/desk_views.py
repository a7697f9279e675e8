"""What the staff desk shows: rows of the inbox's lists, a case's page, a request's page.

Plain frozen values built from the database's rows (handlers/staff_desk.py reads them);
the web pages in bot/staff_web/ render them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from handlers import windows
from storage import cases as case_store
from storage.db import Session
from storage.models import Conversation, Message, SupportRequest


@dataclass(frozen=True)
class CaseRow:
    id: int
    reason: str
    status: str
    channel: str
    who: str | None  # the name the channel gave, if any
    chat_mask: str
    # What staff call them: channel and first name, or "website visitor 12"; never a chat id.
    label: str
    assignee: str | None
    assignee_id: int | None
    opened_at: datetime
    closed_at: datetime | None
    # Since when the beneficiary has been waiting for a person; None when staff spoke last.
    waiting_since: datetime | None


@dataclass(frozen=True)
class MessageView:
    id: int
    direction: str
    author: str
    text: str
    at: datetime
    attachments: int
    # The text shows national IDs or phone numbers masked; an admin may reveal them.
    masked: bool = False
    # A bare command the beneficiary sent ("start" for /start): staff read what it did.
    command: str | None = None
    # What the channel reported of a message out (sent, delivered, read, failed; held: it
    # waits for WhatsApp's window); None where the channel reports nothing.
    delivery: str | None = None


_COMMAND = re.compile(r"/([A-Za-z_]{1,32})(?:@\w+)?(?:\s+\S+)?")


def command_of(text: str) -> str | None:
    """ "start" for "/start", "/start@TawasulBot" or a deep link "/start ref"; else None."""
    found = _COMMAND.fullmatch(text.strip())
    return found.group(1).lower() if found else None


@dataclass(frozen=True)
class RequestRow:
    reference: str
    type: str
    status: str
    full_name: str
    city: str
    channel: str
    submitted_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class CaseView:
    case: CaseRow
    messages: tuple[MessageView, ...]
    requests: tuple[RequestRow, ...]
    # A free-form reply can't reach the person now (WhatsApp, 24 hours after their last
    # message): the page says so before staff write one.
    window_closed: bool = False

    @property
    def has_identifiers(self) -> bool:
        return any(m.masked for m in self.messages)


@dataclass(frozen=True)
class RevealedIdentifier:
    """One number a beneficiary typed in the conversation, in clear, for an admin."""

    message_id: int
    at: datetime
    kind: str  # "national_id" | "phone"
    mask: str
    value: str


@dataclass(frozen=True)
class AttachmentView:
    id: int
    channel: str
    kind: str
    name: str | None
    size: int | None
    mime: str | None
    file_id: str


@dataclass(frozen=True)
class TransitionView:
    from_status: str | None
    to_status: str
    actor: str
    note: str | None
    at: datetime


@dataclass(frozen=True)
class RequestView:
    row: RequestRow
    national_id_masked: str
    phone_masked: str
    description: str
    missing_info: str | None
    declaration_version: str
    # 1 for the first wording of the declaration beneficiaries accepted, 2 after it changed…
    declaration_number: int
    declared_at: datetime
    decided_at: datetime | None
    attachments: tuple[AttachmentView, ...]
    transitions: tuple[TransitionView, ...]
    next_statuses: tuple[str, ...]


@dataclass(frozen=True)
class Revealed:
    national_id: str
    phone: str


def waiting_since(messages: list[Message], opened_at: datetime) -> datetime | None:
    """The first beneficiary message after staff last spoke (oldest first in `messages`)."""
    since: datetime | None = opened_at
    for m in messages:
        if m.author == "staff":
            since = None
        elif m.direction == "in" and since is None:
            since = m.created_at
    return since


def request_row(r: SupportRequest, channel: str) -> RequestRow:
    return RequestRow(
        reference=r.reference or "",
        type=r.type,
        status=r.status,
        full_name=r.full_name,
        city=r.city,
        channel=channel,
        submitted_at=r.submitted_at,
        updated_at=r.updated_at,
    )


def message_view(m: Message, delivery: str | None = None) -> MessageView:
    return MessageView(
        id=m.id,
        direction=m.direction,
        author=m.author,
        text=m.text,
        at=m.created_at,
        attachments=len(m.data.get("attachments") or []),
        masked=m.identifiers_enc is not None,
        command=command_of(m.text) if m.direction == "in" else None,
        delivery=delivery if m.direction == "out" else None,
    )


async def channel_word(
    session: Session, conversation: Conversation, recent: list[Message], now: datetime
) -> tuple[dict[tuple[datetime, str], str], bool]:
    """What the channel said of each recent message out (WhatsApp's ticks, by time and
    text), and whether a free-form reply reaches the person now (the 24-hour window)."""
    since = recent[0].created_at if recent else now
    said = await case_store.deliveries(session, conversation.id, since)
    return said, await windows.is_open(session, conversation.channel, conversation.chat_id, now)
