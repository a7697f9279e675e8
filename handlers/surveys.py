"""The satisfaction survey (the policy's "قياس رضا المستفيد"): its rules.

A survey is scheduled when a request reaches service_delivered or a handover case is
closed, due after the profile's delay and outside quiet hours; it is linked to what it
measures and to the staff member who handled it. Once due it is sent (the question with
1–5 buttons, in the transcript and the outbox), reminded once after a day and closed after
a week. The answer is `handlers.survey_answers`; a campaign, `handlers.survey_campaign`.

Functions taking a session add and lock but never commit: the caller's use case commits.
The job functions (`send_due`, `remind_and_expire`) open their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from faq.bidi import ltr
from handlers.clock import Clock
from handlers.quiet import QuietHours
from handlers.replies import Button, Reply
from handlers.types import IMMEDIATE_CHANNELS, Translate
from storage import repositories as repo
from storage import staff_accounts
from storage import surveys as stored
from storage.db import Database, Session
from storage.models import Conversation, HandoverCase, SupportRequest, Survey

RATINGS = (1, 2, 3, 4, 5)
PAYLOAD = "sv"


@dataclass(frozen=True)
class SurveyPolicy:
    """When surveys (and other automated messages) go out; per profile."""

    delay: timedelta = timedelta(hours=2)
    remind_after: timedelta = timedelta(hours=24)
    expires_after: timedelta = timedelta(days=7)
    # How often a request still under review gets a "still under review" update.
    update_every: timedelta = timedelta(days=7)
    quiet: QuietHours = field(default_factory=QuietHours)

    @classmethod
    def from_profile(
        cls, surveys: dict[str, Any] | None, quiet_hours: dict[str, Any] | None = None
    ) -> SurveyPolicy:
        data = surveys or {}
        try:
            return cls(
                delay=timedelta(hours=float(data.get("delay_hours", 2))),
                remind_after=timedelta(hours=float(data.get("reminder_hours", 24))),
                expires_after=timedelta(days=float(data.get("expiry_days", 7))),
                update_every=timedelta(days=float(data.get("update_days", 7))),
                quiet=QuietHours.from_profile(quiet_hours),
            )
        except (TypeError, ValueError) as exc:
            raise ValueError(f"invalid surveys in profile: {exc}") from exc


# -- scheduling (inside the caller's transaction) --------------------------------------------


async def staff_id_for(session: Session, actor: str) -> int | None:
    """The staff member behind an actor string such as "staff:huda", if there is one."""
    kind, _, username = actor.partition(":")
    if kind != "staff" or not username:
        return None
    return await staff_accounts.id_of(session, username)


async def _schedule(
    session: Session,
    subject: SupportRequest | HandoverCase,
    policy: SurveyPolicy,
    now: datetime,
    **values: Any,
) -> bool:
    """A scheduled survey, due after the delay; False when its subject already has one."""
    row = {
        "beneficiary_id": subject.beneficiary_id,
        "conversation_id": subject.conversation_id,
        **values,
        "status": "scheduled",
        "due_at": policy.quiet.release(now + policy.delay),
        "created_at": now,
    }
    return await stored.insert(session, row) is not None


async def schedule_for_request(
    session: Session,
    request: SupportRequest,
    *,
    staff_id: int | None,
    policy: SurveyPolicy,
    now: datetime,
) -> bool:
    """The survey after a delivered service; a second call for the same request does nothing."""
    values = {"request_id": request.id, "staff_id": staff_id, "trigger": "service_delivered"}
    return await _schedule(session, request, policy, now, **values)


async def schedule_for_case(
    session: Session, case: HandoverCase, *, policy: SurveyPolicy, now: datetime
) -> bool:
    """The survey after a closed handover case, linked to the researcher who had it."""
    values = {"case_id": case.id, "staff_id": case.assignee_id, "trigger": "case_closed"}
    return await _schedule(session, case, policy, now, **values)


# -- the question -----------------------------------------------------------------------------


def question(tr: Translate, survey_id: int, subject: str | None, *, reminder: bool) -> Reply:
    """The 1–5 question; `subject` is the request's reference, or None for a case."""
    text = (
        tr("survey-question-request", reference=ltr(subject))
        if subject
        else tr("survey-question-case")
    )
    if reminder:
        text = tr("survey-reminder") + "\n" + text
    buttons = tuple(Button(tr(f"survey-rating-{n}"), f"{PAYLOAD}:{survey_id}:{n}") for n in RATINGS)
    return Reply(text, buttons)


