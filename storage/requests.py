"""Support requests in the database: filed, found, locked, listed, their history and files.

Never committed here; handlers/requests.py decides what changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import data_keys
from storage.models import (
    Beneficiary,
    ChannelIdentity,
    Conversation,
    HandoverCase,
    RequestAttachment,
    RequestTransition,
    SupportRequest,
)


async def add_request(session: AsyncSession, request: SupportRequest) -> SupportRequest:
    """The new request, flushed so that it has its id (its reference is made from it)."""
    session.add(request)
    await session.flush()
    return request


async def link_national_id(
    session: AsyncSession, conversation: Conversation, national_id_hash: str
) -> int:
    """Make this conversation's person the beneficiary who owns the national ID.

    The same ID from a second channel joins the first channel's beneficiary: the
    conversation and its channel identity move over; nothing else belonged to the
    channel-only beneficiary, which had no ID until now.
    """
    owner = (
        await session.execute(
            select(Beneficiary).where(Beneficiary.national_id_hash == national_id_hash)
        )
    ).scalar_one_or_none()
    current = await session.get(Beneficiary, conversation.beneficiary_id)
    if owner is None:
        assert current is not None
        current.national_id_hash = national_id_hash
        return current.id
    if owner.id != conversation.beneficiary_id:
        await _join(session, conversation, owner.id)
    return owner.id


async def _join(session: AsyncSession, conversation: Conversation, owner_id: int) -> None:
    """The channel-only beneficiary's identities, cases and conversation go to the owner."""
    moved = conversation.beneficiary_id
    identities = await session.execute(
        select(ChannelIdentity).where(ChannelIdentity.beneficiary_id == moved)
    )
    for identity in identities.scalars():
        identity.beneficiary_id = owner_id
    found = await session.execute(select(HandoverCase).where(HandoverCase.beneficiary_id == moved))
    for case in found.scalars():
        case.beneficiary_id = owner_id
    await data_keys.move_keys(session, moved, owner_id)
    conversation.beneficiary_id = owner_id


async def requests_of_many(
    session: AsyncSession, beneficiary_ids: set[int]
) -> dict[int, list[SupportRequest]]:
    """Each beneficiary's requests, oldest first (an empty list for those with none)."""
    found: dict[int, list[SupportRequest]] = {b: [] for b in beneficiary_ids}
    if not beneficiary_ids:
        return found
    rows = await session.execute(
        select(SupportRequest)
        .where(SupportRequest.beneficiary_id.in_(sorted(beneficiary_ids)))
        .order_by(SupportRequest.id)
    )
    for request in rows.scalars():
        found[request.beneficiary_id].append(request)
    return found


async def requests_of(session: AsyncSession, beneficiary_id: int) -> list[SupportRequest]:
    """One beneficiary's requests, oldest first."""
    return (await requests_of_many(session, {beneficiary_id}))[beneficiary_id]


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


async def request_by_reference(session: AsyncSession, reference: str) -> SupportRequest | None:
    """The request, locked for this transaction."""
    rows = await session.execute(
        select(SupportRequest).where(SupportRequest.reference == reference).with_for_update()
    )
    return rows.scalar_one_or_none()


async def find_request(session: AsyncSession, reference: str) -> SupportRequest | None:
    """The request, read without a lock."""
    rows = await session.execute(
        select(SupportRequest).where(SupportRequest.reference == reference)
    )
    return rows.scalar_one_or_none()


async def request_for_update(session: AsyncSession, request_id: int) -> SupportRequest | None:
    return await session.get(SupportRequest, request_id, with_for_update=True)


async def listed_requests(
    session: AsyncSession,
    *,
    status: str | None,
    type_: str | None,
    reference: str | None,
    limit: int,
) -> list[tuple[SupportRequest, str]]:
    """Requests with their channel, the oldest still waiting first (as the cases are)."""
    query = select(SupportRequest, Conversation.channel).join(
        Conversation, Conversation.id == SupportRequest.conversation_id
    )
    if status:
        query = query.where(SupportRequest.status == status)
    if type_:
        query = query.where(SupportRequest.type == type_)
    if reference:
        query = query.where(SupportRequest.reference == reference)
    query = query.order_by(SupportRequest.submitted_at, SupportRequest.id).limit(limit)
    return [(r, channel) for r, channel in (await session.execute(query)).all()]


async def request_types(session: AsyncSession) -> list[str]:
    """The types requests were filed under, in the order each first appeared."""
    query = select(SupportRequest.type).group_by(SupportRequest.type)
    rows = await session.execute(query.order_by(func.min(SupportRequest.id)))
    return [t for (t,) in rows.all()]


async def declaration_number(session: AsyncSession, version: str) -> int:
    """1 for the declaration's first wording beneficiaries accepted, 2 for the next…"""
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


async def attachments_of(session: AsyncSession, request_id: int) -> list[RequestAttachment]:
    rows = await session.execute(
        select(RequestAttachment)
        .where(RequestAttachment.request_id == request_id)
        .order_by(RequestAttachment.id)
    )
    return list(rows.scalars().all())


async def transitions_of(session: AsyncSession, request_id: int) -> list[RequestTransition]:
    rows = await session.execute(
        select(RequestTransition)
        .where(RequestTransition.request_id == request_id)
        .order_by(RequestTransition.id)
    )
    return list(rows.scalars().all())


async def with_status_for_update(
    session: AsyncSession,
    statuses: Iterable[str],
    *,
    updated_before: datetime | None = None,
    submitted_before: datetime | None = None,
) -> list[SupportRequest]:
    """Requests in these statuses, locked (another process skips them), oldest first."""
    query = select(SupportRequest).where(SupportRequest.status.in_(tuple(statuses)))
    if updated_before is not None:
        query = query.where(SupportRequest.updated_at <= updated_before)
    if submitted_before is not None:
        query = query.where(SupportRequest.submitted_at <= submitted_before)
    rows = await session.execute(
        query.order_by(SupportRequest.id).with_for_update(skip_locked=True)
    )
    return list(rows.scalars().all())


def add_transition(
    session: AsyncSession,
    request: SupportRequest,
    *,
    to_status: str,
    actor: str,
    note: str | None,
    now: datetime,
) -> None:
    session.add(
        RequestTransition(
            request_id=request.id,
            from_status=request.status if request.id is not None else None,
            to_status=to_status,
            actor=actor,
            note=note,
            at=now,
        )
    )


def add_first_transition(
    session: AsyncSession, request: SupportRequest, *, actor: str, note: str | None, now: datetime
) -> None:
    """The filing itself, from no status to the request's first."""
    session.add(
        RequestTransition(
            request_id=request.id,
            from_status=None,
            to_status=request.status,
            actor=actor,
            note=note,
            at=now,
        )
    )


def add_attachments(
    session: AsyncSession,
    request_id: int,
    channel: str,
    files: list[dict[str, Any]],
    now: datetime,
) -> None:
    for f in files:
        session.add(
            RequestAttachment(
                request_id=request_id,
                channel=channel,
                file_id=str(f["file_id"]),
                kind=str(f.get("kind") or "other"),
                size=f.get("size"),
                name=f.get("name"),
                mime=f.get("mime"),
                created_at=now,
            )
        )
