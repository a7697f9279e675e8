"""A word to staff about the system itself (a channel that stopped), in the staff group."""

from __future__ import annotations

from handlers.clock import Clock
from handlers.staff_inbox import STAFF_CHANNEL
from storage import repositories as repo
from storage.db import Database


async def alert(db: Database, clock: Clock, staff_chat: str | None, text: str) -> bool:
    """Queue `text` for the staff group; False without one (the logs and /health say it)."""
    if staff_chat is None:
        return False
    async with db.transaction() as session:
        repo.add_staff_outbox(session, STAFF_CHANNEL, staff_chat, {"text": text}, clock.now())
    return True
