"""Small repositories over one session. They add, lock and read; they never commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, String, Table, func, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from storage import first_contacts
from storage.db import AppendingSession
from storage.models import (
    AuditEvent,
    Base,
    Beneficiary,
    ChannelIdentity,
    Conversation,
    Message,
    OutboxMessage,
    ProcessedInbound,
)


async def claim_inbound(
    session: AsyncSession, channel: str, external_id: str, now: datetime
) -> bool:
    """Record an inbound id; False when it was already recorded (a duplicate delivery)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(ProcessedInbound)
        .values(channel=channel, external_id=external_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["channel", "external_id"])
    )
    result = await session.execute(stmt)
    return bool(getattr(result, "rowcount", 0))


async def claim_inbound_many(
    session: AsyncSession, ids: set[tuple[str, str]], now: datetime
) -> set[tuple[str, str]]:
    """Record several (channel, external id) pairs at once; returns those new until now."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = cast(Table, ProcessedInbound.__table__)
    stmt = (
        insert(table)
        .on_conflict_do_nothing(index_elements=["channel", "external_id"])
        .returning(table.c.channel, table.c.external_id)
    )
    # Parameter sets, not a VALUES list: one compiled statement for every batch size,
    # which SQLAlchemy still sends as one multi-row INSERT.
    rows = [{"channel": c, "external_id": e, "created_at": now} for c, e in sorted(ids)]
    return {(c, e) for c, e in (await session.execute(stmt, rows)).all()}


async def conversations_for_update_many(
    session: AsyncSession,
    people: list[tuple[str, str, str, str | None]],
    now: datetime,
) -> dict[tuple[str, str], Conversation]:
    """The conversations of (channel, chat, user, name) people, locked; created as needed.

    One statement for the chats that exist; a first contact goes through
    `conversation_for_update`, which also creates its beneficiary.
    """
    found = await _locked_many(session, people)
    first = first_contacts.first_of_each(p for p in people if (p[0], p[1]) not in found)
    if len(first) > 1 and await first_contacts.create(session, first, now):
        found.update(await _locked_many(session, first))
    for channel, chat_id, user_id, name in people:
        if (channel, chat_id) not in found:
            found[(channel, chat_id)] = await conversation_for_update(
                session,
                channel=channel,
                chat_id=chat_id,
                user_id=user_id,
                display_name=name,
                now=now,
            )
    return found


async def _locked_many(
    session: AsyncSession, people: Iterable[first_contacts.Person]
) -> dict[tuple[str, str], Conversation]:
    """The existing conversations of these chats, locked: one statement per channel."""
    by_channel: dict[str, set[str]] = {}
    for channel, chat_id, _, _ in people:
        by_channel.setdefault(channel, set()).add(chat_id)
    found: dict[tuple[str, str], Conversation] = {}
    for channel, chats in sorted(by_channel.items()):
        for conversation in await _locked(session, channel, chats):
            found[(conversation.channel, conversation.chat_id)] = conversation
    return found


async def _locked(session: AsyncSession, channel: str, chats: set[str]) -> list[Conversation]:
    where = (Conversation.channel == channel, Conversation.chat_id.in_(sorted(chats)))
    return await locked_conversations(session, *where)


async def locked_conversations(
    session: AsyncSession, *where: ColumnElement[bool], skip_locked: bool = False
) -> list[Conversation]:
    """The conversations that match, locked in id order: one lock order for every process."""
    query = select(Conversation).where(*where).order_by(Conversation.id)
    return list((await session.execute(query.with_for_update(skip_locked=skip_locked))).scalars())


async def conversation_for_update(
    session: AsyncSession,
    *,
    channel: str,
    chat_id: str,
    user_id: str,
    display_name: str | None,
    now: datetime,
) -> Conversation:
    """The chat's conversation, locked for this transaction; created on first contact."""
    query = (
        select(Conversation)
        .where(Conversation.channel == channel, Conversation.chat_id == chat_id)
        .with_for_update()
    )
    conversation = (await session.execute(query)).scalar_one_or_none()
    if conversation is not None:
        return conversation
    try:
        async with session.begin_nested():
            beneficiary_id = await _beneficiary_for(session, channel, user_id, display_name, now)
            return await _new_conversation(session, beneficiary_id, channel, chat_id, now)
    except IntegrityError:
        # Another process created it between our read and our insert: use theirs.
        return (await session.execute(query)).scalar_one()


async def _new_conversation(
    session: AsyncSession, beneficiary_id: int, channel: str, chat_id: str, now: datetime
) -> Conversation:
    conversation = Conversation(
        beneficiary_id=beneficiary_id,
        channel=channel,
        chat_id=chat_id,
        state={},
        created_at=now,
        updated_at=now,
    )
    session.add(conversation)
    await session.flush()
    return conversation


async def _beneficiary_for(
    session: AsyncSession, channel: str, user_id: str, display_name: str | None, now: datetime
) -> int:
    found = await session.execute(
        select(ChannelIdentity.beneficiary_id).where(
            ChannelIdentity.channel == channel, ChannelIdentity.external_user_id == user_id
        )
    )
    beneficiary_id = found.scalar_one_or_none()
    if beneficiary_id is not None:
        return beneficiary_id
    beneficiary = Beneficiary(created_at=now, display_name=display_name)
    session.add(beneficiary)
    await session.flush()
    session.add(
        ChannelIdentity(
            beneficiary_id=beneficiary.id,
            channel=channel,
            external_user_id=user_id,
            created_at=now,
        )
    )
    await session.flush()
    return beneficiary.id