async def subject_of(session: Session, survey: Survey) -> str | None:
    """The reference of the request the survey rates; None for a case or feedback."""
    if survey.request_id is None:
        return None
    request = await session.get(SupportRequest, survey.request_id)
    return request.reference if request is not None else None


def send_time(conversation: Conversation, policy: SurveyPolicy, now: datetime) -> datetime:
    """Now, or after quiet hours on a channel that pushes (the web chat shows it on return)."""
    return now if conversation.channel in IMMEDIATE_CHANNELS else policy.quiet.release(now)


def deliver(
    session: Session,
    conversation: Conversation,
    reply: Reply,
    *,
    policy: SurveyPolicy,
    now: datetime,
    kind: str = "survey",
) -> datetime:
    """An automated message: transcript + outbox, held until quiet hours end; when it goes."""
    immediate = conversation.channel in IMMEDIATE_CHANNELS
    at = send_time(conversation, policy, now)
    body = reply.to_dict()
    _transcribe(session, conversation, reply.text, body, at)
    repo.add_outbox(
        session, conversation, body=body, due_at=at, now=now, delivered=immediate, kind=kind
    )
    return at


def _transcribe(
    session: Session, conversation: Conversation, text: str, body: dict[str, Any], at: datetime
) -> None:
    data = {"buttons": body["buttons"]}
    repo.add_message(
        session,
        conversation,
        direction="out",
        author="bot",
        text=text,
        data=data,
        case_id=None,
        now=at,
    )


def set_waiting(conversation: Conversation, value: dict[str, Any] | None, survey_id: int) -> None:
    """Mark (or, with None, unmark) the conversation as waiting for this survey's answer."""
    state = dict(conversation.state or {})
    current = state.get("survey")
    if value is None:
        if not (isinstance(current, dict) and current.get("id") == survey_id):
            return
        state.pop("survey")
    else:
        state["survey"] = value
    repo.set_state(conversation, state)


async def _send(
    session: Session,
    conversation: Conversation,
    survey: Survey,
    tr: Translate,
    policy: SurveyPolicy,
    now: datetime,
) -> None:
    reply = question(tr, survey.id, await subject_of(session, survey), reminder=False)
    at = deliver(session, conversation, reply, policy=policy, now=now)
    survey.status = "sent"
    survey.sent_at = at
    survey.expires_at = at + policy.expires_after
    set_waiting(conversation, {"id": survey.id, "await": "rating"}, survey.id)


# -- jobs -------------------------------------------------------------------------------------


async def send_due(
    db: Database, clock: Clock, tr: Translate, policy: SurveyPolicy, *, limit: int = 500
) -> int:
    """Send the surveys whose time has come; returns how many."""
    now = clock.now()
    async with db.transaction() as session:
        due = await stored.locked_due(session, now, limit)
        for conversation, survey in due:
            await _send(session, conversation, survey, tr, policy, now)
    return len(due)


async def remind_and_expire(
    db: Database, clock: Clock, tr: Translate, policy: SurveyPolicy, *, limit: int = 500
) -> tuple[int, int]:
    """One reminder a day after an unanswered survey; closed after its week. (reminded, expired)"""
    now = clock.now()
    async with db.transaction() as session:
        expired = await stored.locked_expired(session, now, limit)
        for conversation, survey in expired:
            survey.status = "expired"
            set_waiting(conversation, None, survey.id)
        remind = await stored.locked_to_remind(session, now, policy.remind_after, limit)
        for conversation, survey in remind:
            reply = question(tr, survey.id, await subject_of(session, survey), reminder=True)
            survey.reminded_at = deliver(session, conversation, reply, policy=policy, now=now)
    return len(remind), len(expired)
