"""The outbox's claims and outcomes, for the dispatcher (scheduler/dispatcher.py).

A claim takes the due heads of chat (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several
processes never take the same row) and marks them as being sent; an outcome puts a row
back as sent, pending again (a retry) or failed for good.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Table,
    Update,
    bindparam,
    exists,
    literal,
    literal_column,
    or_,
    select,
    update,
)

from storage.db import Session
from storage.models import (
    ChannelIdentity,
    Conversation,
    DeliveryStatus,
    OutboxMessage,
    OutboxState,
)

OUTBOX = cast(Table, OutboxMessage.__table__)
MAX_ERROR_CHARS = 500


def claim_statement() -> Update:
    """One statement that picks the due heads of chat and marks them as being sent.

    Only the oldest unsent message of each chat: a chat's messages keep their order, even
    when one waits for a retry or is in another process's hands. Binds `channels`, `now`,
    `stale` (claimed before it: taken back) and `limit`.
    """
    return (
        update(OUTBOX)
        .where(OUTBOX.c.id.in_(_due_heads()))
        .values(state="sending", claimed_at=bindparam("now"))
        .returning(
            OUTBOX.c.id, OUTBOX.c.channel, OUTBOX.c.chat_id, OUTBOX.c.body, OUTBOX.c.attempts
        )
    )


def _due_heads() -> Any:
    candidate = OUTBOX.alias("candidate")
    earlier = OUTBOX.alias("earlier")
    # OFFSET keeps PostgreSQL from flattening the check into an anti-join: planned on the
    # statistics taken before a campaign queued thousands of rows, that join compared every
    # pending row with every other (seconds); as a subplan it is one index probe a row.
    head_of_chat = ~exists(
        select(literal(1))
        .where(
            earlier.c.channel == candidate.c.channel,
            earlier.c.chat_id == candidate.c.chat_id,
            earlier.c.id < candidate.c.id,
            _unsent(earlier),
        )
        .offset(0)
    )
    return (
        select(candidate.c.id)
        .where(
            candidate.c.channel.in_(bindparam("channels", expanding=True)),
            _unsent(candidate),
            or_(
                (candidate.c.state == "pending") & (candidate.c.due_at <= bindparam("now")),
                (candidate.c.state == "sending") & (candidate.c.claimed_at < bindparam("stale")),
            ),
            head_of_chat,
        )
        .order_by(candidate.c.id)
        .limit(bindparam("limit"))
        .with_for_update(skip_locked=True)
    )


def _unsent(table: Any) -> Any:
    """The partial indexes' own term, spelled as they spell it so that both engines use them."""
    return table.c.state.in_([literal_column("'pending'"), literal_column("'sending'")])


async def claim(
    session: Session, statement: Update, params: dict[str, Any]
) -> list[dict[str, Any]]:
    """The claimed rows (id, channel, chat_id, body, attempts), by id."""
    rows = (await session.execute(statement, params)).mappings().all()
    return sorted((dict(r) for r in rows), key=lambda r: int(r["id"]))


async def release_sending(session: Session) -> None:
    """Every row marked as being sent goes back to pending."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.state == "sending")
        .values(state="pending", claimed_at=None)
    )


async def mark_sent(session: Session, ids: list[int], now: datetime) -> None:
    await session.execute(
        update(OUTBOX)
        .where(OUTBOX.c.id.in_(ids))
        .values(state="sent", sent_at=now, claimed_at=None)
    )


async def reschedule(
    session: Session,
    row_id: int,
    due_at: datetime,
    *,
    error: str | None,
    attempt: bool,
    body: dict[str, Any] | None,
) -> None:
    """Pending again from `due_at`; `attempt` counts one more delivery attempt."""
    values: dict[str, Any] = {"state": "pending", "due_at": due_at, "claimed_at": None}
    if error is not None:
        values["last_error"] = error[:MAX_ERROR_CHARS]
    if attempt:
        values["attempts"] = OutboxMessage.attempts + 1
    if body is not None:
        values["body"] = body
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))


async def mark_failed(session: Session, row_id: int, reason: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(state="failed", last_error=reason[:MAX_ERROR_CHARS], claimed_at=None)
    )


async def mark_unreachable(session: Session, channel: str, chat_id: str) -> None:
    """The person on this channel blocked the bot: nobody retries them in a loop."""
    await session.execute(
        update(ChannelIdentity)
        .where(ChannelIdentity.channel == channel, ChannelIdentity.external_user_id == chat_id)
        .values(reachable=False)
    )


async def name_sent(session: Session, external_ids: dict[int, str]) -> None:
    """The channel's id of each sent row (WhatsApp's wamid), which its statuses will name."""
    await session.execute(
        update(OUTBOX).where(OUTBOX.c.id == bindparam("row_id")).values(external_id=bindparam("x")),
        [{"row_id": row_id, "x": x} for row_id, x in external_ids.items()],
    )


async def hold(session: Session, row_id: int, body: dict[str, Any]) -> None:
    """Out of the queue until the person writes again (`release_held`)."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(state=OutboxState.HELD, body=body, claimed_at=None)
    )


