"""Database tables: one code path for SQLite (embedded default) and PostgreSQL.

Times are stored as timezone-aware UTC. SQLite keeps no zone, so `UTCDateTime` gives the
zone back on the way out; code never sees a naive datetime.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


# A handover case: open until someone claims it, claimed, then closed.
class CaseStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    CLOSED = "closed"


# A request's place in its lifecycle (handlers/requests.py moves it along).
class RequestStatus(StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    NEEDS_INFO = "needs_info"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SERVICE_DELIVERED = "service_delivered"
    CLOSED = "closed"


class OutboxState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    # A free-form WhatsApp message outside the 24-hour window: a template went instead,
    # and the message follows when the beneficiary writes again.
    HELD = "held"


# What the channel reported of a sent message; they arrive in any order.
class DeliveryStatus(StrEnum):
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


class UTCDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the project keeps time in aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


class Beneficiary(Base):
    __tablename__ = "beneficiaries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime]
    locale: Mapped[str] = mapped_column(String(8), default="ar")
    display_name: Mapped[str | None] = mapped_column(String(200))
    # Keyed hash of the national ID: the same person from two channels is one beneficiary,
    # found without storing the number in the clear.
    national_id_hash: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    erased_at: Mapped[datetime | None]  # handlers/privacy_erase.py: what is left is counts


class ChannelIdentity(Base):
    """A beneficiary as one channel knows them (a Telegram user, a web visitor…)."""

    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "external_user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_user_id: Mapped[str] = mapped_column(String(128))
    reachable: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "chat_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(128))
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # The beneficiary's latest message on this chat: WhatsApp takes free-form messages
    # only within 24 hours of it (a template otherwise).
    last_inbound_at: Mapped[datetime | None]


class HandoverCase(Base):
    __tablename__ = "handover_cases"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id"), index=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    reason: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.OPEN, index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    opened_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # Where the case lives in the staff Telegram group: its forum topic, or (in a group
    # without topics) the case card that staff answer by replying to it.
    staff_thread_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    staff_card_message_id: Mapped[int | None] = mapped_column(BigInteger, index=True)


class Message(Base):
    """The transcript: every message in and out, and the case it belonged to."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_conversation", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("handover_cases.id"), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # "in" | "out"
    author: Mapped[str] = mapped_column(String(16))  # "beneficiary" | "bot" | "staff"
    text: Mapped[str] = mapped_column(Text, default="")
    # in: the pressed button's payload and attachments; out: the buttons offered
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    # The national IDs and phone numbers `text` shows masked, as one Fernet token of a JSON
    # list ({"kind", "value"}): an admin may reveal them, nobody else reads them.
    identifiers_enc: Mapped[str | None] = mapped_column(Text)


# Inbound ids already handled: the database, not memory, makes updates idempotent.
class ProcessedInbound(Base):
    __tablename__ = "processed_inbound"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]


class RejectedInbound(Base):
    """Updates that could not be read or stored: answered 2xx so the channel stops
    redelivering them, and kept here with the reason (never their content)."""

    __tablename__ = "rejected_inbound"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str | None] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]


