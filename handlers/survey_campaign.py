"""A survey campaign (`bot.py survey push`): every request in a status surveyed at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from handlers.clock import Clock
from handlers.surveys import SurveyPolicy, deliver, question, send_time, set_waiting
from handlers.types import Translate
from storage import surveys as stored
from storage.db import Database, Session
from storage.models import Conversation


@dataclass(frozen=True)
class CampaignTarget:
    request_id: int
    beneficiary_id: int
    conversation_id: int
    reference: str


async def push_campaign(
    db: Database,
    clock: Clock,
    tr: Translate,
    policy: SurveyPolicy,
    *,
    status: str,
    since: datetime,
    batch: int = 500,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Survey every request in `status` updated since `since`, now (quiet hours permitting).

    One `campaign` survey per request ever, even across runs and restarts; batches commit
    one by one, so a push that dies keeps what it queued. Returns how many were created.
    """
    if since.tzinfo is None:
        raise ValueError("since must be timezone-aware")
    targets = await _targets(db, status, since)
    created = 0
    for start in range(0, len(targets), batch):
        chunk = targets[start : start + batch]
        now = clock.now()
        async with db.transaction() as session:
            created += await _push_batch(session, chunk, tr, policy, now)
        if progress is not None:
            progress(start + len(chunk), len(targets))
    return created


async def _targets(db: Database, status: str, since: datetime) -> list[CampaignTarget]:
    async with db.reading() as session:
        rows = await stored.campaign_targets(session, status, since)
        return [CampaignTarget(r[0], r[1], r[2], r[3] or "") for r in rows]


async def _push_batch(
    session: Session,
    chunk: list[CampaignTarget],
    tr: Translate,
    policy: SurveyPolicy,
    now: datetime,
) -> int:
    """One batch in one transaction; a request another run took meanwhile is skipped."""
    conversations = await stored.lock_conversations(session, {t.conversation_id for t in chunk})
    values = [
        _sent_survey(target, conversations[target.conversation_id], policy, now)
        for target in chunk
        if target.conversation_id in conversations
    ]
    inserted = await stored.insert_many(session, values)
    asked = [t for t in chunk if inserted.get(t.request_id) is not None]
    for target in asked:
        conversation = conversations[target.conversation_id]
        survey_id = inserted[target.request_id]
        _ask(session, conversation, survey_id, target.reference or None, tr, policy, now)
    return len(asked)


def _ask(
    session: Session,
    conversation: Conversation,
    survey_id: int,
    subject: str | None,
    tr: Translate,
    policy: SurveyPolicy,
    now: datetime,
) -> None:
    reply = question(tr, survey_id, subject, reminder=False)
    deliver(session, conversation, reply, policy=policy, now=now, kind="campaign")
    set_waiting(conversation, {"id": survey_id, "await": "rating"}, survey_id)


def _sent_survey(
    target: CampaignTarget, conversation: Conversation, policy: SurveyPolicy, now: datetime
) -> dict[str, Any]:
    at = send_time(conversation, policy, now)
    return {
        "beneficiary_id": target.beneficiary_id,
        "conversation_id": target.conversation_id,
        "request_id": target.request_id,
        "trigger": "campaign",
        "status": "sent",
        "due_at": now,
        "sent_at": at,
        "expires_at": at + policy.expires_after,
        "created_at": now,
    }
