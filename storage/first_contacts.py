"""First contacts, set-wise: a batch of updates from people the database hasn't seen
(a campaign's replies, a crowd writing at once) creates their beneficiaries, channel
identities and conversations in a few statements, instead of a savepoint and six round
trips each (storage/repositories.py's `conversations_for_update_many` uses it)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Beneficiary, ChannelIdentity, Conversation

Person = tuple[str, str, str, str | None]  # channel, chat, user, display name
BENEFICIARIES = cast(Table, Beneficiary.__table__)
IDENTITIES = cast(Table, ChannelIdentity.__table__)
CONVERSATIONS = cast(Table, Conversation.__table__)


def first_of_each(people: Iterable[Person]) -> list[Person]:
    """One person per chat, in order (a chat's first messages of a batch name it twice)."""
    first: dict[tuple[str, str], Person] = {}
    for person in people:
        first.setdefault((person[0], person[1]), person)
    return list(first.values())


async def create(session: AsyncSession, people: list[Person], now: datetime) -> bool:
    """First contacts of a batch, set-wise: the beneficiaries the channel doesn't know yet,
    their identities and every conversation in a few statements, not a few each. False: another
    process created one of them meanwhile, nothing of this was kept, and each goes alone."""
    try:
        async with session.begin_nested():
            beneficiaries = await _beneficiaries_for(session, people, now)
            await session.execute(
                insert(CONVERSATIONS),
                [
                    {
                        "beneficiary_id": beneficiaries[(c, u)],
                        "channel": c,
                        "chat_id": chat,
                        "state": {},
                        "created_at": now,
                        "updated_at": now,
                    }
                    for c, chat, u, _ in people
                ],
            )
    except IntegrityError:
        return False
    return True


async def _beneficiaries_for(
    session: AsyncSession, people: list[Person], now: datetime
) -> dict[tuple[str, str], int]:
    """Each (channel, user)'s beneficiary: the known one, or a new one with its identity."""
    known: dict[tuple[str, str], int] = {}
    for channel in sorted({p[0] for p in people}):
        users = sorted({p[2] for p in people if p[0] == channel})
        rows = await session.execute(
            select(IDENTITIES.c.external_user_id, IDENTITIES.c.beneficiary_id).where(
                IDENTITIES.c.channel == channel, IDENTITIES.c.external_user_id.in_(users)
            )
        )
        known.update({(channel, user): b for user, b in rows.all()})
    new = list({(c, u): name for c, _, u, name in people if (c, u) not in known}.items())
    if new:
        ids = await session.execute(
            insert(BENEFICIARIES).returning(BENEFICIARIES.c.id, sort_by_parameter_order=True),
            [{"created_at": now, "display_name": name} for _, name in new],
        )
        made = dict(zip((key for key, _ in new), ids.scalars().all(), strict=True))
        await session.execute(
            insert(IDENTITIES),
            [
                {"beneficiary_id": b, "channel": c, "external_user_id": u, "created_at": now}
                for (c, u), b in made.items()
            ],
        )
        known.update(made)
    return known
