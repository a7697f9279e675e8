"""The handover case's lifecycle: opened by the dialog, claimed, answered and closed by staff.

`open → claimed → closed`; the beneficiary may close it too. Every step here runs inside
the caller's transaction (the engine's, the staff inbox's, the staff desk's): what it says
to the beneficiary joins the transcript and the outbox there, and the audit log records it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers import windows
from handlers.errors import Refusal
from handlers.replies import Reply
from handlers.surveys import SurveyPolicy, schedule_for_case
from handlers.types import IMMEDIATE_CHANNELS, Translate
from storage import cases as store
from storage import repositories as repo
from storage.db import Session
from storage.models import CaseStatus, Conversation, HandoverCase, Staff

# Staff hear of a case nobody claimed every this long while it waits.
UNCLAIMED_AFTER = timedelta(hours=2)


class CaseClosed(Refusal):
    """The case was closed already: staff can't act on it any more (on the web: 409)."""

    def __init__(self, case_id: int) -> None:
        super().__init__("staffweb-error-case-closed", http_status=409, case=case_id)


def check_open(case: HandoverCase | None, case_id: int) -> HandoverCase:
    """The case, when staff may still act on it; refused when it is missing or closed."""
    if case is None:
        raise Refusal("staffweb-error-no-case", http_status=404, case=case_id)
    if case.status == CaseStatus.CLOSED:
        raise CaseClosed(case_id)
    return case


async def open_for_staff(session: Session, case_id: int) -> HandoverCase:
    """The case locked for a staff action, after the one "not found / closed" check."""
    return check_open(await store.case_for_update(session, case_id), case_id)


async def open_case(
    session: Session, conversation: Conversation, reason: str, now: datetime
) -> int:
    """The dialog handed the conversation to a person: a case, waiting to be claimed."""
    case = await store.open_case(session, conversation, reason, now)
    _audit(session, _beneficiary(conversation), "case.opened", case.id, {"reason": reason}, now)
    return case.id


async def close_by_beneficiary(
    session: Session, conversation: Conversation, case_id: int, now: datetime
) -> None:
    await store.close_case(session, case_id, now)
    _audit(session, _beneficiary(conversation), "case.closed_by_beneficiary", case_id, {}, now)


def claim(case: HandoverCase, staff_id: int, now: datetime) -> None:
    case.assignee_id, case.status, case.claimed_at = staff_id, CaseStatus.CLAIMED, now


async def reply(
    session: Session,
    case: HandoverCase,
    staff: Staff,
    text: str,
    tr: Translate,
    now: datetime,
) -> bool:
    """A staff member's words to the beneficiary, on the beneficiary's own channel; False
    when they can't reach the person now (WhatsApp's 24-hour window has closed: a
    template invites them, and the reply follows when they answer).

    Whoever answers an unclaimed case first has claimed it. The message joins the
    transcript and the outbox in the caller's transaction; a channel that redraws the
    transcript (the web chat) finds it there, the others get it from the dispatcher.
    """
    if case.assignee_id is None:
        claim(case, staff.id, now)
    conversation = await session.get(Conversation, case.conversation_id)
    assert conversation is not None
    _say(session, conversation, case, tr("staff-says", name=staff.display_name, text=text), now)
    return await windows.is_open(session, conversation.channel, conversation.chat_id, now)


async def close(
    session: Session,
    case: HandoverCase,
    username: str,
    tr: Translate,
    now: datetime,
    surveys: SurveyPolicy,
    staff_id: int | None = None,
) -> None:
    """Close the case, tell the beneficiary, hand the conversation back to the bot, and
    schedule the satisfaction survey.

    Whoever closes a case nobody claimed has handled it: it is theirs, and so is its survey.
    """
    if case.assignee_id is None and staff_id is not None:
        claim(case, staff_id, now)
    case.status, case.closed_at = CaseStatus.CLOSED, now
    conversation = await session.get(Conversation, case.conversation_id, with_for_update=True)
    assert conversation is not None
    _back_to_bot(conversation, case.id)
    _say(session, conversation, case, tr("case-closed-by-staff"), now)
    await schedule_for_case(session, case, policy=surveys, now=now)
    _audit(session, f"staff:{username}", "case.closed", case.id, {}, now)


def unclaimed_reminder_due(last: datetime | None, now: datetime, after: timedelta) -> bool:
    """Staff are reminded of a case nobody claimed every `after` while it waits."""
    return last is None or now - last >= after


def _back_to_bot(conversation: Conversation, case_id: int) -> None:
    state = dict(conversation.state or {})
    if state.get("case_id") == case_id:
        state.update(mode="idle", unanswered=0)
        state.pop("case_id", None)
        repo.set_state(conversation, state)


def _say(
    session: Session, conversation: Conversation, case: HandoverCase, text: str, now: datetime
) -> None:
    repo.record_reply(
        session,
        conversation,
        Reply(text).to_dict(),
        author="staff",
        case_id=case.id,
        now=now,
        delivered=conversation.channel in IMMEDIATE_CHANNELS,
    )


def _beneficiary(conversation: Conversation) -> str:
    return f"{conversation.channel}:{conversation.chat_id}"


def _audit(
    session: Session,
    actor: str,
    action: str,
    case_id: int,
    details: dict[str, object],
    now: datetime,
) -> None:
    repo.audit(
        session, actor=actor, action=action, subject=f"case:{case_id}", details=details, now=now
    )
