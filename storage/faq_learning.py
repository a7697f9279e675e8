"""Queries of the FAQ that learns: unanswered questions, the FAQ's edits and its version."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.faq_models import FaqEditRow, FaqMiss, FaqVersion

# The inbox groups at most this many unhandled questions, the newest.
OPEN_MISSES_LIMIT = 5000


def add_miss(session: AsyncSession, org: str, channel: str, chat_id: str, **fields: Any) -> None:
    """Keep one question (already masked): text, decision, intent, score, candidates,
    created_at, and outcome when already known."""
    session.add(FaqMiss(org=org, channel=channel, chat_id=chat_id, **fields))


async def set_outcome(
    session: AsyncSession, channel: str, chat_id: str, outcome: str, intent: str | None
) -> None:
    """What the person did next, on their latest question that has none yet."""
    latest = (
        select(func.max(FaqMiss.id))
        .where(FaqMiss.channel == channel, FaqMiss.chat_id == chat_id)
        .scalar_subquery()
    )
    await session.execute(
        update(FaqMiss)
        .where(FaqMiss.id == latest, FaqMiss.outcome.is_(None))
        .values(outcome=outcome, outcome_intent=intent)
        .execution_options(synchronize_session=False)
    )


async def open_misses(
    session: AsyncSession, org: str, limit: int = OPEN_MISSES_LIMIT
) -> list[FaqMiss]:
    """The unhandled questions, oldest first (at most the newest `limit`)."""
    newest = (
        select(FaqMiss)
        .where(FaqMiss.org == org, FaqMiss.handled_by.is_(None))
        .order_by(FaqMiss.id.desc())
        .limit(limit)
    )
    found = list((await session.execute(newest)).scalars())
    found.reverse()
    return found


async def mark_handled(session: AsyncSession, ids: Collection[int], edit_id: int) -> None:
    if ids:
        await session.execute(
            update(FaqMiss)
            .where(FaqMiss.id.in_(sorted(ids)), FaqMiss.handled_by.is_(None))
            .values(handled_by=edit_id)
            .execution_options(synchronize_session=False)
        )


async def unhandle(session: AsyncSession, edit_id: int) -> None:
    """The questions an undone edit handled are back in the inbox."""
    await session.execute(
        update(FaqMiss)
        .where(FaqMiss.handled_by == edit_id)
        .values(handled_by=None)
        .execution_options(synchronize_session=False)
    )


async def next_version(session: AsyncSession, org: str) -> int:
    """Raise the FAQ's version by one (the row lock orders concurrent edits)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(FaqVersion).values(org=org, version=0).on_conflict_do_nothing(index_elements=["org"])
    )
    raised = await session.execute(
        update(FaqVersion)
        .where(FaqVersion.org == org)
        .values(version=FaqVersion.version + 1)
        .returning(FaqVersion.version)
    )
    return int(raised.scalar_one())


async def version(session: AsyncSession, org: str) -> int:
    found = await session.execute(select(FaqVersion.version).where(FaqVersion.org == org))
    return int(found.scalar_one_or_none() or 0)


async def add_edit(session: AsyncSession, org: str, now: datetime, **fields: Any) -> FaqEditRow:
    """A new edit at the next version; flushed, so that its id is known."""
    row = FaqEditRow(org=org, version=await next_version(session, org), created_at=now, **fields)
    session.add(row)
    await session.flush()
    return row


async def active_edits(session: AsyncSession, org: str) -> list[FaqEditRow]:
    """The edits in force, in the order they were made (reverts and undone ones left out)."""
    found = await session.execute(
        select(FaqEditRow)
        .where(
            FaqEditRow.org == org,
            FaqEditRow.reverts.is_(None),
            FaqEditRow.reverted_by.is_(None),
        )
        .order_by(FaqEditRow.id)
    )
    return list(found.scalars())


async def edits(session: AsyncSession, org: str, limit: int) -> list[FaqEditRow]:
    """The history, newest first."""
    found = await session.execute(
        select(FaqEditRow).where(FaqEditRow.org == org).order_by(FaqEditRow.id.desc()).limit(limit)
    )
    return list(found.scalars())


async def edit_for_update(session: AsyncSession, org: str, edit_id: int) -> FaqEditRow | None:
    found = await session.execute(
        select(FaqEditRow).where(FaqEditRow.org == org, FaqEditRow.id == edit_id).with_for_update()
    )
    return found.scalar_one_or_none()
