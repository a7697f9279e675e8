"""The satisfaction survey (design.md, flow 6; the policy's "قياس رضا المستفيد").

A survey is scheduled when a request reaches service_delivered or a handover case is
closed, due after the profile's delay and outside quiet hours; it is linked to what it
measures and to the staff member who handled it. Once due it is sent (the question with
1–5 buttons, in the transcript and the outbox), reminded once after a day and closed after
a week. The first rating is stored; a second tap is acknowledged, not stored; an optional
comment follows. A campaign (`bot.py survey push`) surveys every request in a status at once.

Functions taking a session add and lock but never commit: the caller's use case commits.
The job functions (`send_due`, `remind_and_expire`) and `push_campaign` open their own.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from handlers.bidi import ltr
from handlers.clock import Clock
from handlers.quiet import QuietHours
from handlers.replies import Button, Reply, menu_button
from handlers.turn import State, in_form
from handlers.types import IMMEDIATE_CHANNELS, Incoming
from storage import repositories as repo
from storage.db import Database
from storage.models import Conversation, HandoverCase, Staff, SupportRequest, Survey

Translate = Callable[..., str]
RATINGS = (1, 2, 3, 4, 5)
PAYLOAD = "sv"
MAX_COMMENT_CHARS = 2000
# The message after a rating is its comment only for a while: someone who comes back days
# later with a question must not have it filed as a comment.
COMMENT_WINDOW = timedelta(hours=1)
# What "rate the service" from the menu rates: a delivered service or a closed case.
RATEABLE_STATUSES = ("service_delivered", "closed")


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


def _insert_all(
    session: AsyncSession, rows: list[dict[str, Any]]
) -> postgresql.Insert | sqlite.Insert:
    """Insert surveys, skipping any whose (request|case, trigger) already has one."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(Survey).values(rows).on_conflict_do_nothing()


