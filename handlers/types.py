"""What the conversation core receives and keeps: channel-agnostic values.

Channel adapters (terminal, web chat, Telegram) translate their updates into an
`Incoming` and render `Reply` objects back; nothing here knows any channel's library.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from handlers.replies import Reply

# A catalog lookup (`Catalog.t`, or one wrapped for digits or terms): id and arguments in.
Translate = Callable[..., str]

# Channels whose replies travel back in the response to the request that carried the
# message, and that redraw the transcript on the next visit (terminal, web chat): their
# outbox rows are recorded as already delivered.
IMMEDIATE_CHANNELS = frozenset({"terminal", "web"})
# Channels that take free-form messages only for a while after the person's last message
# (WhatsApp's 24-hour customer-service window); templates go outside it.
WINDOW_CHANNELS = frozenset({"whatsapp"})


@dataclass(frozen=True)
class Attachment:
    """A file the beneficiary sent, kept as the channel's own reference."""

    file_id: str
    kind: str  # "photo" | "document" | "audio" | "voice" | "video" | "sticker" | "other"
    size: int | None = None
    name: str | None = None
    mime: str | None = None

    def to_dict(self) -> dict[str, object]:
        """As kept in a draft, a transcript or a completion: JSON, nothing but the reference."""
        return asdict(self)


@dataclass(frozen=True)
class Incoming:
    channel: str  # "terminal" | "web" | "telegram" | "whatsapp"
    chat_id: str  # where replies go on that channel
    user_id: str  # who wrote, on that channel
    text: str = ""
    payload: str | None = None  # a pressed button's payload
    contact: str | None = None  # a shared phone number: the sender's own
    foreign_contact: bool = False  # a contact card of someone else was shared (refused)
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    # The channel's id of this update; a second update with the same id is ignored.
    external_id: str | None = None
    display_name: str | None = None
    # What was typed, when `text` has its national IDs and phone numbers masked
    # (handlers/identifiers.py); only the form's ID and mobile steps read it.
    clear_text: str | None = None

    @property
    def as_typed(self) -> str:
        return self.text if self.clear_text is None else self.clear_text


@dataclass(frozen=True)
class TranscriptEntry:
    direction: Literal["in", "out"]
    text: str
    buttons: tuple[str, ...]  # labels
    at: datetime
    payloads: tuple[str, ...] = ()  # the buttons' payloads, in the same order
    id: int = 0  # the message's id: increasing, so a page can ask for what came after it
    nav: tuple[bool, ...] = ()  # which buttons are navigation, in the same order
    files: tuple[str, ...] = ()  # the names of the files the message brought, if any


class ChatEngine(Protocol):
    """What a channel needs from the core."""

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """Process one update; returns the replies for channels that answer at once.

        A duplicate (same channel and external_id) returns [] and changes nothing.
        """
        ...

    async def transcript(
        self, channel: str, chat_id: str, limit: int = 200
    ) -> list[TranscriptEntry]:
        """The conversation so far, oldest first, for a channel that redraws it."""
        ...


class BatchEngine(ChatEngine, Protocol):
    """A core that also takes a polled batch of updates in one go."""

    async def handle_many(self, incomings: Sequence[Incoming]) -> list[list[Reply]]:
        """`handle` for each, in order, in one transaction; the replies of each."""
        ...