async def release_held(session: Session, channel: str, chat_id: str, now: datetime) -> None:
    """The person wrote: what waited for them goes now, in its order (what Meta said of
    the template that stood in for it is forgotten: the message itself is news)."""
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.state == OutboxState.HELD,
        )
        .values(
            state=OutboxState.PENDING, due_at=now, external_id=None, delivery=None, delivery_at=None
        )
    )


# A status only moves a message forward: a late "delivered" never undoes a "read".
_RANK = {DeliveryStatus.SENT: 1, DeliveryStatus.DELIVERED: 2, DeliveryStatus.READ: 3}


async def sent_by_external_id(
    session: Session, channel: str, external_id: str
) -> OutboxMessage | None:
    """The sent row a channel's status names, locked for the status's update."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.channel == channel, OutboxMessage.external_id == external_id)
        .with_for_update()
    )
    return (await session.execute(query)).scalars().first()


def record_delivery(row: OutboxMessage, status: DeliveryStatus, at: datetime) -> bool:
    """The row's delivery state after `status`; False when the status changes nothing
    (a duplicate, or one older than what is known)."""
    if row.delivery == DeliveryStatus.FAILED:
        return False
    if status != DeliveryStatus.FAILED:
        known = _RANK.get(DeliveryStatus(row.delivery), 0) if row.delivery else 0
        if _RANK[status] <= known:
            return False
    row.delivery, row.delivery_at = status, at
    return True


def send_again(row: OutboxMessage, body: dict[str, Any], due_at: datetime) -> None:
    """A sent message the channel later reported undelivered, queued once more."""
    row.state, row.body, row.due_at = OutboxState.PENDING, body, due_at
    row.external_id = row.delivery = row.delivery_at = None
    row.attempts += 1


async def window_opened_at(session: Session, channel: str, chat_id: str) -> datetime | None:
    """When the person last wrote on this chat: the start of WhatsApp's 24-hour window."""
    query = select(Conversation.last_inbound_at).where(
        Conversation.channel == channel, Conversation.chat_id == chat_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def close_window(session: Session, channel: str, chat_id: str) -> None:
    """The channel says the window is closed (WhatsApp's 131047): believe it over our clock."""
    await session.execute(
        update(Conversation)
        .where(Conversation.channel == channel, Conversation.chat_id == chat_id)
        .values(last_inbound_at=None)
    )


async def latest_with_options(
    session: Session, channel: str, chat_id: str
) -> tuple[Conversation, dict[str, Any]] | None:
    """The chat's conversation and the body of its latest message that offered options."""
    conversation = (
        await session.execute(
            select(Conversation)
            .where(Conversation.channel == channel, Conversation.chat_id == chat_id)
            .with_for_update()
        )
    ).scalar_one_or_none()
    if conversation is None:
        return None
    bodies = await session.execute(
        select(OutboxMessage.body)
        .where(OutboxMessage.conversation_id == conversation.id)
        .order_by(OutboxMessage.id.desc())
        .limit(20)
    )
    for body in bodies.scalars():
        if body.get("buttons"):
            return conversation, body
    return None