# Written out, not bound: SQLite uses a partial index only for a query whose WHERE repeats
# the index's own terms.
UNSENT_ROWS = text("state IN ('pending', 'sending')")
_UNSENT: dict[str, Any] = {"sqlite_where": UNSENT_ROWS, "postgresql_where": UNSENT_ROWS}


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "state", "due_at"),
        # The dispatcher looks for each chat's oldest unsent message.
        Index("ix_outbox_chat", "channel", "chat_id", "id"),
        # A delivery status names the message by the channel's own id (WhatsApp's wamid).
        Index("ix_outbox_external", "channel", "external_id"),
        # The claim walks only what is still to send, never the sent history behind it.
        Index("ix_outbox_unsent", "id", **_UNSENT),
        Index("ix_outbox_unsent_chat", "channel", "chat_id", "id", **_UNSENT),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16), default="reply")
    body: Mapped[dict[str, Any]]
    state: Mapped[str] = mapped_column(String(16), default="pending")
    due_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    # When a dispatcher took it; a row claimed long ago by a dead process is taken back.
    claimed_at: Mapped[datetime | None]
    # The channel's id of the message sent, and what the channel last said of it
    # (DeliveryStatus: sent → delivered → read, or failed), for the staff inbox's ticks.
    external_id: Mapped[str | None] = mapped_column(String(128))
    delivery: Mapped[str | None] = mapped_column(String(16))
    delivery_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    # handlers/staff_auth.ROLES: "researcher", "admin" or "faq_editor" (the FAQ pages only).
    role: Mapped[str] = mapped_column(String(16), default="researcher")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    # A one-time code (kept hashed) that ties a Telegram account to this staff member.
    link_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Part of every session's stamp: raised on logout and deactivation, it ends them all.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime]


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class SupportRequest(Base):
    """A submitted support request (the draft lives in the conversation until submit)."""

    __tablename__ = "requests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(16), unique=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id"), index=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    type: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(24), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    national_id_enc: Mapped[str] = mapped_column(Text)  # Fernet token, never the number
    phone_enc: Mapped[str] = mapped_column(Text)
    city: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text)
    missing_info: Mapped[str | None] = mapped_column(Text)  # what staff asked for
    declaration_version: Mapped[str] = mapped_column(String(32))
    declared_at: Mapped[datetime]
    submitted_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]


class RequestAttachment(Base):
    __tablename__ = "request_attachments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    file_id: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    size: Mapped[int | None] = mapped_column(BigInteger)
    name: Mapped[str | None] = mapped_column(String(255))
    mime: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]


# Every status change, with who made it and why.
class RequestTransition(Base):
    __tablename__ = "request_transitions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]


class Survey(Base):
    """One satisfaction survey: scheduled, sent, reminded once, answered once or expired.

    Linked to what it measures (a request that was delivered, a closed case) and to the
    staff member who handled it, so that CSAT can be read per service and per person.
    """

    __tablename__ = "surveys"
    __table_args__ = (
        # One survey per request or case and trigger: a second schedule is a no-op.
        UniqueConstraint("request_id", "trigger", name="uq_surveys_request_trigger"),
        UniqueConstraint("case_id", "trigger", name="uq_surveys_case_trigger"),
        Index("ix_surveys_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id"), index=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("handover_cases.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    # "service_delivered" | "case_closed" | "campaign"
    trigger: Mapped[str] = mapped_column(String(24))
    # "scheduled" | "sent" | "answered" | "expired"
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    rating: Mapped[int | None] = mapped_column(Integer)  # 1–5
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class RateKey(Base):
    """One limit shared by every process (PostgreSQL): the row its claimers lock, and a
    pause that a 429 seen by any of them sets for all."""

    __tablename__ = "rate_keys"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    paused_until: Mapped[datetime | None]


class RateSend(Base):
    """A send counted against a limit: from its start while in flight, then until
    `counts_until` (its end, by the database's clock, plus the limit's window)."""

    __tablename__ = "rate_sends"
    __table_args__ = (Index("ix_rate_sends_key", "key", "counts_until"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    outbox_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    started_at: Mapped[datetime]
    window_s: Mapped[float] = mapped_column(Float)
    counts_until: Mapped[datetime | None]


class JobRun(Base):
    """One run of a periodic job, by whichever process led the scheduler then: the
    record that keeps a job to once per period across processes."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job", "job_id", "started_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    job_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]
    runner: Mapped[str] = mapped_column(String(128))


# The FAQ's tables and the data keys are in modules of their own; imported here so that
# Base.metadata (the migrations' check) holds them too.
from storage import faq_models as faq_models  # noqa: E402
from storage import key_models as key_models  # noqa: E402
