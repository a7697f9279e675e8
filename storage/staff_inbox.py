"""Staff accounts as the staff inbox meets them: created, linked to Telegram, found."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Staff


async def username_taken(session: AsyncSession, username: str) -> bool:
    found = await session.execute(select(Staff.id).where(Staff.username == username))
    return found.first() is not None


async def active_by_telegram_user(session: AsyncSession, user_id: int) -> Staff | None:
    found = await session.execute(
        select(Staff).where(Staff.telegram_user_id == user_id, Staff.active)
    )
    return found.scalar_one_or_none()


async def by_link_code(session: AsyncSession, code_hash: str) -> Staff | None:
    found = await session.execute(select(Staff).where(Staff.link_code_hash == code_hash))
    return found.scalar_one_or_none()
