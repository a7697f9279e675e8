"""Erasing a beneficiary: destruction that is real (PDPL), counts kept for the reports.

In one transaction: the beneficiary's data keys are destroyed (crypto-shredding: their
national ID and phone, wherever a copy lies, backups included, can no longer be opened),
the free texts are overwritten in place (transcript both ways, request fields, staff
notes, survey comments, outbox bodies, the staff group's cards of their cases), the names
and chat ids that point at them are replaced, and the keyed hash of the national ID is
removed. Statuses, dates, types, cities and ratings stay: reports count them. After the
commit, the files they sent are shredded and the SQLite file compacted, so that no freed
page or WAL frame still holds what was overwritten. docs/privacy.md tells the whole of it.

A request the association is still working on stops the erasure unless the caller forces
it (staff decide: `bot.py privacy erase --force-open`). A second erasure is answered, and
changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from handlers.clock import Clock
from handlers.errors import Refusal
from handlers.privacy_subject import Audit, Subject, find
from handlers.turn import OPEN_STATUSES
from storage import data_keys, privacy
from storage.crypto import Vault
from storage.db import Database
from storage.models import CaseStatus

# (channel, file id) → whether a stored file was there to shred.
ShredFile = Callable[[str, str], bool]
_OPEN_CASES = (CaseStatus.OPEN, CaseStatus.CLAIMED)


class OpenMatters(Refusal):
    """The person still has requests or cases in progress; staff must decide."""

    def __init__(self, requests: list[str], cases: list[int]) -> None:
        shown = [*requests, *(f"#{c}" for c in cases)]
        super().__init__(
            "privacy-cli-open", http_status=409, count=len(shown), open="، ".join(shown)
        )
        self.requests, self.cases = requests, cases


@dataclass(frozen=True)
class Erasure:
    beneficiary_id: int
    already: bool  # erased before: nothing changed this time
    keys: int = 0
    files: int = 0
    overwritten: dict[str, int] = field(default_factory=dict)
    forced: tuple[str, ...] = ()  # the open requests it went ahead over


async def erase(
    db: Database,
    clock: Clock,
    vault: Vault,
    subject: Subject,
    *,
    reason: str,
    actor: str,
    force_open: bool = False,
    shred_file: ShredFile | None = None,
    audit: Audit | None = None,
) -> Erasure:
    now = clock.now()
    async with db.transaction() as session:
        beneficiary = await find(session, vault, subject)
        if beneficiary.erased_at is not None:
            return Erasure(beneficiary.id, already=True)
        held = await privacy.holdings(session, beneficiary)
        open_requests = [r.reference or "" for r in held.requests if r.status in OPEN_STATUSES]
        open_cases = [c.id for c in held.cases if c.status in _OPEN_CASES]
        if (open_requests or open_cases) and not force_open:
            raise OpenMatters(open_requests, open_cases)
        files = _files(held)
        overwritten = await privacy.overwrite(session, held, now)
        keys = await data_keys.destroy_keys(session, beneficiary.id)
        details = {"reason": reason, "by": actor, "forced": open_requests, **overwritten}
        if audit is not None:
            audit(session, "privacy.erased", f"beneficiary:{beneficiary.id}", details, now)
    shredded = sum(shred_file(channel, file_id) for channel, file_id in files) if shred_file else 0
    await privacy.compact_sqlite(db)
    return Erasure(beneficiary.id, False, keys, shredded, overwritten, tuple(open_requests))


def _files(held: privacy.Holdings) -> set[tuple[str, str]]:
    """Every file the person sent: a request's attachments and a message's."""
    found = {(a.channel, a.file_id) for a in held.attachments if a.file_id}
    for message in held.messages:
        conversation = next(c for c in held.conversations if c.id == message.conversation_id)
        for sent in message.data.get("attachments") or []:
            if isinstance(sent, dict) and sent.get("file_id"):
                found.add((conversation.channel, str(sent["file_id"])))
    return found
