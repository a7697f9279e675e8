"""The tables of the FAQ that learns: the questions it couldn't answer, and staff's edits.

Kept apart from storage/models.py (which imports this module, so that `Base.metadata`
holds every table) because they are one concept of their own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, BigId


class FaqVersion(Base):
    """An association's FAQ version: raised by one in the transaction of every edit.

    A counter of its own rather than the newest edit's id: ids are handed out before
    commit, so on PostgreSQL a lower one can commit after a higher one was seen.
    """

    __tablename__ = "faq_versions"

    org: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class FaqEditRow(Base):
    """One change to an association's FAQ on top of its profile; never deleted.

    `version` is the FAQ's version once this edit is in. A revert is a row of its own (`reverts`
    names the edit it undid, whose `reverted_by` then names it).
    """

    __tablename__ = "faq_edits"
    __table_args__ = (Index("ix_faq_edits_org", "org", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    intent: Mapped[str | None] = mapped_column(String(64))
    answer: Mapped[str | None] = mapped_column(Text)
    previous_answer: Mapped[str | None] = mapped_column(Text)
    questions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    reverts: Mapped[int | None] = mapped_column(BigInteger)
    reverted_by: Mapped[int | None] = mapped_column(BigInteger)
    group_key: Mapped[str | None] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]


class FaqMiss(Base):
    """A question that ended in clarify or handover, or whose answer got a 👎 (masked)."""

    __tablename__ = "faq_misses"
    __table_args__ = (
        Index("ix_faq_misses_open", "org", "handled_by"),
        Index("ix_faq_misses_chat", "channel", "chat_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    # "clarify", "handover" or "down"; `intent` is what was answered (a 👎) or None.
    decision: Mapped[str] = mapped_column(String(16))
    intent: Mapped[str | None] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    # [{"intent": ..., "score": ...}], the likeliest first.
    candidates: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # What the person did next (handlers/faq_learning.py OUTCOME_*), and what they pressed.
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_intent: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    # The edit that handled it (assigned, made an entry, rejected): it leaves the list.
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("faq_edits.id"))
