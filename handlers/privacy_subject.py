"""Whom a privacy command is about: the person behind a request reference or a national ID.

Shared by the copy (handlers/privacy_export.py) and the erasure (handlers/privacy_erase.py);
both say who asked and why through an optional `Audit` callable, so that the audit trail
can be hooked in where it is kept without these use cases knowing its shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from handlers import fields
from handlers.errors import Refusal
from handlers.references import normalize_reference
from storage import data_keys, privacy
from storage.crypto import Vault
from storage.db import Session
from storage.models import Beneficiary

# (session, action, subject, details, now): called inside the use case's transaction.
Audit = Callable[[Session, str, str, dict[str, Any], datetime], None]


@dataclass(frozen=True)
class Subject:
    """As the admin typed it: exactly one of the two (Arabic-Indic digits welcome)."""

    reference: str | None = None
    national_id: str | None = None

    def shown(self) -> str:
        return self.reference or fields.mask_national_id(self.national_id or "")


async def find(session: Session, vault: Vault, subject: Subject) -> Beneficiary:
    """The beneficiary, or a Refusal that names what was looked for (an ID masked)."""
    found = None
    if subject.reference is not None:
        reference = normalize_reference(subject.reference)
        found = await privacy.beneficiary_by_reference(session, reference)
    elif subject.national_id is not None:
        checked = fields.national_id(subject.national_id)
        if isinstance(checked, fields.Valid):
            await data_keys.follow_rotation(session, vault)  # hashed with today's key
            digest = vault.keyed_hash(checked.value)
            found = await privacy.beneficiary_by_hash(session, digest)
    if found is None:
        raise Refusal("privacy-cli-nobody", http_status=404, who=subject.shown())
    return found
