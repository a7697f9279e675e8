"""The next page of a long list of options, for a channel that shows only ten at a time.

WhatsApp's lists hold ten rows: past that, the adapter shows nine and «المزيد», whose
payload (`more:<offset>`) asks for the same message again from that option on. Nothing in
the conversation changes; the page is queued like any reply, once per pressed button.
"""

from __future__ import annotations

from handlers.clock import Clock
from handlers.types import Incoming
from storage import outbox
from storage import repositories as repo
from storage.db import Database

MORE_PREFIX = "more:"


def wanted_page(incoming: Incoming) -> int | None:
    """The offset a pressed «more» button asks for; None for any other message."""
    payload = incoming.payload or ""
    offset = payload.removeprefix(MORE_PREFIX)
    if payload.startswith(MORE_PREFIX) and offset.isdigit():
        return int(offset)
    return None


async def next_page(db: Database, clock: Clock, incoming: Incoming, offset: int) -> bool:
    """Queue the latest message with options again from `offset`; False when there is none
    (or this press was handled already)."""
    now = clock.now()
    async with db.transaction() as session:
        if incoming.external_id and not await repo.claim_inbound(
            session, incoming.channel, incoming.external_id, now
        ):
            return False
        found = await outbox.latest_with_options(session, incoming.channel, incoming.chat_id)
        if found is None:
            return False
        conversation, body = found
        conversation.last_inbound_at = now
        page = {**body, "page_from": offset}
        repo.add_outbox(session, conversation, body=page, due_at=now, now=now, delivered=False)
    return True
