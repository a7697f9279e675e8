"""The staff desk: what staff do from the web inbox, without the web.

Cases (list by tab, read, claim, reply, close) and requests (list, read with identifiers
masked, reveal them to an admin with an audit event, move through the lifecycle). The
routes in bot/staff_web/ are thin over this; each action here is one transaction, and a
message for a queued channel wakes the outbox dispatcher after the commit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import fields
from handlers.bidi import ltr
from handlers.clock import Clock
from handlers.errors import Refusal
from handlers.references import normalize_reference
from handlers.staff_auth import StaffMember
from handlers.staff_inbox import (
    beneficiary_label,
    claim_case,
    close_case_by_staff,
    latest_request_names,
    mask_chat,
    reply_on_case,
    to_staff,
)
from handlers.staff_requests import TRANSITIONS, StatusChange, set_status
from handlers.surveys import SurveyPolicy
from handlers.types import IMMEDIATE_CHANNELS
from storage import repositories as repo
from storage.crypto import DecryptionError, Vault
from storage.db import Database
from storage.models import (
    Beneficiary,
    Conversation,
    HandoverCase,
    Message,
    RequestAttachment,
    RequestTransition,
    Staff,
    SupportRequest,
)

Translate = Callable[..., str]
Tab = Literal["open", "mine", "unclaimed", "closed"]
TABS: tuple[Tab, ...] = ("open", "mine", "unclaimed", "closed")
# Telegram takes 4,096 characters a message; the "name from the team:" line comes first.
MAX_REPLY_CHARS = 3500
MAX_NOTE_CHARS = 2000
TRANSCRIPT_MESSAGES = 200
LIST_LIMIT = 200


@dataclass(frozen=True)
class CaseRow:
    id: int
    reason: str
    status: str
    channel: str
    who: str | None  # the name the channel gave, if any
    chat_mask: str
    # What staff call them: channel and first name, or "website visitor 12"; never a chat id.
    label: str
    assignee: str | None
    assignee_id: int | None
    opened_at: datetime
    closed_at: datetime | None
    # Since when the beneficiary has been waiting for a person; None when staff spoke last.
    waiting_since: datetime | None


@dataclass(frozen=True)
class MessageView:
    id: int
    direction: str
    author: str
    text: str
    at: datetime
    attachments: int
    # The text shows national IDs or phone numbers masked; an admin may reveal them.
    masked: bool = False
    # A bare command the beneficiary sent ("start" for /start): staff read what it did.
    command: str | None = None


_COMMAND = re.compile(r"/([A-Za-z_]{1,32})(?:@\w+)?(?:\s+\S+)?")


def command_of(text: str) -> str | None:
    """ "start" for "/start", "/start@TawasulBot" or a deep link "/start ref"; else None."""
    found = _COMMAND.fullmatch(text.strip())
    return found.group(1).lower() if found else None


@dataclass(frozen=True)
class RequestRow:
    reference: str
    type: str
    status: str
    full_name: str
    city: str
    channel: str
    submitted_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class CaseView:
    case: CaseRow
    messages: tuple[MessageView, ...]
    requests: tuple[RequestRow, ...]

    @property
    def has_identifiers(self) -> bool:
        return any(m.masked for m in self.messages)


@dataclass(frozen=True)
class RevealedIdentifier:
    """One number a beneficiary typed in the conversation, in clear, for an admin."""

    message_id: int
    at: datetime
    kind: str  # "national_id" | "phone"
    mask: str
    value: str


@dataclass(frozen=True)
class AttachmentView:
    id: int
    channel: str
    kind: str
    name: str | None
    size: int | None
    mime: str | None
    file_id: str


@dataclass(frozen=True)
class TransitionView:
    from_status: str | None
    to_status: str
    actor: str
    note: str | None
    at: datetime


@dataclass(frozen=True)
class RequestView:
    row: RequestRow
    national_id_masked: str
    phone_masked: str
    description: str
    missing_info: str | None
    declaration_version: str
    # 1 for the first wording of the declaration beneficiaries accepted, 2 after it changed…
    declaration_number: int
    declared_at: datetime
    decided_at: datetime | None
    attachments: tuple[AttachmentView, ...]
    transitions: tuple[TransitionView, ...]
    next_statuses: tuple[str, ...]


@dataclass(frozen=True)
class Revealed:
    national_id: str
    phone: str


def _waiting_since(messages: list[Message], opened_at: datetime) -> datetime | None:
    """The first beneficiary message after staff last spoke (oldest first in `messages`)."""
    since: datetime | None = opened_at
    for m in messages:
        if m.author == "staff":
            since = None
        elif m.direction == "in" and since is None:
            since = m.created_at
    return since


class StaffDesk:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        tr: Translate,
        vault: Vault,
        surveys: SurveyPolicy | None = None,
        *,
        on_commit: Callable[[], None] | None = None,
        staff_chat: str | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.tr = tr
        self.vault = vault
        # A closed case and a delivered service are followed by a survey.
        self.surveys = surveys or SurveyPolicy()
        # Wakes the outbox dispatcher: a reply to a Telegram beneficiary leaves at once.
        self.on_commit = on_commit
        # The staff Telegram group, when there is one: what happens on the web shows there.
        self.staff_chat = staff_chat

    def _committed(self, channel: str | None) -> None:
        if self.on_commit is not None and (
            channel not in IMMEDIATE_CHANNELS or self.staff_chat is not None
        ):
            self.on_commit()

    # -- cases ---------------------------------------------------------------------------

    async def list_cases(self, tab: Tab, me: StaffMember) -> list[CaseRow]:
        query = select(HandoverCase, Conversation, Beneficiary.display_name, Staff.display_name)
        query = (
            query.join(Conversation, Conversation.id == HandoverCase.conversation_id)
            .join(Beneficiary, Beneficiary.id == HandoverCase.beneficiary_id)
            .outerjoin(Staff, Staff.id == HandoverCase.assignee_id)
        )
        if tab == "open":
            query = query.where(HandoverCase.status != "closed")
        elif tab == "mine":
            query = query.where(HandoverCase.status != "closed", HandoverCase.assignee_id == me.id)
        elif tab == "unclaimed":
            query = query.where(HandoverCase.status != "closed", HandoverCase.assignee_id.is_(None))
        else:
            query = query.where(HandoverCase.status == "closed").order_by(
                HandoverCase.closed_at.desc(), HandoverCase.id.desc()
            )
        query = query.limit(LIST_LIMIT)
        async with self.db.reading() as session:
            rows = (await session.execute(query)).all()
            ids = [case.id for case, *_ in rows]
            by_case: dict[int, list[Message]] = {i: [] for i in ids}
            if ids and tab != "closed":
                found = await session.execute(
                    select(Message)
                    .where(Message.case_id.in_(ids))
                    .order_by(Message.case_id, Message.id)
                )
                for m in found.scalars():
                    by_case[m.case_id or 0].append(m)
            names = await latest_request_names(
                session, sorted({case.beneficiary_id for case, *_ in rows})
            )
        cases = [
            self._row(case, conversation, who, assignee, by_case.get(case.id, []), names)
            for case, conversation, who, assignee in rows
        ]
        if tab != "closed":
            # Longest waiting first; those staff answered last come after, oldest first.
            cases.sort(
                key=lambda c: (
                    c.waiting_since is None,
                    c.waiting_since or c.opened_at,
                    c.id,
                )
            )
        return cases

    def _row(
        self,
        case: HandoverCase,
        conversation: Conversation,
        who: str | None,
        assignee: str | None,
        messages: list[Message],
        names: dict[int, str],
    ) -> CaseRow:
        return CaseRow(
            id=case.id,
            reason=case.reason,
            status=case.status,
            channel=conversation.channel,
            who=who,
            chat_mask=mask_chat(conversation.chat_id),
            label=beneficiary_label(
                self.tr,
                conversation.channel,
                case.beneficiary_id,
                names.get(case.beneficiary_id),
                who,
            ),
            assignee=assignee,
            assignee_id=case.assignee_id,
            opened_at=case.opened_at,
            closed_at=case.closed_at,
            waiting_since=None
            if case.status == "closed"
            else _waiting_since(messages, case.opened_at),
        )

    async def _load_case(
        self, session: AsyncSession, case_id: int
    ) -> tuple[HandoverCase, Conversation, str | None, str | None]:
        row = (
            await session.execute(
                select(HandoverCase, Conversation, Beneficiary.display_name, Staff.display_name)
                .join(Conversation, Conversation.id == HandoverCase.conversation_id)
                .join(Beneficiary, Beneficiary.id == HandoverCase.beneficiary_id)
                .outerjoin(Staff, Staff.id == HandoverCase.assignee_id)
                .where(HandoverCase.id == case_id)
            )
        ).first()
        if row is None:
            raise Refusal("staffweb-error-no-case", http_status=404, case=case_id)
        case, conversation, who, assignee = row
        return case, conversation, who, assignee

    async def case(self, case_id: int, *, after: int = 0) -> CaseView:
        """The case, its conversation's messages (after the id `after`), the requests."""
        async with self.db.reading() as session:
            case, conversation, who, assignee = await self._load_case(session, case_id)
            case_messages = (
                (
                    await session.execute(
                        select(Message).where(Message.case_id == case.id).order_by(Message.id)
                    )
                )
                .scalars()
                .all()
            )
            recent = (
                (
                    await session.execute(
                        select(Message)
                        .where(Message.conversation_id == conversation.id, Message.id > after)
                        .order_by(Message.id.desc())
                        .limit(TRANSCRIPT_MESSAGES)
                    )
                )
                .scalars()
                .all()
            )
            requests = (
                await session.execute(
                    select(SupportRequest)
                    .where(SupportRequest.beneficiary_id == case.beneficiary_id)
                    .order_by(SupportRequest.id)
                )
            ).scalars()
            request_rows = tuple(self._request_row(r, conversation.channel) for r in requests)
            names = await latest_request_names(session, [case.beneficiary_id])
        messages = tuple(
            MessageView(
                id=m.id,
                direction=m.direction,
                author=m.author,
                text=m.text,
                at=m.created_at,
                attachments=len(m.data.get("attachments") or []),
                masked=m.identifiers_enc is not None,
                command=command_of(m.text) if m.direction == "in" else None,
            )
            for m in reversed(recent)
        )
        row = self._row(case, conversation, who, assignee, list(case_messages), names)
        return CaseView(row, messages, request_rows)

    async def reveal_identifiers(self, case_id: int, me: StaffMember) -> list[RevealedIdentifier]:
        """The numbers masked in the case's conversation: admins only, every look recorded."""
        if not me.is_admin:
            raise Refusal("staffweb-error-reveal-forbidden", http_status=403)
        now = self.clock.now()
        async with self.db.transaction() as session:
            case, conversation, _, _ = await self._load_case(session, case_id)
            # The messages the case page shows: its conversation's latest.
            rows = (
                await session.execute(
                    select(Message.id, Message.created_at, Message.identifiers_enc)
                    .where(
                        Message.conversation_id == conversation.id,
                        Message.identifiers_enc.is_not(None),
                    )
                    .order_by(Message.id.desc())
                    .limit(TRANSCRIPT_MESSAGES)
                )
            ).all()
            revealed = [
                self._revealed(message_id, at, token)
                for message_id, at, token in reversed(rows)
                if token is not None
            ]
            found = [r for rs in revealed for r in rs]
            repo.audit(
                session,
                actor=f"staff:{me.username}",
                action="case.identifiers_revealed",
                subject=f"case:{case.id}",
                details={
                    "messages": sorted({r.message_id for r in found}),
                    "fields": sorted({r.kind for r in found}),
                    "via": "web",
                },
                now=now,
            )
        return found

    def _revealed(self, message_id: int, at: datetime, token: str) -> list[RevealedIdentifier]:
        try:
            values = json.loads(self.vault.decrypt(token))
        except (DecryptionError, ValueError):
            raise Refusal("staffweb-unreadable", http_status=500) from None
        masks = {"national_id": fields.mask_national_id, "phone": fields.mask_phone}
        return [
            RevealedIdentifier(message_id, at, v["kind"], masks[v["kind"]](v["value"]), v["value"])
            for v in values
            if v.get("kind") in masks
        ]

    async def case_file(
        self, case_id: int, message_id: int, index: int, me: StaffMember
    ) -> AttachmentView:
        """A file the beneficiary sent in the case's conversation, its viewing recorded."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            case = await session.get(HandoverCase, case_id)
            message = await session.get(Message, message_id)
            if case is None or message is None or message.conversation_id != case.conversation_id:
                raise Refusal("staffweb-error-no-attachment", http_status=404)
            files = message.data.get("attachments") or []
            if not 0 <= index < len(files) or not isinstance(files[index], dict):
                raise Refusal("staffweb-error-no-attachment", http_status=404)
            conversation = await session.get(Conversation, case.conversation_id)
            assert conversation is not None
            f = files[index]
            repo.audit(
                session,
                actor=f"staff:{me.username}",
                action="case.file_viewed",
                subject=f"case:{case.id}",
                details={"message": message.id, "index": index},
                now=now,
            )
            return AttachmentView(
                id=message.id,
                channel=conversation.channel,
                kind=str(f.get("kind") or "other"),
                name=f.get("name"),
                size=f.get("size"),
                mime=f.get("mime"),
                file_id=str(f.get("file_id") or ""),
            )

    async def claim(self, case_id: int, me: StaffMember) -> None:
        now = self.clock.now()
        async with self.db.transaction() as session:
            case = await session.get(HandoverCase, case_id, with_for_update=True)
            if case is None:
                raise Refusal("staffweb-error-no-case", http_status=404, case=case_id)
            if case.status == "closed":
                raise Refusal("staffweb-error-case-closed", http_status=409, case=case_id)
            claim_case(case, me.id, now)
            repo.audit(
                session,
                actor=f"staff:{me.username}",
                action="case.claimed",
                subject=f"case:{case.id}",
                details={"via": "web"},
                now=now,
            )
            self._tell_group(
                session, case.id, self.tr("staff-claimed", case=case.id, name=me.display_name), now
            )
        self._committed(None)

    async def reply(self, case_id: int, me: StaffMember, text: str) -> None:
        text = text.replace("\x00", "").strip()
        if not text:
            raise Refusal("staffweb-error-empty-reply")
        if len(text) > MAX_REPLY_CHARS:
            raise Refusal("staffweb-error-reply-too-long", http_status=413, max=MAX_REPLY_CHARS)
        now = self.clock.now()
        async with self.db.transaction() as session:
            case = await session.get(HandoverCase, case_id, with_for_update=True)
            if case is None:
                raise Refusal("staffweb-error-no-case", http_status=404, case=case_id)
            if case.status == "closed":
                raise Refusal("staffweb-error-case-closed", http_status=409, case=case_id)
            staff = await session.get(Staff, me.id)
            assert staff is not None
            await reply_on_case(session, case, staff, text, self.tr, now)
            conversation = await session.get(Conversation, case.conversation_id)
            channel = conversation.channel if conversation else None
            self._tell_group(
                session,
                case.id,
                self.tr("staffweb-group-reply", name=me.display_name, text=text),
                now,
            )
        self._committed(channel)

    async def close(self, case_id: int, me: StaffMember) -> None:
        now = self.clock.now()
        async with self.db.transaction() as session:
            case = await session.get(HandoverCase, case_id, with_for_update=True)
            if case is None:
                raise Refusal("staffweb-error-no-case", http_status=404, case=case_id)
            if case.status == "closed":
                raise Refusal("staffweb-error-case-closed", http_status=409, case=case_id)
            await close_case_by_staff(session, case, me.username, self.tr, now, self.surveys, me.id)
            conversation = await session.get(Conversation, case.conversation_id)
            channel = conversation.channel if conversation else None
            self._tell_group(
                session, case.id, self.tr("staff-closed", case=case.id, name=me.display_name), now
            )
        self._committed(channel)

    def _tell_group(self, session: AsyncSession, case_id: int, text: str, now: datetime) -> None:
        if self.staff_chat is not None:
            to_staff(
                session, self.staff_chat, {"text": text, "buttons": [], "case_id": case_id}, now
            )

    # -- requests ------------------------------------------------------------------------

    @staticmethod
    def _request_row(r: SupportRequest, channel: str) -> RequestRow:
        return RequestRow(
            reference=r.reference or "",
            type=r.type,
            status=r.status,
            full_name=r.full_name,
            city=r.city,
            channel=channel,
            submitted_at=r.submitted_at,
            updated_at=r.updated_at,
        )

    async def list_requests(
        self, *, status: str | None = None, type_: str | None = None, reference: str | None = None
    ) -> list[RequestRow]:
        query = select(SupportRequest, Conversation.channel).join(
            Conversation, Conversation.id == SupportRequest.conversation_id
        )
        if status:
            query = query.where(SupportRequest.status == status)
        if type_:
            query = query.where(SupportRequest.type == type_)
        if reference:
            query = query.where(SupportRequest.reference == normalize_reference(reference))
        # The oldest still waiting first: the same habit as the cases.
        query = query.order_by(SupportRequest.submitted_at, SupportRequest.id).limit(LIST_LIMIT)
        async with self.db.reading() as session:
            rows = (await session.execute(query)).all()
        return [self._request_row(r, channel) for r, channel in rows]

    async def request_types(self) -> list[str]:
        async with self.db.reading() as session:
            rows = await session.execute(
                select(SupportRequest.type)
                .group_by(SupportRequest.type)
                .order_by(func.min(SupportRequest.id))
            )
            return [t for (t,) in rows.all()]

    async def _request(self, session: AsyncSession, reference: str) -> SupportRequest:
        found = (
            await session.execute(
                select(SupportRequest).where(
                    SupportRequest.reference == normalize_reference(reference)
                )
            )
        ).scalar_one_or_none()
        if found is None:
            raise Refusal("staffweb-error-no-request", http_status=404, reference=ltr(reference))
        return found

    def _mask(self, token: str, mask: Callable[[str], str]) -> str:
        try:
            return mask(self.vault.decrypt(token))
        except DecryptionError:
            return self.tr("staffweb-unreadable")

    async def request(self, reference: str) -> RequestView:
        async with self.db.reading() as session:
            r = await self._request(session, reference)
            conversation = await session.get(Conversation, r.conversation_id)
            attachments = (
                await session.execute(
                    select(RequestAttachment)
                    .where(RequestAttachment.request_id == r.id)
                    .order_by(RequestAttachment.id)
                )
            ).scalars()
            transitions = (
                await session.execute(
                    select(RequestTransition)
                    .where(RequestTransition.request_id == r.id)
                    .order_by(RequestTransition.id)
                )
            ).scalars()
            return RequestView(
                row=self._request_row(r, conversation.channel if conversation else ""),
                national_id_masked=self._mask(r.national_id_enc, fields.mask_national_id),
                phone_masked=self._mask(r.phone_enc, fields.mask_phone),
                description=r.description,
                missing_info=r.missing_info,
                declaration_version=r.declaration_version,
                declaration_number=await self._declaration_number(session, r.declaration_version),
                declared_at=r.declared_at,
                decided_at=r.decided_at,
                attachments=tuple(
                    AttachmentView(a.id, a.channel, a.kind, a.name, a.size, a.mime, a.file_id)
                    for a in attachments
                ),
                transitions=tuple(
                    TransitionView(t.from_status, t.to_status, t.actor, t.note, t.at)
                    for t in transitions
                ),
                next_statuses=tuple(s for s in TRANSITIONS if s in TRANSITIONS[r.status]),
            )

    @staticmethod
    async def _declaration_number(session: AsyncSession, version: str) -> int:
        """The version stored is a hash of the wording; staff read which wording it was."""
        firsts = (
            select(
                SupportRequest.declaration_version.label("version"),
                func.min(SupportRequest.declared_at).label("first"),
            )
            .group_by(SupportRequest.declaration_version)
            .subquery()
        )
        mine = select(firsts.c.first).where(firsts.c.version == version).scalar_subquery()
        earlier = await session.execute(select(func.count()).where(firsts.c.first < mine))
        return int(earlier.scalar_one()) + 1

    async def reveal(self, reference: str, me: StaffMember) -> Revealed:
        """The national ID and phone in full: admins only, and every look is recorded."""
        if not me.is_admin:
            raise Refusal("staffweb-error-reveal-forbidden", http_status=403)
        now = self.clock.now()
        async with self.db.transaction() as session:
            r = await self._request(session, reference)
            try:
                revealed = Revealed(
                    self.vault.decrypt(r.national_id_enc), self.vault.decrypt(r.phone_enc)
                )
            except DecryptionError:
                raise Refusal("staffweb-unreadable", http_status=500) from None
            repo.audit(
                session,
                actor=f"staff:{me.username}",
                action="request.revealed",
                subject=f"request:{r.reference}",
                details={"fields": ["national_id", "phone"], "via": "web"},
                now=now,
            )
        return revealed

    async def attachment(
        self, reference: str, attachment_id: int, me: StaffMember
    ) -> AttachmentView:
        """One attachment of the request, its viewing recorded like any look at a file."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            r = await self._request(session, reference)
            a = await session.get(RequestAttachment, attachment_id)
            if a is None or a.request_id != r.id:
                raise Refusal("staffweb-error-no-attachment", http_status=404)
            repo.audit(
                session,
                actor=f"staff:{me.username}",
                action="request.attachment_viewed",
                subject=f"request:{r.reference}",
                details={"attachment": a.id},
                now=now,
            )
            return AttachmentView(a.id, a.channel, a.kind, a.name, a.size, a.mime, a.file_id)

    async def change_status(
        self, reference: str, status: str, note: str | None, me: StaffMember
    ) -> StatusChange:
        """Through the lifecycle's one entry point, which also tells the beneficiary."""
        if note is not None and len(note) > MAX_NOTE_CHARS:
            raise Refusal("staffweb-error-note-too-long", http_status=413, max=MAX_NOTE_CHARS)
        change = await set_status(
            self.db,
            self.clock,
            self.tr,
            reference=reference,
            status=status,
            note=note,
            actor=f"staff:{me.username}",
            surveys=self.surveys,
        )
        if change.notified and self.on_commit is not None:
            self.on_commit()
        return change
