"""The staff inbox in a Telegram group: a forum topic (or a case card) per handover case.

When a case opens, a card goes to the staff group: the reason, the beneficiary's masked
identity, their requests, the last messages, and claim / close buttons. While the case is
open, what the beneficiary writes reaches the topic, and what a linked staff member writes
in the topic (or in reply to the card) reaches the beneficiary on their own channel. Only
staff accounts act; anyone else in the group is ignored. Every outgoing message goes
through the outbox, written in the transaction that decided it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from handlers.bidi import ltr
from handlers.clock import Clock
from handlers.replies import Button, Reply
from handlers.surveys import SurveyPolicy, schedule_for_case
from handlers.types import IMMEDIATE_CHANNELS
from storage import repositories as repo
from storage.db import Database
from storage.models import Beneficiary, Conversation, HandoverCase, Message, Staff, SupportRequest

Translate = Callable[..., str]
STAFF_CHANNEL = "tgstaff"
CARD_MESSAGES = 6


class StaffExists(ValueError):
    """That username already belongs to a staff member."""


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


async def add_staff(db: Database, clock: Clock, *, username: str, name: str, role: str) -> str:
    """Create a staff account; returns the one-time code for `/link` in Telegram."""
    code = secrets.token_hex(4).upper()
    async with db.transaction() as session:
        taken = await session.execute(select(Staff.id).where(Staff.username == username))
        if taken.first() is not None:
            raise StaffExists(username)
        session.add(
            Staff(
                username=username,
                display_name=name,
                role=role,
                link_code_hash=_code_hash(code),
                created_at=clock.now(),
            )
        )
    return code


def mask_chat(chat_id: str) -> str:
    """Enough to tell two people apart in the group, not enough to contact them."""
    if len(chat_id) <= 6:
        return "•" * (len(chat_id) - 1) + chat_id[-1:]
    return chat_id[:2] + "•" * (len(chat_id) - 4) + chat_id[-2:]


_COMPOUND_FIRST = frozenset({"عبد", "ابو", "أبو", "بو"})
LABEL_MAX_CHARS = 30


def first_name(full_name: str) -> str:
    """The name staff greet someone by: «عبد الله» stays whole, the family name goes."""
    parts = full_name.split()
    if len(parts) > 1 and parts[0] in _COMPOUND_FIRST:
        return f"{parts[0]} {parts[1]}"
    return parts[0] if parts else ""


def beneficiary_label(
    tr: Translate, channel: str, number: int, request_name: str | None, shown_name: str | None
) -> str:
    """Who a case is with, as staff tell people apart: the channel and a first name (from
    the request, else the name the channel gave), or "website visitor 12" (the beneficiary's
    number, the same on every case of theirs) for someone who gave none. Never a chat id:
    on the web that is the visitor's cookie."""
    name = first_name(request_name or "") or " ".join((shown_name or "").split())
    kind = channel if channel in ("web", "telegram", "whatsapp", "terminal") else "other"
    if name:
        return tr(f"staff-who-{kind}-named", name=name[:LABEL_MAX_CHARS], number=number)
    return tr(f"staff-who-{kind}", number=number)


async def latest_request_names(session: AsyncSession, beneficiary_ids: list[int]) -> dict[int, str]:
    """Each beneficiary's name as written on their latest request, for those who filed one."""
    if not beneficiary_ids:
        return {}
    rows = await session.execute(
        select(SupportRequest.beneficiary_id, SupportRequest.full_name)
        .where(SupportRequest.beneficiary_id.in_(beneficiary_ids))
        .order_by(SupportRequest.id)
    )
    return {beneficiary: name for beneficiary, name in rows.all()}


