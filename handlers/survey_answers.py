"""The survey's side of the conversation: a rating (tapped or typed), its comment, and
"rate the service" from the menu. The first rating is stored; a second tap is
acknowledged, not stored; an optional comment follows.

Functions taking a session add and lock but never commit: the caller's use case commits.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from typing import Any

from handlers.replies import Button, Reply, menu_button
from handlers.surveys import PAYLOAD, RATINGS, SurveyPolicy, question, subject_of
from handlers.turn import State, in_form
from handlers.types import Incoming, Translate
from storage import surveys as stored
from storage.db import Session
from storage.models import Conversation, RequestStatus, Survey

MAX_COMMENT_CHARS = 2000
# The message after a rating is its comment only for a while: someone who comes back days
# later with a question must not have it filed as a comment.
COMMENT_WINDOW = timedelta(hours=1)
# What "rate the service" from the menu rates: a delivered service or a closed case.
RATEABLE_STATUSES = (RequestStatus.SERVICE_DELIVERED, RequestStatus.CLOSED)


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
        return _tapped(payload)
    waiting = state.get("survey")
    if not isinstance(waiting, dict) or state.get("mode") == "handover":
        return None
    if waiting.get("await") == "rating":
        rating = rating_in(text)
        if rating is None or in_form(state) or incoming.attachments:
            return None
        return {"id": int(waiting["id"]), "rating": rating}
    fresh = _fresh(waiting, now)
    typed = bool(text) and command is None and not payload and fresh
    action = _words_after_rating(state, waiting, text) if typed else None
    if action is None:
        state.pop("survey", None)
    return action


def _fresh(waiting: dict[str, Any], now: datetime) -> bool:
    """Within the comment window of the rating (or of the menu's invitation)."""
    return now - datetime.fromisoformat(str(waiting.get("at") or now.isoformat())) <= COMMENT_WINDOW


def _words_after_rating(state: State, waiting: dict[str, Any], text: str) -> dict[str, Any] | None:
    """The comment on a rating, or feedback asked for from the menu."""
    if waiting.get("await") == "comment":
        return {"id": int(waiting["id"]), "comment": text[:MAX_COMMENT_CHARS]}
    if waiting.get("await") == "feedback" and not in_form(state):
        return _feedback(text)
    return None


def _tapped(payload: str) -> dict[str, Any] | None:
    """A survey button: "sv:<id>:<rating>" or "sv:<id>:skip"."""
    _, raw_id, value = [*payload.split(":"), "", ""][:3]
    if not raw_id.isdigit():
        return None
    if value == "skip":
        return {"id": int(raw_id), "skip": True}
    if value.isdigit() and int(value) in RATINGS:
        return {"id": int(raw_id), "rating": int(value)}
    return None


def _feedback(text: str) -> dict[str, Any]:
    rating = rating_in(text)
    if rating is not None:
        return {"feedback": True, "rating": rating}
    return {"feedback": True, "comment": text[:MAX_COMMENT_CHARS]}


async def answer(
    session: Session,
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
        rating, comment = action.get("rating"), action.get("comment")
        return await _general_feedback(session, conversation, state, now, tr, rating, comment)
    survey = await session.get(Survey, int(action["id"]), with_for_update=True)
    waiting = state.get("survey")
    if isinstance(waiting, dict) and waiting.get("id") == action["id"]:
        state.pop("survey")
    if survey is None or survey.beneficiary_id != conversation.beneficiary_id:
        return [_with_menu(tr, "survey-closed")]
    return [_apply(survey, action, state, now, tr)]


def _apply(
    survey: Survey, action: dict[str, Any], state: State, now: datetime, tr: Translate
) -> Reply:
    """A rating, a comment or a skip on the beneficiary's own survey."""
    if "rating" in action:
        return _rate(survey, int(action["rating"]), state, now, tr)
    if "comment" in action and survey.status == "answered" and survey.comment is None:
        survey.comment = str(action["comment"])
        return _with_menu(tr, "survey-comment-thanks")
    return _with_menu(tr, "survey-comment-skipped")


def _with_menu(tr: Translate, message_id: str) -> Reply:
    return Reply(tr(message_id), (menu_button(tr),))


def _rate(survey: Survey, rating: int, state: State, now: datetime, tr: Translate) -> Reply:
    """The first rating of a survey still open is stored; any other is only answered."""
    if survey.status == "answered":
        return _with_menu(tr, "survey-already")
    if survey.status != "sent" or (survey.expires_at is not None and now >= survey.expires_at):
        if survey.status == "sent":
            survey.status = "expired"
        return _with_menu(tr, "survey-closed")
    survey.status, survey.rating, survey.answered_at = "answered", rating, now
    if in_form(state):
        return Reply(tr("survey-thanks"))
    return _offer_comment(survey, state, now, tr)


def _offer_comment(survey: Survey, state: State, now: datetime, tr: Translate) -> Reply:
    state["survey"] = {"id": survey.id, "await": "comment", "at": now.isoformat()}
    skip = Button(tr("survey-skip"), f"{PAYLOAD}:{survey.id}:skip")
    return Reply(tr("survey-thanks") + "\n" + tr("survey-comment-offer"), (skip,))


# -- "rate the service" from the menu -----------------------------------------------------------


async def _rateable(session: Session, beneficiary_id: int) -> tuple[str, int, int | None] | None:
    """The latest delivered request or closed case not rated yet: (kind, id, staff)."""
    request = await stored.latest_unrated_request(session, beneficiary_id, RATEABLE_STATUSES)
    case = await stored.latest_unrated_case(session, beneficiary_id)
    if case is not None and (request is None or _later(case[1], request[1])):
        return "case", int(case[0]), case[2]
    if request is not None:
        return "request", int(request[0]), None
    return None


def _later(a: datetime | None, b: datetime) -> bool:
    # SQLite hands back naive datetimes for aware columns: compare like with like.
    return a is not None and a.replace(tzinfo=None) > b.replace(tzinfo=None)


async def open_from_menu(
    session: Session,
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
        return [_with_menu(tr, "feedback-general-ask")]
    kind, subject_id, staff_id = found
    survey = await stored.latest_locked(session, kind, subject_id)
    if survey is None:
        survey = await _create_sent(session, conversation, kind, subject_id, staff_id, now)
    if survey is None:  # another process created it this instant: ask with that one next time
        return [_with_menu(tr, "survey-closed")]
    return [await _ask(session, survey, state, now, tr, policy)]


async def _ask(
    session: Session,
    survey: Survey,
    state: State,
    now: datetime,
    tr: Translate,
    policy: SurveyPolicy,
) -> Reply:
    survey.status, survey.sent_at = "sent", now
    survey.expires_at = now + policy.expires_after
    survey.reminded_at = survey.reminded_at or now  # asked on request: no reminder after it
    state["survey"] = {"id": survey.id, "await": "rating"}
    return question(tr, survey.id, await subject_of(session, survey), reminder=False)


async def _create_sent(
    session: Session,
    conversation: Conversation,
    kind: str,
    subject_id: int,
    staff_id: int | None,
    now: datetime,
) -> Survey | None:
    survey_id = await stored.insert(
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
    return await session.get(Survey, survey_id) if survey_id is not None else None


async def _general_feedback(
    session: Session,
    conversation: Conversation,
    state: State,
    now: datetime,
    tr: Translate,
    rating: int | None,
    comment: str | None,
) -> list[Reply]:
    """Feedback with no subject: stored as an answered survey of its own."""
    state.pop("survey", None)
    survey = _feedback_survey(conversation, rating, comment, now)
    session.add(survey)
    await session.flush()
    if survey.rating is not None:
        return [_offer_comment(survey, state, now, tr)]
    return [_with_menu(tr, "feedback-general-thanks")]


def _feedback_survey(
    conversation: Conversation, rating: int | None, comment: str | None, now: datetime
) -> Survey:
    return Survey(
        beneficiary_id=conversation.beneficiary_id,
        conversation_id=conversation.id,
        trigger="feedback",
        status="answered",
        due_at=now,
        sent_at=now,
        answered_at=now,
        rating=rating,
        comment=comment,
        created_at=now,
    )
