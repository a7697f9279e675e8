"""Staff accounts' reads: one account by username, or all of them."""

from __future__ import annotations

from sqlalchemy import select

from storage.db import Session
from storage.models import Staff


async def by_username(session: Session, username: str) -> Staff | None:
    found = await session.execute(select(Staff).where(Staff.username == username))
    return found.scalar_one_or_none()


async def id_of(session: Session, username: str) -> int | None:
    found = await session.execute(select(Staff.id).where(Staff.username == username))
    return found.scalar_one_or_none()


async def everyone(session: Session) -> list[Staff]:
    """Every account, active or not, by username."""
    return list((await session.execute(select(Staff).order_by(Staff.username))).scalars())
