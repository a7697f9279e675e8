"""The FAQ that learns: what the bot couldn't answer, grouped for staff, and staff's edits.

Questions that ended in *clarify* or *handover*, or whose answer got a 👎, are kept (masked)
with their candidates and what the person did next (`handlers/faq_misses.py` records them
in the engine's transaction). Staff see them grouped by similarity (`groups`), and for a
group assign it to an entry, create an entry from it, or reject it as out of scope. Every
change to the FAQ is an edit in the database on top of the profile files: versioned (the
newest edit's id is the FAQ's version), audited (who and when) and reversible (a revert is
one more edit, so the history keeps everything).

After an edit the matcher is retrained in a worker thread while the old version keeps
answering; `LiveFaq` holds the version in service and is swapped once the new one is
ready. Every process on the database checks the version now and then (and on a wake-up)
and retrains when it moved (`FaqLearning.refresh`).

Every refusal is a `Refusal` with a catalog message (`bot/locales/*/teach.ftl`):
teach-error-unknown-intent (intent), teach-error-invalid-intent (intent),
teach-error-duplicate-intent (intent), teach-error-empty-question,
teach-error-only-identifier, teach-error-empty-answer, teach-error-no-questions,
teach-error-unknown-group (group), teach-error-unknown-edit (edit),
teach-error-already-reverted (edit), teach-error-revert-revert (edit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from faq.service import FaqService
    from handlers.clock import Clock
    from storage.db import Database

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


@dataclass(frozen=True)
class FaqEdit:
    """One change to the FAQ, as the history shows it."""

    id: int  # also the FAQ's version once this edit is in
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


class FaqLearning:
    """The use cases of the learning FAQ for one association (`org`, its profile's slug).

    `build` trains a service from the profile plus a list of active edits (in a worker
    thread: it takes seconds); `on_change` is told after each committed edit (the wiring
    wakes the other processes with it).
    """

    def __init__(
        self,
        db: Database,
        clock: Clock,
        live: LiveFaq,
        org: str,
        build: Callable[[list[FaqEdit]], FaqService],
        *,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.live = live
        self.org = org
        self._build = build
        self._on_change = on_change

    # -- the inbox ------------------------------------------------------------------------

    async def groups(self, limit: int = 50) -> list[MissGroup]:
        """The unhandled questions grouped by similarity, biggest groups first."""
        raise NotImplementedError

    async def group(self, key: str) -> MissGroup:
        """One group by its key; `Refusal("teach-error-unknown-group")` when it is gone."""
        raise NotImplementedError

    async def assign(self, key: str, intent: str, actor: str) -> FaqEdit:
        """The group's questions become phrasings of `intent`; the group leaves the list."""
        raise NotImplementedError

    async def create_entry(
        self, key: str | None, intent: str, answer: str, questions: list[str], actor: str
    ) -> FaqEdit:
        """A new entry `intent` with `answer`; its questions are `questions` plus, with a
        `key`, the group's (which then leaves the list)."""
        raise NotImplementedError

    async def reject(self, key: str, actor: str) -> FaqEdit:
        """The group's questions become out-of-scope examples; the group leaves the list."""
        raise NotImplementedError

    # -- direct edits ---------------------------------------------------------------------

    async def teach(self, question: str, intent: str, actor: str) -> FaqEdit:
        """`question` becomes a phrasing of `intent` (the same unhandled questions leave
        the list)."""
        raise NotImplementedError

    async def reject_question(self, question: str, actor: str) -> FaqEdit:
        """`question` becomes an out-of-scope example (`bot.py faq reject`)."""
        raise NotImplementedError

    async def edit_answer(self, intent: str, answer: str, actor: str) -> FaqEdit:
        """`intent`'s answer becomes `answer` (placeholders such as {phone} allowed)."""
        raise NotImplementedError

    def preview(self, answer: str) -> str:
        """`answer` as a beneficiary would read it: placeholders filled from the profile."""
        raise NotImplementedError

    async def entries(self) -> list[EntryView]:
        """Every entry of the FAQ in service, in the profile's order, new ones last."""
        raise NotImplementedError

    # -- history ----------------------------------------------------------------------------

    async def history(self, limit: int = 100) -> list[FaqEdit]:
        """The edits, newest first, reverted ones included (and marked)."""
        raise NotImplementedError

    async def revert(self, edit_id: int, actor: str) -> FaqEdit:
        """A new edit that undoes `edit_id` (questions it handled come back to the list)."""
        raise NotImplementedError

    # -- versions ---------------------------------------------------------------------------

    async def version(self) -> int:
        """The FAQ's version in the database (0: the profile alone)."""
        raise NotImplementedError

    async def refresh(self) -> bool:
        """Retrain (in a worker thread) when the database holds a newer version than
        `live`; True when a new version went into service."""
        raise NotImplementedError

    async def watch(self, every: float = 3.0) -> None:
        """Refresh every `every` seconds and at each `wake()`, until cancelled."""
        raise NotImplementedError

    def wake(self) -> None:
        """Another process changed the FAQ: look now (a wake-up listener)."""
        raise NotImplementedError