async def case_card(
    session: AsyncSession, case: HandoverCase, conversation: Conversation, tr: Translate
) -> dict[str, Any]:
    beneficiary = await session.get(Beneficiary, case.beneficiary_id)
    requests = (
        (
            await session.execute(
                select(SupportRequest)
                .where(SupportRequest.beneficiary_id == case.beneficiary_id)
                .order_by(SupportRequest.id)
            )
        )
        .scalars()
        .all()
    )
    who = beneficiary_label(
        tr,
        conversation.channel,
        case.beneficiary_id,
        requests[-1].full_name if requests else None,
        beneficiary.display_name if beneficiary else None,
    )
    recent = (
        (
            await session.execute(
                select(Message)
                .where(Message.conversation_id == conversation.id)
                .order_by(Message.id.desc())
                .limit(CARD_MESSAGES)
            )
        )
        .scalars()
        .all()
    )
    lines = [
        tr(
            "staff-card",
            case=case.id,
            reason=tr(f"staff-reason-{case.reason}"),
            who=who,
        )
    ]
    lines += [
        tr(
            "staff-card-request",
            reference=ltr(r.reference or ""),
            type=r.type,
            status=tr(f"status-{r.status}"),
        )
        for r in requests
    ]
    if recent:
        lines.append(tr("staff-card-transcript"))
        for m in reversed(recent):
            mark = "👤" if m.direction == "in" else "🤖"
            lines.append(f"{mark} {m.text[:300]}")
    buttons = (
        Button(tr("staff-claim"), f"case:claim:{case.id}"),
        Button(tr("staff-close"), f"case:close:{case.id}"),
    )
    body = Reply("\n".join(lines), buttons).to_dict()
    body.update(case_id=case.id, new_case=True, topic=tr("staff-topic", case=case.id, who=who))
    return body


def to_staff(session: AsyncSession, staff_chat: str, body: dict[str, Any], now: datetime) -> None:
    """Queue a message for the staff group (no conversation: the group is not a person)."""
    repo.add_staff_outbox(session, STAFF_CHANNEL, staff_chat, body, now)


def claim_case(case: HandoverCase, staff_id: int, now: datetime) -> None:
    case.assignee_id, case.status, case.claimed_at = staff_id, "claimed", now


async def reply_on_case(
    session: AsyncSession,
    case: HandoverCase,
    staff: Staff,
    text: str,
    tr: Translate,
    now: datetime,
) -> None:
    """A staff member's words to the beneficiary, on the beneficiary's own channel.

    Whoever answers an unclaimed case first has claimed it. The message joins the
    transcript and the outbox in the caller's transaction; a channel that redraws the
    transcript (the web chat) finds it there, the others get it from the dispatcher.
    """
    if case.assignee_id is None:
        claim_case(case, staff.id, now)
    conversation = await session.get(Conversation, case.conversation_id)
    assert conversation is not None
    body = Reply(tr("staff-says", name=staff.display_name, text=text)).to_dict()
    repo.record_reply(
        session,
        conversation,
        body,
        author="staff",
        case_id=case.id,
        now=now,
        delivered=conversation.channel in IMMEDIATE_CHANNELS,
    )


