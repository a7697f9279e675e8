"""Beneficiaries' data keys (envelope encryption, storage/data_keys.py).

Kept apart from storage/models.py (which imports this module, so that `Base.metadata`
holds every table): the keys are a concept of their own, and erasing a person destroys
theirs (handlers/privacy_erase.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class DataKey(Base):
    """A beneficiary's data key, wrapped by the master key."""

    __tablename__ = "data_keys"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random: named in tokens
    # Several per beneficiary: one joined from another channel brings theirs along.
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id"), index=True)
    wrapped: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
