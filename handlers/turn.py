"""What one turn of the conversation decided, for the engine to record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from handlers.replies import Reply
from storage.models import RequestStatus

State = dict[str, Any]

# A request is "open" while the association is still working on it: one of the same type
# can't be filed again meanwhile.
OPEN_STATUSES = frozenset(
    {
        RequestStatus.SUBMITTED,
        RequestStatus.UNDER_REVIEW,
        RequestStatus.NEEDS_INFO,
        RequestStatus.ACCEPTED,
    }
)


def in_form(state: State) -> bool:
    """Whether the form is in progress (a paused draft waits without taking messages)."""
    form = state.get("form")
    return isinstance(form, dict) and not form.get("paused")


@dataclass(frozen=True)
class RequestView:
    """What the dialog may know of one of the beneficiary's requests."""

    id: int
    reference: str
    type: str
    status: str
    submitted_at: datetime
    updated_at: datetime
    missing_info: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class Context:
    """Facts from the database the dialog needs this turn, loaded by the engine."""

    requests: tuple[RequestView, ...] = ()


@dataclass(frozen=True)
class Miss:
    """A question the FAQ did not answer well, for staff to teach it (already masked).

    `decision` is "clarify", "handover" or "down" (the answer to it got a 👎; `intent` is
    what was answered). `candidates` are (intent, score), the likeliest first.
    """

    text: str
    decision: str
    intent: str | None = None
    score: float = 0.0
    candidates: tuple[tuple[str, float], ...] = ()
    outcome: str | None = None  # known already: the turn itself handed over


@dataclass
class Turn:
    state: State
    replies: list[Reply] = field(default_factory=list)
    open_case: str | None = None  # the reason, when this turn hands over to a person
    close_case: bool = False
    on_case: bool = False  # the incoming message belongs to the open case's transcript
    # The transcript keeps this instead of what was typed (a national ID, a phone number).
    redact_inbound: str | None = None
    # A completed form to file: the engine stores it and asks the dialog for the receipt.
    submit: dict[str, Any] | None = None
    # Something a needs-info request was waiting for: an attachment or a corrected field.
    complete: dict[str, Any] | None = None
    # A survey answer (a rating, a comment, a skip) for the engine to check and store.
    survey: dict[str, Any] | None = None
    # A question to keep for the unanswered-questions inbox (handlers/faq_misses.py).
    miss: Miss | None = None
    # What the person did after the previous turn's miss: (outcome, the intent pressed).
    miss_outcome: tuple[str, str | None] | None = None
