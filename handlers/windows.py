"""WhatsApp's customer-service window: free-form messages only within 24 hours of the
person's last message; outside it, only approved templates.

The start of the window is the conversation's `last_inbound_at`, kept by the engine in the
same transaction as each message in, so every process agrees on it; a channel that reports
the window closed earlier (WhatsApp's 131047) is believed over our clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.clock import Clock
from handlers.types import WINDOW_CHANNELS
from storage import outbox
from storage.db import Database, Session

LENGTH = timedelta(hours=24)
# Our clock and Meta's differ by a little; a message sent in the last minute of the window
# would be refused after it was accepted, so the window closes a minute early here.
MARGIN = timedelta(minutes=1)


class ServiceWindow:
    def __init__(self, db: Database, clock: Clock, channel: str = "whatsapp") -> None:
        self.db, self.clock, self.channel = db, clock, channel

    async def is_open(self, chat_id: str) -> bool:
        async with self.db.reading() as session:
            return await is_open(session, self.channel, chat_id, self.clock.now())


async def is_open(session: Session, channel: str, chat_id: str, now: datetime) -> bool:
    """Whether a free-form message reaches this chat now; always on windowless channels."""
    if channel not in WINDOW_CHANNELS:
        return True
    opened = await outbox.window_opened_at(session, channel, chat_id)
    return opened is not None and now - opened < LENGTH - MARGIN
