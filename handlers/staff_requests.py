"""The staff side of a request's lifecycle (design.md, "Request lifecycle").

`set_status` moves a request along `submitted → under_review → needs_info ⇄ under_review
→ accepted | rejected → service_delivered → closed`, records who did it and why, and puts
a status message for the beneficiary in the outbox, all in one transaction; a delivered
service also schedules its satisfaction survey (handlers/surveys.py). The command
line (`bot.py request set-status`) and, later, the staff inbox call it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from handlers.bidi import ltr
from handlers.clock import Clock
from handlers.dates import format_date
from handlers.errors import Refusal
from handlers.references import normalize_reference
from handlers.replies import Button, Reply
from handlers.surveys import SurveyPolicy, schedule_for_request, staff_id_for
from handlers.types import IMMEDIATE_CHANNELS
from storage import repositories as repo
from storage.db import Database
from storage.models import Conversation

Translate = Callable[..., str]

TRANSITIONS: dict[str, frozenset[str]] = {
    "submitted": frozenset({"under_review", "needs_info", "accepted", "rejected", "closed"}),
    "under_review": frozenset({"needs_info", "accepted", "rejected"}),
    "needs_info": frozenset({"under_review", "rejected", "closed"}),
    "accepted": frozenset({"service_delivered", "closed"}),
    "rejected": frozenset({"closed"}),
    "service_delivered": frozenset({"closed"}),
    "closed": frozenset(),
}
STATUSES = tuple(TRANSITIONS)
# Every change after filing concerns the beneficiary, so every one is told.
BENEFICIARY_FACING = frozenset(STATUSES) - {"submitted"}
DECISIONS = frozenset({"accepted", "rejected"})


class TransitionError(Refusal):
    """A change the lifecycle does not allow (on the web: 409 Conflict)."""

    def __init__(self, message_id: str, /, **arguments: object) -> None:
        super().__init__(message_id, http_status=409, **arguments)


@dataclass(frozen=True)
class StatusChange:
    reference: str
    from_status: str
    to_status: str
    notified: bool


async def set_status(
    db: Database,
    clock: Clock,
    tr: Translate,
    *,
    reference: str,
    status: str,
    note: str | None,
    actor: str,
    surveys: SurveyPolicy | None = None,
) -> StatusChange:
    if status not in TRANSITIONS:
        raise TransitionError("status-error-unknown", status=status, known=", ".join(STATUSES))
    note = (note or "").strip() or None
    if status == "needs_info" and note is None:
        raise TransitionError("status-error-needs-note")
    now = clock.now()
    async with db.transaction() as session:
        request = await repo.request_by_reference(session, normalize_reference(reference))
        if request is None:
            raise TransitionError("status-error-no-request", reference=reference)
        previous = request.status
        if status not in TRANSITIONS[previous]:
            raise TransitionError(
                "status-error-transition",
                current=tr(f"status-{previous}"),
                wanted=tr(f"status-{status}"),
            )
        repo.add_transition(session, request, to_status=status, actor=actor, note=note, now=now)
        request.status = status
        request.updated_at = now
        request.missing_info = note if status == "needs_info" else None
        if status in DECISIONS:
            request.decided_at = now
        if status == "service_delivered":
            await schedule_for_request(
                session,
                request,
                staff_id=await staff_id_for(session, actor),
                policy=surveys or SurveyPolicy(),
                now=now,
            )
        repo.audit(
            session,
            actor=actor,
            action="request.status",
            subject=f"request:{request.reference}",
            details={"from": previous, "to": status},
            now=now,
        )
        conversation = await session.get(Conversation, request.conversation_id)
        notified = status in BENEFICIARY_FACING and conversation is not None
        if notified and conversation is not None:
            text = tr(
                "status-message",
                reference=ltr(request.reference or ""),
                status=tr(f"status-{status}"),
                date=format_date(now, tr),
                next=tr(f"status-next-{status}"),
            )
            if note:
                text += "\n" + tr("status-message-note", note=note)
            buttons: tuple[Button, ...] = ()
            if status == "needs_info":
                buttons = (
                    Button(
                        tr("requests-complete", reference=ltr(request.reference or "")),
                        f"complete:{request.id}",
                    ),
                )
            repo.record_reply(
                session,
                conversation,
                Reply(text, buttons).to_dict(),
                author="staff",
                case_id=None,
                now=now,
                delivered=conversation.channel in IMMEDIATE_CHANNELS,
                kind="status",
            )
        return StatusChange(request.reference or reference, previous, status, notified)
