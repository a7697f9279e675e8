"""A support request's lifecycle.

The dialog files a request (`file`) and completes one staff asked more of (`complete`);
staff move it along `submitted → under_review → needs_info ⇄ under_review → accepted |
rejected → service_delivered → closed` (`set_status`, for the command line and the staff
desk), which records who did it and why and puts a status message for the beneficiary in
the outbox, all in one transaction; a delivered service also schedules its satisfaction
survey (handlers/surveys.py). The periodic reminders (scheduler/jobs.py) follow the rules
at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from faq.bidi import ltr
from handlers.clock import Clock
from handlers.dates import format_date
from handlers.errors import Refusal
from handlers.references import normalize_reference
from handlers.replies import Button, Reply
from handlers.surveys import SurveyPolicy, schedule_for_request, staff_id_for
from handlers.types import IMMEDIATE_CHANNELS, Translate
from storage import repositories as repo
from storage import requests as store
from storage.db import Database, Session
from storage.models import Conversation, RequestStatus, SupportRequest

S = RequestStatus

# Keyed by str as well: a status read from the database is a plain string.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.UNDER_REVIEW, S.NEEDS_INFO, S.ACCEPTED, S.REJECTED, S.CLOSED}),
    S.UNDER_REVIEW: frozenset({S.NEEDS_INFO, S.ACCEPTED, S.REJECTED}),
    S.NEEDS_INFO: frozenset({S.UNDER_REVIEW, S.REJECTED, S.CLOSED}),
    S.ACCEPTED: frozenset({S.SERVICE_DELIVERED, S.CLOSED}),
    S.REJECTED: frozenset({S.CLOSED}),
    S.SERVICE_DELIVERED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}
STATUSES = tuple(TRANSITIONS)
# Every change after filing concerns the beneficiary, so every one is told.
BENEFICIARY_FACING = frozenset(STATUSES) - {S.SUBMITTED}
DECISIONS = frozenset({S.ACCEPTED, S.REJECTED})
# Requests whose beneficiary waits for the committee: they get "still under review" news.
WAITING = (S.SUBMITTED, S.UNDER_REVIEW)
# Requests the association still owes a decision on: past the review period, staff hear.
UNDECIDED = (S.SUBMITTED, S.UNDER_REVIEW, S.NEEDS_INFO)


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


# -- filed and completed by the beneficiary -----------------------------------------------


async def file(
    session: Session,
    conversation: Conversation,
    data: dict[str, Any],
    actor: str,
    now: datetime,
) -> str:
    """The form's answers become a submitted request; returns its reference."""
    beneficiary_id = await store.link_national_id(
        session, conversation, str(data["national_id_hash"])
    )
    request = await store.add_request(session, _new(beneficiary_id, conversation, data, now))
    # Read over the phone: the month it was filed and a number nobody else has.
    request.reference = f"{now:%y%m}-{request.id:05d}"
    # The note: what the person wrote at the attachments step ("سأحضرها للمقر").
    note = data.get("attachments_note")
    store.add_first_transition(session, request, actor=actor, note=note, now=now)
    files = list(data.get("attachments") or [])
    store.add_attachments(session, request.id, conversation.channel, files, now)
    _audit(session, actor, "request.submitted", request, {"type": request.type}, now)
    return request.reference


def _new(
    beneficiary_id: int, conversation: Conversation, data: dict[str, Any], now: datetime
) -> SupportRequest:
    return SupportRequest(
        beneficiary_id=beneficiary_id,
        conversation_id=conversation.id,
        type=str(data["type"]),
        status=S.SUBMITTED,
        full_name=str(data["name"]),
        national_id_enc=str(data["national_id_enc"]),
        phone_enc=str(data["phone_enc"]),
        city=str(data["city"]),
        description=str(data["description"]),
        declaration_version=str(data["declaration_version"]),
        declared_at=datetime.fromisoformat(str(data["declared_at"])),
        submitted_at=now,
        updated_at=now,
    )


async def complete(
    session: Session,
    conversation: Conversation,
    change: dict[str, Any],
    actor: str,
    now: datetime,
) -> None:
    """What the beneficiary sent for their request; one staff asked more of goes back to review."""
    request = await store.request_for_update(session, int(change["request_id"]))
    if request is None or request.beneficiary_id != conversation.beneficiary_id:
        return
    note = _completed(session, request, conversation.channel, change, now)
    if request.status == S.NEEDS_INFO:
        store.add_transition(
            session, request, to_status=S.UNDER_REVIEW, actor=actor, note=note, now=now
        )
        request.status = S.UNDER_REVIEW
        request.missing_info = None
    request.updated_at = now


def _completed(
    session: Session,
    request: SupportRequest,
    channel: str,
    change: dict[str, Any],
    now: datetime,
) -> str:
    """The change applied; the note the request's history keeps of it."""
    if change.get("attachments"):
        store.add_attachments(session, request.id, channel, change["attachments"], now)
        return "attachment"
    if change.get("note"):
        # What the person wrote back ("سأحضرها للمقر", or the information asked for):
        # staff read it in the request's history.
        return str(change["note"])
    return _correct(request, change)


