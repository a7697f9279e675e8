"""The engine: one update in, one transaction, replies out.

For every `Incoming` the engine opens the one session of that update, records the inbound
id (a duplicate stops here), locks the conversation, lets the dialog decide, and writes the
new state, the transcript, any case change and the outgoing messages in that same
transaction. A crash before the commit loses nothing the channel considers delivered; a
crash after it loses nothing at all, because the replies are in the outbox and the
transcript.

One beneficiary's updates run one at a time (a lock per chat here, the row lock across
processes); different beneficiaries run concurrently.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from handlers import cases, faq_misses, identifiers, requests, sealing, survey_answers, surveys
from handlers.clock import Clock
from handlers.conversation import Dialog
from handlers.form_prompts import Cipher
from handlers.group_commit import GroupCommit
from handlers.replies import Reply
from handlers.staff_inbox import StaffInbox
from handlers.turn import Context, RequestView, Turn
from handlers.types import IMMEDIATE_CHANNELS, WINDOW_CHANNELS, Incoming, TranscriptEntry
from storage import outbox
from storage import repositories as repo
from storage import requests as request_store
from storage.crypto import Vault
from storage.db import Database, Session
from storage.models import Conversation, HandoverCase, SupportRequest

log = logging.getLogger(__name__)


class _ChatLocks:
    """An asyncio lock per chat, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[tuple[str, str], tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold_all(self, keys: Sequence[tuple[str, str]]) -> AsyncIterator[None]:
        """Several chats' locks, taken in the order given (sorted: no two waiters cross)."""
        async with AsyncExitStack() as stack:
            for key in keys:
                await stack.enter_async_context(self.hold(key))
            yield

    @asynccontextmanager
    async def hold(self, key: tuple[str, str]) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


@dataclass(frozen=True)
class _Step:
    """One update being applied: its session, its locked conversation, the dialog's turn."""

    session: Session
    conversation: Conversation
    incoming: Incoming
    turn: Turn
    now: datetime


class Engine:
    def __init__(
        self,
        db: Database,
        dialog: Dialog,
        clock: Clock,
        *,
        immediate: frozenset[str] = IMMEDIATE_CHANNELS,
        on_commit: Callable[[], None] | None = None,
        staff: StaffInbox | None = None,
        cipher: Cipher | None = None,
    ) -> None:
        self.db = db
        self.dialog = dialog
        self.clock = clock
        self.immediate = immediate
        # Wakes the outbox dispatcher when a message for a queued channel was committed.
        self.on_commit = on_commit
        # The staff group, when there is one: cases and their messages go there too.
        self.staff = staff
        # Keeps the clear value of an identifier masked in a message (the form's key).
        self.cipher = cipher or (dialog.form.cipher if dialog.form is not None else None)
        self._locks = _ChatLocks()
        self._group = GroupCommit(self._batch, parallel=db.batches if db is not None else 1)

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """One update, in the next transaction with whatever else arrived meanwhile."""
        return await self._group.submit(incoming)

    async def handle_many(self, incomings: Sequence[Incoming]) -> list[list[Reply]]:
        """Several updates in one transaction (a polled batch); the replies, in order.

        Group commit: one write turn, one BEGIN/COMMIT and a few set-wise statements for
        the whole batch instead of a transaction per update. Updates of one chat keep their
        order. If the batch fails as a whole, each update is tried on its own, so one bad
        update holds none of the others back.
        """
        try:
            return await self._batch(incomings)
        except Exception:
            if len(incomings) <= 1:
                raise
            log.warning("a batch of %d updates failed; one by one", len(incomings))
            return [(await self._batch([incoming]))[0] for incoming in incomings]

    async def _batch(self, incomings: Sequence[Incoming]) -> list[list[Reply]]:
        """The updates in one transaction, or none of them."""
        if not incomings:
            return []
        # Nothing past this line sees a national ID or a phone number in clear but the
        # form's steps that ask for one (Incoming.clear_text).
        incomings = [identifiers.masked_incoming(i) for i in incomings]
        # The costly, state-free part (matching the question) happens before any lock, so
        # that the write transaction holds the database only for reads and writes.
        for incoming in incomings:
            self.dialog.prepare(incoming)
        keys = sorted({(i.channel, i.chat_id) for i in incomings})
        async with self._locks.hold_all(keys), self.db.writer():
            results, queued = await self._transaction(incomings)
        if queued and self.on_commit is not None:
            self.on_commit()
        return results

    async def _transaction(self, incomings: Sequence[Incoming]) -> tuple[list[list[Reply]], bool]:
        now = self.clock.now()
        results: list[list[Reply]] = [[] for _ in incomings]
        queued = False
        async with self.db.transaction(queued=False) as session:
            todo = await self._claim(session, incomings, now)
            conversations = await repo.conversations_for_update_many(
                session,
                [(i.channel, i.chat_id, i.user_id, i.display_name) for _, i in todo],
                now,
            )
            beneficiaries = {c.beneficiary_id for c in conversations.values()}
            filed = await request_store.requests_of_many(session, beneficiaries)
            for index, incoming in todo:
                conversation = conversations[(incoming.channel, incoming.chat_id)]
                turn, one_queued = await self._apply(session, conversation, filed, incoming, now)
                results[index] = turn.replies
                queued = queued or one_queued
        return results, queued

    async def _claim(
        self, session: Session, incomings: Sequence[Incoming], now: datetime
    ) -> list[tuple[int, Incoming]]:
        """The updates to handle, by position: a duplicate delivery stops here."""
        ids = {(i.channel, i.external_id) for i in incomings if i.external_id}
        fresh = await repo.claim_inbound_many(session, ids, now) if ids else set()
        todo: list[tuple[int, Incoming]] = []
        for index, incoming in enumerate(incomings):
            if incoming.external_id:
                key = (incoming.channel, incoming.external_id)
                if key not in fresh:
                    continue
                fresh.discard(key)  # the same update twice in one batch: once
            todo.append((index, incoming))
        return todo

    async def _apply(
        self,
        session: Session,
        conversation: Conversation,
        filed: dict[int, list[SupportRequest]],
        incoming: Incoming,
        now: datetime,
    ) -> tuple[Turn, bool]:
        """One update against its locked conversation, inside the batch's transaction.

        `filed` holds each beneficiary's requests; kept up to date when this one changes them.
        """
        mine = filed.get(conversation.beneficiary_id, [])
        ctx = Context(requests=tuple(_view(r) for r in mine))
        turn = self.dialog.handle(conversation.state or {}, incoming, ctx)
        sealed = await self._seal(session, conversation, turn, incoming, now)
        case_id = await self._apply_case(session, conversation, turn, now)
        await self._apply_requests(session, conversation, turn, filed, now)
        await self._apply_survey(session, conversation, turn, now)
        await faq_misses.record(session, conversation, turn, self.dialog.faq.profile.slug, now)
        step = _Step(session, conversation, incoming, turn, now)
        text = await _inbound_text(step)
        self._record(step, text, case_id, sealed)
        repo.set_state(conversation, turn.state)
        conversation.updated_at = conversation.last_inbound_at = now
        staff_queued = await self._tell_staff(step, text, case_id)
        released = await _reopen_window(session, conversation, now)
        delivered = incoming.channel in self.immediate
        return turn, (bool(turn.replies) and not delivered) or staff_queued or released

    async def _apply_requests(
        self,
        session: Session,
        conversation: Conversation,
        turn: Turn,
        filed: dict[int, list[SupportRequest]],
        now: datetime,
    ) -> None:
        actor = f"{conversation.channel}:{conversation.chat_id}"
        if turn.submit is not None and self.dialog.form is not None:
            reference = await requests.file(session, conversation, turn.submit, actor, now)
            turn.replies.extend(self.dialog.submitted(reference))
        if turn.complete is not None:
            await requests.complete(session, conversation, turn.complete, actor, now)
        if turn.submit is not None or turn.complete is not None:
            # The person's requests changed (and maybe whose person this is).
            mine = await request_store.requests_of_many(session, {conversation.beneficiary_id})
            filed.update(mine)

    def _record(self, step: _Step, text: str, case_id: int | None, sealed: str | None) -> None:
        """The update and the replies into the transcript, the replies into the outbox."""
        turn, conversation = step.turn, step.conversation
        repo.add_message(
            step.session,
            conversation,
            direction="in",
            author="beneficiary",
            text=text,
            data=_inbound_data(step.incoming),
            case_id=case_id if turn.on_case or turn.open_case else None,
            now=step.now,
            identifiers_enc=sealed,
        )
        delivered = step.incoming.channel in self.immediate
        for reply in turn.replies:
            repo.record_reply(
                step.session,
                conversation,
                reply.to_dict(),
                author="bot",
                case_id=case_id,
                now=step.now,
                delivered=delivered,
            )

    async def _tell_staff(self, step: _Step, text: str, case_id: int | None) -> bool:
        """A new case's card, or the beneficiary's words on one, for the staff group."""
        if self.staff is None or case_id is None:
            return False
        if step.turn.open_case:
            await self.staff.case_opened(step.session, case_id, step.conversation, step.now)
            return True
        if step.turn.on_case:
            who, files = step.incoming.display_name, len(step.incoming.attachments)
            self.staff.case_message(step.session, case_id, who, text, files, step.now)
            return True
        return False

    async def _seal(
        self,
        session: Session,
        conversation: Conversation,
        turn: Turn,
        incoming: Incoming,
        now: datetime,
    ) -> str | None:
        """The turn's identifiers under the beneficiary's own data key (handlers/sealing.py)."""
        message = self._sealed(incoming)
        if not isinstance(self.cipher, Vault):
            return message
        bid = conversation.beneficiary_id
        return await sealing.seal_turn(session, self.cipher, bid, turn, message, now)

    def _sealed(self, incoming: Incoming) -> str | None:
        """The identifiers masked in this message, encrypted, for an admin to reveal."""
        if incoming.clear_text is None or self.cipher is None:
            return None
        values: list[dict[str, str]] = []
        for found in identifiers.find_identifiers(incoming.clear_text):
            value = {"kind": found.kind, "value": found.value}
            if value not in values:
                values.append(value)
        return self.cipher.encrypt(json.dumps(values)) if values else None

    async def _apply_case(
        self, session: Session, conversation: Conversation, turn: Turn, now: datetime
    ) -> int | None:
        state = turn.state
        if turn.open_case is not None:
            state["case_id"] = await cases.open_case(session, conversation, turn.open_case, now)
            return int(state["case_id"])
        previous = (conversation.state or {}).get("case_id")
        if turn.close_case and previous is not None:
            await cases.close_by_beneficiary(session, conversation, int(previous), now)
            return int(previous)
        return int(state["case_id"]) if turn.on_case and state.get("case_id") else None

    async def _apply_survey(
        self, session: Session, conversation: Conversation, turn: Turn, now: datetime
    ) -> None:
        """A survey answer stored once; a case the beneficiary closed gets its survey."""
        closed = (conversation.state or {}).get("case_id")  # the state before this turn
        closing = turn.close_case and closed is not None
        if turn.survey is None and not closing:
            return
        profile = self.dialog.faq.profile
        policy = surveys.SurveyPolicy.from_profile(profile.surveys, profile.quiet_hours)
        if turn.survey is not None:
            replies = await survey_answers.answer(
                session, conversation, turn.survey, turn.state, now, self.dialog.tr, policy
            )
            turn.replies.extend(replies)
        if turn.close_case and closed is not None:
            case = await session.get(HandoverCase, int(closed))
            if case is not None:
                await surveys.schedule_for_case(session, case, policy=policy, now=now)

    async def transcript(
        self, channel: str, chat_id: str, limit: int = 200
    ) -> list[TranscriptEntry]:
        async with self.db.reading() as session:
            messages = await repo.transcript(session, channel, chat_id, limit)
        entries = []
        for m in messages:
            buttons = m.data.get("buttons") or [] if m.direction == "out" else []
            entries.append(
                TranscriptEntry(
                    direction="out" if m.direction == "out" else "in",
                    text=m.text,
                    buttons=tuple(str(b["label"]) for b in buttons),
                    payloads=tuple(str(b["payload"]) for b in buttons),
                    nav=tuple(bool(b.get("nav", False)) for b in buttons),
                    at=m.created_at,
                    id=m.id,
                    files=_file_names(m.data),
                )
            )
        return entries


async def _reopen_window(session: Session, conversation: Conversation, now: datetime) -> bool:
    """The person wrote on a channel with a service window: what waited for it goes now."""
    if conversation.channel not in WINDOW_CHANNELS:
        return False
    await outbox.release_held(session, conversation.channel, conversation.chat_id, now)
    return True


async def _inbound_text(step: _Step) -> str:
    """What the transcript keeps of the update: its text, masked or redacted as asked."""
    incoming, turn = step.incoming, step.turn
    text = incoming.text if turn.redact_inbound is None else turn.redact_inbound
    if incoming.payload and not text and turn.redact_inbound is None:
        # The transcript shows what the person pressed, not an internal payload.
        pressed = await repo.last_buttons(step.session, step.conversation.id)
        text = next((b["label"] for b in pressed if b.get("payload") == incoming.payload), "")
    return text


def _view(request: SupportRequest) -> RequestView:
    return RequestView(
        id=request.id,
        reference=request.reference or "",
        type=request.type,
        status=request.status,
        submitted_at=request.submitted_at,
        updated_at=request.updated_at,
        missing_info=request.missing_info,
    )


def _file_names(data: dict[str, Any]) -> tuple[str, ...]:
    files = data.get("attachments") or []
    return tuple(str(f.get("name") or f.get("kind") or "") for f in files if isinstance(f, dict))


def _inbound_data(incoming: Incoming) -> dict[str, Any]:
    data: dict[str, Any] = {
        "payload": incoming.payload,
        "external_id": incoming.external_id,
        "attachments": [a.to_dict() for a in incoming.attachments],
    }
    return {key: value for key, value in data.items() if value}