async def _insert(session: AsyncSession, values: dict[str, Any]) -> int | None:
    """Insert one survey; None when its (request|case, trigger) already has one."""
    stmt = _insert_all(session, [values]).returning(Survey.id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def staff_id_for(session: AsyncSession, actor: str) -> int | None:
    """The staff member behind an actor string such as "staff:huda", if there is one."""
    kind, _, username = actor.partition(":")
    if kind != "staff" or not username:
        return None
    found = await session.execute(select(Staff.id).where(Staff.username == username))
    return found.scalar_one_or_none()


async def schedule_for_request(
    session: AsyncSession,
    request: SupportRequest,
    *,
    staff_id: int | None,
    policy: SurveyPolicy,
    now: datetime,
) -> bool:
    """The survey after a delivered service; a second call for the same request does nothing."""
    created = await _insert(
        session,
        {
            "beneficiary_id": request.beneficiary_id,
            "conversation_id": request.conversation_id,
            "request_id": request.id,
            "staff_id": staff_id,
            "trigger": "service_delivered",
            "status": "scheduled",
            "due_at": policy.quiet.release(now + policy.delay),
            "created_at": now,
        },
    )
    return created is not None


async def schedule_for_case(
    session: AsyncSession, case: HandoverCase, *, policy: SurveyPolicy, now: datetime
) -> bool:
    """The survey after a closed handover case, linked to the researcher who had it."""
    created = await _insert(
        session,
        {
            "beneficiary_id": case.beneficiary_id,
            "conversation_id": case.conversation_id,
            "case_id": case.id,
            "staff_id": case.assignee_id,
            "trigger": "case_closed",
            "status": "scheduled",
            "due_at": policy.quiet.release(now + policy.delay),
            "created_at": now,
        },
    )
    return created is not None


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


async def _subject(session: AsyncSession, survey: Survey) -> str | None:
    if survey.request_id is None:
        return None
    request = await session.get(SupportRequest, survey.request_id)
    return request.reference if request is not None else None


def _send_time(conversation: Conversation, policy: SurveyPolicy, now: datetime) -> datetime:
    """Now, or after quiet hours on a channel that pushes (the web chat shows it on return)."""
    return now if conversation.channel in IMMEDIATE_CHANNELS else policy.quiet.release(now)


def deliver(
    session: AsyncSession,
    conversation: Conversation,
    reply: Reply,
    *,
    policy: SurveyPolicy,
    now: datetime,
    kind: str = "survey",
) -> datetime:
    """An automated message: transcript + outbox, held until quiet hours end; when it goes."""
    immediate = conversation.channel in IMMEDIATE_CHANNELS
    at = _send_time(conversation, policy, now)
    body = reply.to_dict()
    repo.add_message(
        session,
        conversation,
        direction="out",
        author="bot",
        text=reply.text,
        data={"buttons": body["buttons"]},
        case_id=None,
        now=at,
    )
    repo.add_outbox(
        session, conversation, body=body, due_at=at, now=now, delivered=immediate, kind=kind
    )
    return at


def _set_waiting(conversation: Conversation, value: dict[str, Any] | None, survey_id: int) -> None:
    """Mark (or, with None, unmark) the conversation as waiting for this survey's answer."""
    state = dict(conversation.state or {})
    current = state.get("survey")
    if value is None:
        if not (isinstance(current, dict) and current.get("id") == survey_id):
            return
        state.pop("survey")
    else:
        state["survey"] = value
    conversation.state = state
    flag_modified(conversation, "state")


async def _send(
    session: AsyncSession,
    conversation: Conversation,
    survey: Survey,
    tr: Translate,
    policy: SurveyPolicy,
    now: datetime,
) -> None:
    reply = question(tr, survey.id, await _subject(session, survey), reminder=False)
    at = deliver(session, conversation, reply, policy=policy, now=now)
    survey.status = "sent"
    survey.sent_at = at
    survey.expires_at = at + policy.expires_after
    _set_waiting(conversation, {"id": survey.id, "await": "rating"}, survey.id)


# -- jobs -------------------------------------------------------------------------------------


async def _locked(
    session: AsyncSession, condition: ColumnElement[bool], limit: int
) -> list[tuple[Conversation, Survey]]:
    """The surveys matching `condition`, each with its conversation, both locked.

    Locked in the engine's order (the conversation, then the survey; conversations in id
    order, like a campaign), so that a job and a person answering at that moment wait for
    each other instead of deadlocking; the
    condition is checked again once the locks are held, so two processes running the same
    job never act on one survey twice.
    """
    candidates = await session.execute(
        select(Survey.id, Survey.conversation_id)
        .where(condition)
        .order_by(Survey.conversation_id, Survey.id)
        .limit(limit)
    )
    found = []
    for survey_id, conversation_id in candidates.all():
        conversation = await session.get(Conversation, conversation_id, with_for_update=True)
        survey = (
            await session.execute(
                select(Survey)
                .where(Survey.id == survey_id, condition)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).scalar_one_or_none()
        if conversation is not None and survey is not None:
            found.append((conversation, survey))
    return found


async def send_due(
    db: Database, clock: Clock, tr: Translate, policy: SurveyPolicy, *, limit: int = 500
) -> int:
    """Send the surveys whose time has come; returns how many."""
    now = clock.now()
    async with db.transaction() as session:
        due = await _locked(session, (Survey.status == "scheduled") & (Survey.due_at <= now), limit)
        for conversation, survey in due:
            await _send(session, conversation, survey, tr, policy, now)
    return len(due)


async def remind_and_expire(
    db: Database, clock: Clock, tr: Translate, policy: SurveyPolicy, *, limit: int = 500
) -> tuple[int, int]:
    """One reminder a day after an unanswered survey; closed after its week. (reminded, expired)"""
    now = clock.now()
    async with db.transaction() as session:
        expired = await _locked(
            session, (Survey.status == "sent") & (Survey.expires_at <= now), limit
        )
        for conversation, survey in expired:
            survey.status = "expired"
            _set_waiting(conversation, None, survey.id)
        remind = await _locked(
            session,
            (Survey.status == "sent")
            & Survey.reminded_at.is_(None)
            & (Survey.sent_at <= now - policy.remind_after)
            & (Survey.expires_at > now),
            limit,
        )
        for conversation, survey in remind:
            reply = question(tr, survey.id, await _subject(session, survey), reminder=True)
            survey.reminded_at = deliver(session, conversation, reply, policy=policy, now=now)
    return len(remind), len(expired)


@dataclass(frozen=True)
class CampaignTarget:
    request_id: int
    beneficiary_id: int
    conversation_id: int
    reference: str


async def push_campaign(
    db: Database,
    clock: Clock,
    tr: Translate,
    policy: SurveyPolicy,
    *,
    status: str,
    since: datetime,
    batch: int = 500,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Survey every request in `status` updated since `since`, now (quiet hours permitting).

    Each request gets one `campaign` survey ever: a second run, or a run restarted after a
    crash, creates none twice. Batches commit one by one, so a long push that dies keeps
    what it queued. `progress(done, total)` follows it. Returns how many were created.
    """
    if since.tzinfo is None:
        raise ValueError("since must be timezone-aware")
    async with db.reading() as session:
        already = select(Survey.request_id).where(
            Survey.trigger == "campaign", Survey.request_id.is_not(None)
        )
        rows = await session.execute(
            select(
                SupportRequest.id,
                SupportRequest.beneficiary_id,
                SupportRequest.conversation_id,
                SupportRequest.reference,
            )
            .where(
                SupportRequest.status == status,
                SupportRequest.updated_at >= since,
                SupportRequest.id.not_in(already),
            )
            .order_by(SupportRequest.id)
        )
        targets = [CampaignTarget(r[0], r[1], r[2], r[3] or "") for r in rows]
    created = 0
    for start in range(0, len(targets), batch):
        chunk = targets[start : start + batch]
        now = clock.now()
        async with db.transaction() as session:
            # One query locks the batch's conversations, in id order like the jobs.
            locked = await session.execute(
                select(Conversation)
                .where(Conversation.id.in_({t.conversation_id for t in chunk}))
                .order_by(Conversation.id)
                .with_for_update()
            )
            conversations = {c.id: c for c in locked.scalars()}
            values = []
            for target in chunk:
                if target.conversation_id not in conversations:
                    continue
                at = _send_time(conversations[target.conversation_id], policy, now)
                values.append(
                    {
                        "beneficiary_id": target.beneficiary_id,
                        "conversation_id": target.conversation_id,
                        "request_id": target.request_id,
                        "trigger": "campaign",
                        "status": "sent",
                        "due_at": now,
                        "sent_at": at,
                        "expires_at": at + policy.expires_after,
                        "created_at": now,
                    }
                )
            # One statement for the batch; a request another run took meanwhile is skipped.
            inserted: dict[int | None, int] = {}
            if values:
                stmt = _insert_all(session, values).returning(Survey.request_id, Survey.id)
                inserted = {rid: sid for rid, sid in (await session.execute(stmt)).all()}
            for target in chunk:
                survey_id = inserted.get(target.request_id)
                if survey_id is None:
                    continue
                conversation = conversations[target.conversation_id]
                reply = question(tr, survey_id, target.reference or None, reminder=False)
                deliver(session, conversation, reply, policy=policy, now=now, kind="campaign")
                _set_waiting(conversation, {"id": survey_id, "await": "rating"}, survey_id)
                created += 1
        if progress is not None:
            progress(start + len(chunk), len(targets))
    return created


# -- the answer -------------------------------------------------------------------------------


def rating_in(text: str) -> int | None:
    """A typed rating: one digit 1–5, Western or Arabic-Indic ("٥", "۵"), nothing else."""
    text = text.strip()
    if len(text) != 1 or unicodedata.category(text) != "Nd":
        return None
    value = unicodedata.digit(text)
    return value if value in RATINGS else None


def survey_action(
    state: State, incoming: Incoming, text: str, command: str | None, now: datetime
) -> dict[str, Any] | None:
    """What this message does to a survey, if anything, for the engine to apply.

    A tap on a survey button counts anywhere; a typed digit only while a survey waits for
    its rating (not in the middle of the form, whose answers may be numbers); the next
    text within the hour after a rating is the comment. Anything else stops waiting for it.
    """
    payload = incoming.payload or ""
    if payload.startswith(f"{PAYLOAD}:"):
        _, raw_id, value = [*payload.split(":"), "", ""][:3]
        if not raw_id.isdigit():
            return None
        if value == "skip":
            return {"id": int(raw_id), "skip": True}
        if value.isdigit() and int(value) in RATINGS:
            return {"id": int(raw_id), "rating": int(value)}
        return None
    waiting = state.get("survey")
    if not isinstance(waiting, dict) or state.get("mode") == "handover":
        return None
    if waiting.get("await") == "rating":
        rating = rating_in(text)
        if rating is None or in_form(state) or incoming.attachments:
            return None
        return {"id": int(waiting["id"]), "rating": rating}
    fresh = (
        now - datetime.fromisoformat(str(waiting.get("at") or now.isoformat())) <= COMMENT_WINDOW
    )
    typed = bool(text) and command is None and not payload and fresh
    if waiting.get("await") == "comment" and typed:
        return {"id": int(waiting["id"]), "comment": text[:MAX_COMMENT_CHARS]}
    if waiting.get("await") == "feedback" and typed and not in_form(state):
        rating = rating_in(text)
        if rating is not None:
            return {"feedback": True, "rating": rating}
        return {"feedback": True, "comment": text[:MAX_COMMENT_CHARS]}
    state.pop("survey", None)
    return None


async def answer(
    session: AsyncSession,
    conversation: Conversation,
    action: dict[str, Any],
    state: State,
    now: datetime,
    tr: Translate,
    policy: SurveyPolicy | None = None,
) -> list[Reply]:
    """Store a rating (once) or a comment; the replies say what happened.

    `state` is the turn's new state: it records whether a comment is awaited.
    """
    if action.get("start"):
        return await open_from_menu(session, conversation, state, now, tr, policy or SurveyPolicy())
    if action.get("feedback"):
        return await _general_feedback(session, conversation, action, state, now, tr)
    survey = await session.get(Survey, int(action["id"]), with_for_update=True)
    waiting = state.get("survey")
    if isinstance(waiting, dict) and waiting.get("id") == action["id"]:
        state.pop("survey")
    if survey is None or survey.beneficiary_id != conversation.beneficiary_id:
        return [Reply(tr("survey-closed"), (menu_button(tr),))]
    if "rating" in action:
        if survey.status == "answered":
            return [Reply(tr("survey-already"), (menu_button(tr),))]
        if survey.status != "sent" or (survey.expires_at is not None and now >= survey.expires_at):
            if survey.status == "sent":
                survey.status = "expired"
            return [Reply(tr("survey-closed"), (menu_button(tr),))]
        survey.status, survey.rating, survey.answered_at = "answered", int(action["rating"]), now
        if in_form(state):
            return [Reply(tr("survey-thanks"))]
        return [_offer_comment(survey, state, now, tr)]
    if "comment" in action and survey.status == "answered" and survey.comment is None:
        survey.comment = str(action["comment"])
        return [Reply(tr("survey-comment-thanks"), (menu_button(tr),))]
    return [Reply(tr("survey-comment-skipped"), (menu_button(tr),))]


def _offer_comment(survey: Survey, state: State, now: datetime, tr: Translate) -> Reply:
    state["survey"] = {"id": survey.id, "await": "comment", "at": now.isoformat()}
    skip = Button(tr("survey-skip"), f"{PAYLOAD}:{survey.id}:skip")
    return Reply(tr("survey-thanks") + "\n" + tr("survey-comment-offer"), (skip,))


# -- "rate the service" from the menu -----------------------------------------------------------


async def _rateable(
    session: AsyncSession, beneficiary_id: int
) -> tuple[str, int, int | None] | None:
    """The latest delivered request or closed case not rated yet: (kind, id, staff)."""
    rated_requests = select(Survey.request_id).where(
        Survey.status == "answered", Survey.request_id.is_not(None)
    )
    rated_cases = select(Survey.case_id).where(
        Survey.status == "answered", Survey.case_id.is_not(None)
    )
    request = (
        await session.execute(
            select(SupportRequest.id, SupportRequest.updated_at)
            .where(
                SupportRequest.beneficiary_id == beneficiary_id,
                SupportRequest.status.in_(RATEABLE_STATUSES),
                SupportRequest.id.not_in(rated_requests),
            )
            .order_by(SupportRequest.updated_at.desc(), SupportRequest.id.desc())
            .limit(1)
        )
    ).first()
    case = (
        await session.execute(
            select(HandoverCase.id, HandoverCase.closed_at, HandoverCase.assignee_id)
            .where(
                HandoverCase.beneficiary_id == beneficiary_id,
                HandoverCase.status == "closed",
                HandoverCase.closed_at.is_not(None),
                HandoverCase.id.not_in(rated_cases),
            )
            .order_by(HandoverCase.closed_at.desc(), HandoverCase.id.desc())
            .limit(1)
        )
    ).first()
    if case is not None and (request is None or _later(case[1], request[1])):
        return "case", int(case[0]), case[2]
    if request is not None:
        return "request", int(request[0]), None
    return None


def _later(a: datetime | None, b: datetime) -> bool:
    # SQLite hands back naive datetimes for aware columns: compare like with like.
    return a is not None and a.replace(tzinfo=None) > b.replace(tzinfo=None)


async def open_from_menu(
    session: AsyncSession,
    conversation: Conversation,
    state: State,
    now: datetime,
    tr: Translate,
    policy: SurveyPolicy,
) -> list[Reply]:
    """The 1–5 question for what there is to rate, or an invitation to general feedback.

    A survey already scheduled or sent for that request or case is the one asked now (so
    the job does not ask again later); otherwise one is created and sent at once.
    """
    found = await _rateable(session, conversation.beneficiary_id)
    if found is None:
        state["survey"] = {"await": "feedback", "at": now.isoformat()}
        return [Reply(tr("feedback-general-ask"), (menu_button(tr),))]
    kind, subject_id, staff_id = found
    column = Survey.request_id if kind == "request" else Survey.case_id
    survey = (
        (
            await session.execute(
                select(Survey)
                .where(column == subject_id)
                .order_by(Survey.id.desc())
                .with_for_update()
            )
        )
        .scalars()
        .first()
    )
    if survey is None:
        survey_id = await _insert(
            session,
            {
                "beneficiary_id": conversation.beneficiary_id,
                "conversation_id": conversation.id,
                f"{kind}_id": subject_id,
                "staff_id": staff_id,
                "trigger": "service_delivered" if kind == "request" else "case_closed",
                "status": "sent",
                "due_at": now,
                "created_at": now,
            },
        )
        survey = await session.get(Survey, survey_id) if survey_id is not None else None
    if survey is None:  # another process created it this instant: ask with that one next time
        return [Reply(tr("survey-closed"), (menu_button(tr),))]
    survey.status, survey.sent_at = "sent", now
    survey.expires_at = now + policy.expires_after
    survey.reminded_at = survey.reminded_at or now  # asked on request: no reminder after it
    state["survey"] = {"id": survey.id, "await": "rating"}
    return [question(tr, survey.id, await _subject(session, survey), reminder=False)]


async def _general_feedback(
    session: AsyncSession,
    conversation: Conversation,
    action: dict[str, Any],
    state: State,
    now: datetime,
    tr: Translate,
) -> list[Reply]:
    """Feedback with no subject: stored as an answered survey of its own."""
    state.pop("survey", None)
    survey = Survey(
        beneficiary_id=conversation.beneficiary_id,
        conversation_id=conversation.id,
        trigger="feedback",
        status="answered",
        due_at=now,
        sent_at=now,
        answered_at=now,
        rating=action.get("rating"),
        comment=action.get("comment"),
        created_at=now,
    )
    session.add(survey)
    await session.flush()
    if survey.rating is not None:
        return [_offer_comment(survey, state, now, tr)]
    return [Reply(tr("feedback-general-thanks"), (menu_button(tr),))]
