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
from datetime import datetime
from typing import Any

from faq.bidi import ltr
from handlers import cases
from handlers.clock import Clock
from handlers.errors import Refusal
from handlers.replies import Button, Reply
from handlers.staff_auth import DESK_ROLES
from handlers.surveys import SurveyPolicy
from handlers.types import Translate
from storage import cases as case_store
from storage import repositories as repo
from storage import requests as request_store
from storage import staff_inbox as store
from storage.db import Database, Session
from storage.models import (
    Beneficiary,
    CaseStatus,
    Conversation,
    HandoverCase,
    Staff,
    SupportRequest,
)

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
        if await store.username_taken(session, username):
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


async def case_card(
    session: Session, case: HandoverCase, conversation: Conversation, tr: Translate
) -> dict[str, Any]:
    """The card a new case gets in the staff group: who, why, their requests, the last words."""
    beneficiary = await session.get(Beneficiary, case.beneficiary_id)
    requests = await request_store.requests_of(session, case.beneficiary_id)
    who = beneficiary_label(
        tr,
        conversation.channel,
        case.beneficiary_id,
        requests[-1].full_name if requests else None,
        beneficiary.display_name if beneficiary else None,
    )
    recent = await case_store.recent_messages(session, conversation.id, CARD_MESSAGES)
    lines = [tr("staff-card", case=case.id, reason=tr(f"staff-reason-{case.reason}"), who=who)]
    lines += [_request_line(r, tr) for r in requests]
    if recent:
        lines.append(tr("staff-card-transcript"))
        lines += [f"{'👤' if m.direction == 'in' else '🤖'} {m.text[:300]}" for m in recent]
    buttons = (
        Button(tr("staff-claim"), f"case:claim:{case.id}"),
        Button(tr("staff-close"), f"case:close:{case.id}"),
    )
    body = Reply("\n".join(lines), buttons).to_dict()
    body.update(case_id=case.id, new_case=True, topic=tr("staff-topic", case=case.id, who=who))
    return body


def _request_line(r: SupportRequest, tr: Translate) -> str:
    return tr(
        "staff-card-request",
        reference=ltr(r.reference or ""),
        type=r.type,
        status=tr(f"status-{r.status}"),
    )


def to_staff(session: Session, staff_chat: str, body: dict[str, Any], now: datetime) -> None:
    """Queue a message for the staff group (no conversation: the group is not a person)."""
    repo.add_staff_outbox(session, STAFF_CHANNEL, staff_chat, body, now)


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
            staff = await store.active_by_telegram_user(session, user_id)
            if staff is None or staff.role not in DESK_ROLES:
                return  # not staff who work cases: ignored, whatever they write or press
            reply: str | None
            if callback is not None:
                reply = await self._button(session, staff, callback, now)
            else:
                reply = await self._relay(session, staff, text, thread_id, reply_to, now)
            self._answer(session, reply, thread_id, now)

    def _answer(
        self, session: Session, text: str | None, thread: int | None, now: datetime
    ) -> None:
        if text:
            to_staff(
                session, self.staff_chat, {"text": text, "buttons": [], "thread_id": thread}, now
            )

    async def _link(self, session: Session, user_id: int, code: str) -> str:
        staff = await store.by_link_code(session, _code_hash(code)) if code else None
        if staff is None:
            return self.tr("staff-link-bad")
        staff.telegram_user_id = user_id
        staff.link_code_hash = None  # one use
        return self.tr("staff-linked", name=staff.display_name)

    async def _relay(
        self,
        session: Session,
        staff: Staff,
        text: str,
        thread_id: int | None,
        reply_to: int | None,
        now: datetime,
    ) -> str | None:
        case = await case_store.case_at(session, thread_id, reply_to)
        if case is None or not text.strip():
            return None
        if case.status == CaseStatus.CLOSED:
            return self.tr("staff-case-closed-already", case=case.id)
        if not await cases.reply(session, case, staff, text, self.tr, now):
            return self.tr("wa-window-closed")
        return None

    async def _button(self, session: Session, staff: Staff, data: str, now: datetime) -> str | None:
        kind, _, raw = data.partition(":")
        action, _, case_id = raw.partition(":")
        if kind != "case" or not case_id.isdigit():
            return None
        try:
            case = await cases.open_for_staff(session, int(case_id))
        except cases.CaseClosed:
            # A late press on a closed case's button: only claiming it needs an answer.
            closed = self.tr("staff-case-closed-already", case=int(case_id))
            return closed if action == "claim" else None
        except Refusal:
            return None
        if action == "claim":
            cases.claim(case, staff.id, now)
            return self.tr("staff-claimed", case=case.id, name=staff.display_name)
        if action == "close":
            await cases.close(session, case, staff.username, self.tr, now, self.surveys, staff.id)
            return self.tr("staff-closed", case=case.id, name=staff.display_name)
        return None

    # -- hooks the engine calls inside its transaction ----------------------------------

    async def case_opened(
        self, session: Session, case_id: int, conversation: Conversation, now: datetime
    ) -> None:
        await session.flush()  # the card shows the message that opened the case
        case = await session.get(HandoverCase, case_id)
        if case is not None:
            to_staff(
                session, self.staff_chat, await case_card(session, case, conversation, self.tr), now
            )

    def case_message(
        self,
        session: Session,
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
