"""Inbound updates refused for their shape: recorded once, never retried."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select

from storage.db import Database
from storage.models import RejectedInbound


async def record_rejected(
    db: Database, channel: str, external_id: str | None, reason: str, size: int, at: datetime
) -> None:
    row = {
        "channel": channel,
        "external_id": external_id,
        "reason": reason[:200],
        "size": size,
        "created_at": at,
    }
    async with db.transaction() as session:
        await session.execute(insert(RejectedInbound).values(**row))


async def rejected(db: Database, channel: str) -> list[tuple[str | None, str]]:
    """(external id, reason) of what was rejected on a channel, oldest first."""
    columns = select(RejectedInbound.external_id, RejectedInbound.reason)
    query = columns.where(RejectedInbound.channel == channel).order_by(RejectedInbound.id)
    async with db.reading() as session:
        return [(e, r) for e, r in (await session.execute(query)).all()]
