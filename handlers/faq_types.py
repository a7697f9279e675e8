"""What the learning FAQ's use cases hand out: groups of unanswered questions, edits,
entries, and the FAQ in service (`LiveFaq`). `handlers/faq_learning.py` re-exports them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from faq.service import FaqService

# The kinds of edit (`FaqEdit.kind`).
PHRASING = "phrasing"  # questions added to an entry (teach, assign)
ENTRY = "entry"  # a new entry: its answer and questions
ANSWER = "answer"  # an entry's answer replaced
NEGATIVE = "negative"  # questions marked out of scope (reject)
REVERT = "revert"  # undoes the edit it names
EDIT_KINDS = (PHRASING, ENTRY, ANSWER, NEGATIVE, REVERT)

# What a person did right after a question the bot was unsure of (`MissGroup.outcomes`).
OUTCOME_PICKED = "picked"  # pressed one of the offered topics (the payload's intent is kept)
OUTCOME_NONE = "none"  # "none of these"
OUTCOME_HANDOVER = "handover"  # asked for (or was handed to) a person
OUTCOME_OTHER = "other"  # wrote something else
OUTCOME_NOTHING = "nothing"  # nothing (yet)


@dataclass(frozen=True)
class MissGroup:
    """Similar questions the bot did not answer well, biggest first in `groups`.

    `key` stays the same while the group is listed (it names the group's oldest question),
    so a page may show it now and act on it later. `examples` are masked, distinct, newest
    first; `candidates` are intents, the likeliest first (what people pressed counts most).
    """

    key: str
    count: int
    examples: list[str]
    candidates: list[str]
    first_seen: datetime
    last_seen: datetime
    # How often each decision led here: "clarify", "handover", "down" (a 👎 on the answer).
    decisions: dict[str, int] = field(default_factory=dict)
    # What people did next: OUTCOME_* → count.
    outcomes: dict[str, int] = field(default_factory=dict)
    # The intents people pressed after a clarify, with how often.
    picked: dict[str, int] = field(default_factory=dict)
    # Every distinct wording in the group (what assign / reject / create_entry teach).
    texts: tuple[str, ...] = ()
    ids: tuple[int, ...] = ()  # the stored questions in it


@dataclass(frozen=True)
class FaqEdit:
    """One change to the FAQ, as the history shows it."""

    id: int
    kind: str  # one of EDIT_KINDS
    intent: str | None
    answer: str | None  # ENTRY and ANSWER
    questions: list[str]  # PHRASING, ENTRY, NEGATIVE (masked)
    actor: str
    at: datetime
    reverted: bool  # a later REVERT undid it
    reverts: int | None = None  # REVERT: the edit it undid
    group: str | None = None  # the group it handled, when it came from one
    # The answer it replaced (ANSWER), for the history to show what changed.
    previous_answer: str | None = None
    version: int = 0  # the FAQ's version once this edit is in


@dataclass(frozen=True)
class EntryView:
    """One entry of the FAQ in service, as an editor shows it."""

    intent: str
    answer: str  # with its placeholders, as stored
    questions: list[str]
    source: str | None
    edited: bool  # its answer or questions come (partly) from edits


class LiveFaq:
    """The FAQ in service and its version; swapped whole after a retrain.

    Readers call `current()` for every question, so a swap takes effect at the next one
    and a question already being answered finishes on the version it started with.
    """

    def __init__(self, service: FaqService, version: int = 0) -> None:
        self._service = service
        self._version = version

    def current(self) -> FaqService:
        return self._service

    @property
    def version(self) -> int:
        return self._version

    def swap(self, service: FaqService, version: int) -> None:
        """Put `service` in service, unless a newer version is there already."""
        if version >= self._version:
            self._service, self._version = service, version