def add_message(
    session: AsyncSession,
    conversation: Conversation,
    *,
    direction: str,
    author: str,
    text: str,
    data: dict[str, Any],
    case_id: int | None,
    now: datetime,
    identifiers_enc: str | None = None,
) -> None:
    _append(
        session,
        Message,
        conversation_id=conversation.id,
        case_id=case_id,
        direction=direction,
        author=author,
        text=text,
        data=data,
        created_at=now,
        identifiers_enc=identifiers_enc,
    )
    _sync(session).wrote(conversation.channel, conversation.chat_id)


def _sync(session: AsyncSession) -> AppendingSession:
    sync = session.sync_session
    assert isinstance(sync, AppendingSession), (
        "sessions come from Database.transaction() or reading()"
    )
    return sync


def _append(session: AsyncSession, model: type[Base], **row: Any) -> None:
    """An append-only row, written in bulk with the transaction's others (no id back)."""
    _sync(session).append(model.__table__, row)  # type: ignore[arg-type]


def add_outbox(
    session: AsyncSession,
    conversation: Conversation,
    *,
    body: dict[str, Any],
    due_at: datetime,
    now: datetime,
    delivered: bool,
    kind: str = "reply",
) -> None:
    """Queue a message; one a channel already delivered in its response is stored as sent."""
    _append(
        session,
        OutboxMessage,
        conversation_id=conversation.id,
        channel=conversation.channel,
        chat_id=conversation.chat_id,
        kind=kind,
        # What the message is about travels with it: a channel that can only send
        # approved templates at times (WhatsApp) picks one by it.
        body={"topic": kind, **body},
        state="sent" if delivered else "pending",
        due_at=due_at,
        attempts=0,
        created_at=now,
        sent_at=now if delivered else None,
    )


def add_staff_outbox(
    session: AsyncSession, channel: str, chat_id: str, body: dict[str, Any], now: datetime
) -> None:
    """A message for a staff chat, which belongs to no beneficiary's conversation."""
    _append(
        session,
        OutboxMessage,
        conversation_id=None,
        channel=channel,
        chat_id=chat_id,
        kind="staff",
        body=body,
        state="pending",
        due_at=now,
        attempts=0,
        created_at=now,
        sent_at=None,
    )


def record_reply(
    session: AsyncSession,
    conversation: Conversation,
    body: dict[str, Any],
    *,
    author: str,
    case_id: int | None,
    now: datetime,
    delivered: bool,
    kind: str = "reply",
) -> None:
    """An outgoing message: into the transcript and, in the same transaction, the outbox."""
    add_message(
        session,
        conversation,
        direction="out",
        author=author,
        text=str(body.get("text", "")),
        data={"buttons": body.get("buttons") or []},
        case_id=case_id,
        now=now,
    )
    add_outbox(
        session, conversation, body=body, due_at=now, now=now, delivered=delivered, kind=kind
    )


async def last_buttons(session: AsyncSession, conversation_id: int) -> list[dict[str, Any]]:
    """The buttons of the bot's latest message: what a pressed payload was labelled."""
    row = await session.execute(
        select(Message.data)
        .where(Message.conversation_id == conversation_id, Message.direction == "out")
        .order_by(Message.id.desc())
        .limit(1)
    )
    data = row.scalar_one_or_none() or {}
    buttons = data.get("buttons") or []
    return [b for b in buttons if isinstance(b, dict)]


async def transcript(
    session: AsyncSession, channel: str, chat_id: str, limit: int
) -> list[Message]:
    conversation_id = (
        await session.execute(
            select(Conversation.id).where(
                Conversation.channel == channel, Conversation.chat_id == chat_id
            )
        )
    ).scalar_one_or_none()
    if conversation_id is None:
        return []
    rows = await session.execute(
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.id.desc())
        .limit(limit)
    )
    return list(reversed(rows.scalars().all()))


def set_state(conversation: Conversation, state: dict[str, Any]) -> None:
    conversation.state = state
    # JSON columns don't track changes inside the dict: say it changed.
    flag_modified(conversation, "state")


async def with_drafts_for_update(session: AsyncSession) -> list[Conversation]:
    """The conversations that may hold a request form's draft, locked (others skip them)."""
    # A coarse text filter the JSON column allows on both databases; the form decides.
    has_form = sql_cast(Conversation.state, String).like('%"form"%')
    return await locked_conversations(session, has_form, skip_locked=True)


def audit(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    subject: str,
    details: dict[str, Any],
    now: datetime,
) -> None:
    session.add(AuditEvent(at=now, actor=actor, action=action, subject=subject, details=details))


async def last_marks(session: AsyncSession, action: str) -> dict[str, datetime]:
    """When each subject last got this audit marker (a periodic job's memory across restarts).

    Read after the job's rows are locked: another process that handled them has committed
    its markers by then, so the same alert or update never goes out twice.
    """
    rows = await session.execute(
        select(AuditEvent.subject, func.max(AuditEvent.at))
        .where(AuditEvent.action == action)
        .group_by(AuditEvent.subject)
    )
    return {subject: at for subject, at in rows.all()}


async def outbox_counts(session: AsyncSession, kind: str) -> dict[str, int]:
    """How many queued messages of a kind are in each state (pending, sending, sent, failed)."""
    query = select(OutboxMessage.state, func.count()).where(OutboxMessage.kind == kind)
    rows = await session.execute(query.group_by(OutboxMessage.state))
    return {state: int(n) for state, n in rows.all()}
