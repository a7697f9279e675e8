"""The staff desk: what staff do from the web inbox, without the web.

Cases (list by tab, read, claim, reply, close) and requests (list, read with identifiers
masked, reveal them to an admin with an audit event, move through the lifecycle). The
routes in bot/staff_web/ are thin over this; each action here is one transaction, and a
message for a queued channel wakes the outbox dispatcher after the commit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from faq.bidi import ltr
from handlers import cases, fields
from handlers.clock import Clock
from handlers.desk_views import (
    AttachmentView,
    CaseRow,
    CaseView,
    RequestRow,
    RequestView,
    Revealed,
    RevealedIdentifier,
    TransitionView,
    channel_word,
    message_view,
    request_row,
    waiting_since,
)
from handlers.errors import Refusal
from handlers.references import normalize_reference
from handlers.requests import TRANSITIONS, StatusChange, set_status
from handlers.sealing import revealed
from handlers.staff_auth import StaffMember
from handlers.staff_inbox import beneficiary_label, mask_chat, to_staff
from handlers.surveys import SurveyPolicy
from handlers.types import IMMEDIATE_CHANNELS, Translate
from storage import cases as case_store
from storage import data_keys
from storage import repositories as repo
from storage import requests as request_store
from storage.crypto import DecryptionError, Vault
from storage.db import Database, Session
from storage.models import (
    CaseStatus,
    Conversation,
    HandoverCase,
    Message,
    RequestAttachment,
    Staff,
    SupportRequest,
)

Tab = Literal["open", "mine", "unclaimed", "closed"]
TABS: tuple[Tab, ...] = ("open", "mine", "unclaimed", "closed")
# Telegram takes 4,096 characters a message; the "name from the team:" line comes first.
MAX_REPLY_CHARS = 3500
MAX_NOTE_CHARS = 2000
TRANSCRIPT_MESSAGES = 200
LIST_LIMIT = 200


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
        async with self.db.reading() as session:
            rows = await case_store.case_rows(session, tab, me.id, LIST_LIMIT)
            # A closed case waits for nobody: its messages need not be read.
            live = [case.id for case, *_ in rows] if tab != "closed" else []
            by_case = await case_store.messages_of_cases(session, live)
            people = sorted({case.beneficiary_id for case, *_ in rows})
            names = await request_store.latest_request_names(session, people)
        found = [self._row(row, by_case.get(row[0].id, []), names) for row in rows]
        if tab != "closed":
            # Longest waiting first; those staff answered last come after, oldest first.
            found.sort(
                key=lambda c: (c.waiting_since is None, c.waiting_since or c.opened_at, c.id)
            )
        return found

    def _row(
        self, row: case_store.CaseRow, messages: list[Message], names: dict[int, str]
    ) -> CaseRow:
        case, conversation, who, assignee = row
        label = beneficiary_label(
            self.tr, conversation.channel, case.beneficiary_id, names.get(case.beneficiary_id), who
        )
        closed = case.status == CaseStatus.CLOSED
        return CaseRow(
            id=case.id,
            reason=case.reason,
            status=case.status,
            channel=conversation.channel,
            who=who,
            chat_mask=mask_chat(conversation.chat_id),
            label=label,
            assignee=assignee,
            assignee_id=case.assignee_id,
            opened_at=case.opened_at,
            closed_at=case.closed_at,
            waiting_since=None if closed else waiting_since(messages, case.opened_at),
        )

    async def _load_case(self, session: Session, case_id: int) -> case_store.CaseRow:
        row = await case_store.case_row(session, case_id)
        if row is None:
            raise Refusal("staffweb-error-no-case", http_status=404, case=case_id)
        return row

    async def case(self, case_id: int, *, after: int = 0) -> CaseView:
        """The case, its conversation's messages (after the id `after`), the requests."""
        async with self.db.reading() as session:
            row = await self._load_case(session, case_id)
            case, conversation = row[0], row[1]
            own = await case_store.messages_of_cases(session, [case.id])
            recent = await case_store.recent_messages(
                session, conversation.id, TRANSCRIPT_MESSAGES, after=after
            )
            filed = await request_store.requests_of(session, case.beneficiary_id)
            names = await request_store.latest_request_names(session, [case.beneficiary_id])
            said, reachable = await channel_word(session, conversation, recent, self.clock.now())
        return CaseView(
            self._row(row, own[case.id], names),
            tuple(message_view(m, said.get((m.created_at, m.text))) for m in recent),
            tuple(request_row(r, conversation.channel) for r in filed),
            window_closed=not reachable,
        )

    async def reveal_identifiers(self, case_id: int, me: StaffMember) -> list[RevealedIdentifier]:
        """The numbers masked in the case's conversation: admins only, every look recorded."""
        _admin_only(me)
        now = self.clock.now()
        async with self.db.transaction() as session:
            case, conversation, _, _ = await self._load_case(session, case_id)
            # The messages the case page shows: its conversation's latest.
            sealed = await case_store.sealed_messages(session, conversation.id, TRANSCRIPT_MESSAGES)
            found = [
                r for m, at, t in sealed for r in await revealed(session, self.vault, m, at, t)
            ]
            details = {
                "messages": sorted({r.message_id for r in found}),
                "fields": sorted({r.kind for r in found}),
                "via": "web",
            }
            _audit(session, me, "case.identifiers_revealed", f"case:{case.id}", details, now)
        return found

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
            details = {"message": message.id, "index": index}
            _audit(session, me, "case.file_viewed", f"case:{case.id}", details, now)
            return _sent_file(message.id, await self._channel(session, case), files[index])

    async def claim(self, case_id: int, me: StaffMember) -> None:
        now = self.clock.now()
        async with self.db.transaction() as session:
            case = await cases.open_for_staff(session, case_id)
            cases.claim(case, me.id, now)
            _audit(session, me, "case.claimed", f"case:{case.id}", {"via": "web"}, now)
            told = self.tr("staff-claimed", case=case.id, name=me.display_name)
            self._tell_group(session, case.id, told, now)
        self._committed(None)

    async def reply(self, case_id: int, me: StaffMember, text: str) -> None:
        text = text.replace("\x00", "").strip()
        if not text:
            raise Refusal("staffweb-error-empty-reply")
        if len(text) > MAX_REPLY_CHARS:
            raise Refusal("staffweb-error-reply-too-long", http_status=413, max=MAX_REPLY_CHARS)
        now = self.clock.now()
        async with self.db.transaction() as session:
            case = await cases.open_for_staff(session, case_id)
            staff = await session.get(Staff, me.id)
            assert staff is not None
            await cases.reply(session, case, staff, text, self.tr, now)
            told = self.tr("staffweb-group-reply", name=me.display_name, text=text)
            channel = await self._told(session, case, told, now)
        self._committed(channel)

    async def close(self, case_id: int, me: StaffMember) -> None:
        now = self.clock.now()
        async with self.db.transaction() as session:
            case = await cases.open_for_staff(session, case_id)
            await cases.close(session, case, me.username, self.tr, now, self.surveys, me.id)
            told = self.tr("staff-closed", case=case.id, name=me.display_name)
            channel = await self._told(session, case, told, now)
        self._committed(channel)

    async def _told(
        self, session: Session, case: HandoverCase, text: str, now: datetime
    ) -> str | None:
        """The staff group hears what was done; the beneficiary's channel, to wake it."""
        channel = await self._channel(session, case)
        self._tell_group(session, case.id, text, now)
        return channel

    @staticmethod
    async def _channel(session: Session, case: HandoverCase) -> str:
        conversation = await session.get(Conversation, case.conversation_id)
        assert conversation is not None
        return conversation.channel

    def _tell_group(self, session: Session, case_id: int, text: str, now: datetime) -> None:
        if self.staff_chat is not None:
            to_staff(
                session, self.staff_chat, {"text": text, "buttons": [], "case_id": case_id}, now
            )

    # -- requests ------------------------------------------------------------------------

    async def list_requests(
        self, *, status: str | None = None, type_: str | None = None, reference: str | None = None
    ) -> list[RequestRow]:
        async with self.db.reading() as session:
            rows = await request_store.listed_requests(
                session,
                status=status,
                type_=type_,
                reference=normalize_reference(reference) if reference else None,
                limit=LIST_LIMIT,
            )
        return [request_row(r, channel) for r, channel in rows]

    async def request_types(self) -> list[str]:
        async with self.db.reading() as session:
            return await request_store.request_types(session)

    async def _request(self, session: Session, reference: str) -> SupportRequest:
        found = await request_store.find_request(session, normalize_reference(reference))
        if found is None:
            raise Refusal("staffweb-error-no-request", http_status=404, reference=ltr(reference))
        return found

    async def _mask(self, session: Session, token: str, mask: Callable[[str], str]) -> str:
        try:
            return mask(await data_keys.open_token(session, self.vault, token))
        except DecryptionError:
            return self.tr("staffweb-unreadable")

    async def request(self, reference: str) -> RequestView:
        async with self.db.reading() as session:
            r = await self._request(session, reference)
            conversation = await session.get(Conversation, r.conversation_id)
            attachments = await request_store.attachments_of(session, r.id)
            transitions = await request_store.transitions_of(session, r.id)
            return RequestView(
                row=request_row(r, conversation.channel if conversation else ""),
                national_id_masked=await self._mask(
                    session, r.national_id_enc, fields.mask_national_id
                ),
                phone_masked=await self._mask(session, r.phone_enc, fields.mask_phone),
                description=r.description,
                missing_info=r.missing_info,
                declaration_version=r.declaration_version,
                # The version stored is a hash of the wording; staff read which wording it was.
                declaration_number=await request_store.declaration_number(
                    session, r.declaration_version
                ),
                declared_at=r.declared_at,
                decided_at=r.decided_at,
                attachments=tuple(_attachment_view(a) for a in attachments),
                transitions=tuple(
                    TransitionView(t.from_status, t.to_status, t.actor, t.note, t.at)
                    for t in transitions
                ),
                next_statuses=tuple(s for s in TRANSITIONS if s in TRANSITIONS[r.status]),
            )

    async def reveal(self, reference: str, me: StaffMember) -> Revealed:
        """The national ID and phone in full: admins only, and every look is recorded."""
        _admin_only(me)
        now = self.clock.now()
        async with self.db.transaction() as session:
            r = await self._request(session, reference)
            try:
                revealed = Revealed(
                    await data_keys.open_token(session, self.vault, r.national_id_enc),
                    await data_keys.open_token(session, self.vault, r.phone_enc),
                )
            except DecryptionError:
                raise Refusal("staffweb-unreadable", http_status=500) from None
            details = {"fields": ["national_id", "phone"], "via": "web"}
            _audit(session, me, "request.revealed", f"request:{r.reference}", details, now)
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
            details = {"attachment": a.id}
            _audit(session, me, "request.attachment_viewed", f"request:{r.reference}", details, now)
            return _attachment_view(a)

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


def _admin_only(me: StaffMember) -> None:
    if not me.is_admin:
        raise Refusal("staffweb-error-reveal-forbidden", http_status=403)


def _audit(
    session: Session,
    me: StaffMember,
    action: str,
    subject: str,
    details: dict[str, Any],
    now: datetime,
) -> None:
    actor = f"staff:{me.username}"
    repo.audit(session, actor=actor, action=action, subject=subject, details=details, now=now)


def _attachment_view(a: RequestAttachment) -> AttachmentView:
    return AttachmentView(a.id, a.channel, a.kind, a.name, a.size, a.mime, a.file_id)


def _sent_file(message_id: int, channel: str, f: dict[str, Any]) -> AttachmentView:
    return AttachmentView(
        id=message_id,
        channel=channel,
        kind=str(f.get("kind") or "other"),
        name=f.get("name"),
        size=f.get("size"),
        mime=f.get("mime"),
        file_id=str(f.get("file_id") or ""),
    )