def _correct(request: SupportRequest, change: dict[str, Any]) -> str:
    """A field the beneficiary wrote again; the sealed ones come sealed from the form."""
    field = str(change["field"])
    if field == "national_id":
        request.national_id_enc = str(change["national_id_enc"])
    elif field == "phone":
        request.phone_enc = str(change["phone_enc"])
    elif field == "name":
        request.full_name = str(change["name"])
    else:
        setattr(request, field, str(change[field]))
    return f"corrected:{field}"


# -- moved along by staff -----------------------------------------------------------------


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
    wanted, note = _checked(status, note)
    now = clock.now()
    async with db.transaction() as session:
        request = await store.request_by_reference(session, normalize_reference(reference))
        if request is None:
            raise TransitionError("status-error-no-request", reference=reference)
        previous = request.status
        if wanted not in TRANSITIONS[previous]:
            raise TransitionError(
                "status-error-transition",
                current=tr(f"status-{previous}"),
                wanted=tr(f"status-{wanted}"),
            )
        await _move(session, request, wanted, note, actor, surveys or SurveyPolicy(), now)
        notified = await _tell_beneficiary(session, request, wanted, note, tr, now)
        return StatusChange(request.reference or reference, previous, wanted, notified)


def _checked(status: str, note: str | None) -> tuple[RequestStatus, str | None]:
    """The status asked for, and the note without blank space; refused before any lock."""
    if status not in TRANSITIONS:
        raise TransitionError("status-error-unknown", status=status, known=", ".join(STATUSES))
    note = (note or "").strip() or None
    if status == S.NEEDS_INFO and note is None:
        raise TransitionError("status-error-needs-note")
    return S(status), note


async def _move(
    session: Session,
    request: SupportRequest,
    status: RequestStatus,
    note: str | None,
    actor: str,
    surveys: SurveyPolicy,
    now: datetime,
) -> None:
    previous = request.status
    store.add_transition(session, request, to_status=status, actor=actor, note=note, now=now)
    request.status = status
    request.updated_at = now
    request.missing_info = note if status == S.NEEDS_INFO else None
    if status in DECISIONS:
        request.decided_at = now
    if status == S.SERVICE_DELIVERED:
        staff_id = await staff_id_for(session, actor)
        await schedule_for_request(session, request, staff_id=staff_id, policy=surveys, now=now)
    _audit(session, actor, "request.status", request, {"from": previous, "to": status}, now)


async def _tell_beneficiary(
    session: Session,
    request: SupportRequest,
    status: RequestStatus,
    note: str | None,
    tr: Translate,
    now: datetime,
) -> bool:
    """The status message, on the beneficiary's own channel; False when nobody is told."""
    conversation = await session.get(Conversation, request.conversation_id)
    if status not in BENEFICIARY_FACING or conversation is None:
        return False
    message = _status_message(request, status, note, tr, now).to_dict()
    # The facts a channel's short form of the message needs (a WhatsApp template's fields).
    facts = {"reference": request.reference or "", "status": tr(f"status-{status}")}
    repo.record_reply(
        session,
        conversation,
        {**message, "facts": facts},
        author="staff",
        case_id=None,
        now=now,
        delivered=conversation.channel in IMMEDIATE_CHANNELS,
        kind="status",
    )
    return True


def _status_message(
    request: SupportRequest, status: RequestStatus, note: str | None, tr: Translate, now: datetime
) -> Reply:
    reference = ltr(request.reference or "")
    text = tr(
        "status-message",
        reference=reference,
        status=tr(f"status-{status}"),
        date=format_date(now, tr),
        next=tr(f"status-next-{status}"),
    )
    if note:
        text += "\n" + tr("status-message-note", note=note)
    buttons: tuple[Button, ...] = ()
    if status == S.NEEDS_INFO:
        buttons = (Button(tr("requests-complete", reference=reference), f"complete:{request.id}"),)
    return Reply(text, buttons)


def _audit(
    session: Session,
    actor: str,
    action: str,
    request: SupportRequest,
    details: dict[str, Any],
    now: datetime,
) -> None:
    subject = f"request:{request.reference}"
    repo.audit(session, actor=actor, action=action, subject=subject, details=details, now=now)


# -- the reminders' rules -----------------------------------------------------------------


def progress_update_due(
    request: SupportRequest, last_update: datetime | None, now: datetime, every: timedelta
) -> bool:
    """A request waiting `every` since its last change or "still under review" hears again."""
    last = max(request.updated_at, last_update or request.updated_at)
    return now - last >= every


def review_overdue_since(now: datetime, review_days: int) -> datetime:
    """Requests filed before then are past the review period, if still undecided."""
    return now - timedelta(days=review_days)