async def close_case_by_staff(
    session: AsyncSession,
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
        claim_case(case, staff_id, now)
    case.status, case.closed_at = "closed", now
    conversation = await session.get(Conversation, case.conversation_id, with_for_update=True)
    assert conversation is not None
    state = dict(conversation.state or {})
    if state.get("case_id") == case.id:
        state.update(mode="idle", unanswered=0)
        state.pop("case_id", None)
        conversation.state = state
        flag_modified(conversation, "state")
    body = Reply(tr("case-closed-by-staff")).to_dict()
    repo.record_reply(
        session,
        conversation,
        body,
        author="staff",
        case_id=case.id,
        now=now,
        delivered=conversation.channel in IMMEDIATE_CHANNELS,
    )
    await schedule_for_case(session, case, policy=surveys, now=now)
    repo.audit(
        session,
        actor=f"staff:{username}",
        action="case.closed",
        subject=f"case:{case.id}",
        details={},
        now=now,
    )


class StaffInbox:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        tr: Translate,
        staff_chat: str,
        surveys: SurveyPolicy | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.tr = tr
        self.staff_chat = staff_chat
        self.surveys = surveys or SurveyPolicy()

    async def handle(
        self,
        *,
        update_id: int,
        user_id: int,
        text: str,
        thread_id: int | None,
        reply_to: int | None,
        callback: str | None,
    ) -> None:
        """One update from the staff group, once (its id is recorded like any inbound)."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            if not await repo.claim_inbound(session, STAFF_CHANNEL, str(update_id), now):
                return
            if text.startswith("/link"):
                linked = await self._link(session, user_id, text.removeprefix("/link").strip())
                self._answer(session, linked, thread_id, now)
                return
            staff = (
                await session.execute(
                    select(Staff).where(Staff.telegram_user_id == user_id, Staff.active)
                )
            ).scalar_one_or_none()
            if staff is None:
                return  # not staff: ignored, whatever they write or press
            reply: str | None
            if callback is not None:
                reply = await self._button(session, staff, callback, now)
            else:
                reply = await self._relay(session, staff, text, thread_id, reply_to, now)
            self._answer(session, reply, thread_id, now)

    def _answer(
        self, session: AsyncSession, text: str | None, thread: int | None, now: datetime
    ) -> None:
        if text:
            to_staff(
                session, self.staff_chat, {"text": text, "buttons": [], "thread_id": thread}, now
            )

    async def _link(self, session: AsyncSession, user_id: int, code: str) -> str:
        staff = (
            (
                await session.execute(select(Staff).where(Staff.link_code_hash == _code_hash(code)))
            ).scalar_one_or_none()
            if code
            else None
        )
        if staff is None:
            return self.tr("staff-link-bad")
        staff.telegram_user_id = user_id
        staff.link_code_hash = None  # one use
        return self.tr("staff-linked", name=staff.display_name)

    async def _case_at(
        self, session: AsyncSession, thread_id: int | None, reply_to: int | None
    ) -> HandoverCase | None:
        if thread_id is not None:
            found = (
                await session.execute(
                    select(HandoverCase).where(HandoverCase.staff_thread_id == thread_id)
                )
            ).scalar_one_or_none()
            if found is not None:
                return found
        if reply_to is not None:
            return (
                await session.execute(
                    select(HandoverCase).where(HandoverCase.staff_card_message_id == reply_to)
                )
            ).scalar_one_or_none()
        return None

    async def _relay(
        self,
        session: AsyncSession,
        staff: Staff,
        text: str,
        thread_id: int | None,
        reply_to: int | None,
        now: datetime,
    ) -> str | None:
        case = await self._case_at(session, thread_id, reply_to)
        if case is None or not text.strip():
            return None
        if case.status == "closed":
            return self.tr("staff-case-closed-already", case=case.id)
        await reply_on_case(session, case, staff, text, self.tr, now)
        return None

    async def _button(
        self, session: AsyncSession, staff: Staff, data: str, now: datetime
    ) -> str | None:
        kind, _, raw = data.partition(":")
        action, _, case_id = raw.partition(":")
        if kind != "case" or not case_id.isdigit():
            return None
        case = await session.get(HandoverCase, int(case_id), with_for_update=True)
        if case is None:
            return None
        if action == "claim":
            if case.status == "closed":
                return self.tr("staff-case-closed-already", case=case.id)
            claim_case(case, staff.id, now)
            return self.tr("staff-claimed", case=case.id, name=staff.display_name)
        if action == "close" and case.status != "closed":
            await close_case_by_staff(
                session, case, staff.username, self.tr, now, self.surveys, staff.id
            )
            return self.tr("staff-closed", case=case.id, name=staff.display_name)
        return None

    # -- hooks the engine calls inside its transaction ----------------------------------

    async def case_opened(
        self, session: AsyncSession, case_id: int, conversation: Conversation, now: datetime
    ) -> None:
        await session.flush()  # the card shows the message that opened the case
        case = await session.get(HandoverCase, case_id)
        if case is not None:
            to_staff(
                session, self.staff_chat, await case_card(session, case, conversation, self.tr), now
            )

    def case_message(
        self,
        session: AsyncSession,
        case_id: int,
        who: str | None,
        text: str,
        files: int,
        now: datetime,
    ) -> None:
        body_text = self.tr(
            "staff-from-beneficiary", who=who or self.tr("staff-unnamed"), text=text
        )
        if files:
            body_text += "\n" + self.tr("staff-attachments", count=files)
        to_staff(
            session, self.staff_chat, {"text": body_text, "buttons": [], "case_id": case_id}, now
        )

    async def thread_of(self, case_id: int) -> tuple[int | None, int | None]:
        async with self.db.reading() as session:
            case = await session.get(HandoverCase, case_id)
            return (case.staff_thread_id, case.staff_card_message_id) if case else (None, None)

    async def set_thread(
        self, case_id: int, thread_id: int | None, card_message_id: int | None
    ) -> None:
        async with self.db.transaction() as session:
            case = await session.get(HandoverCase, case_id)
            if case is not None:
                case.staff_thread_id = thread_id
                case.staff_card_message_id = card_message_id
