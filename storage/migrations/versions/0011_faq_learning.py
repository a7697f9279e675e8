"""the FAQ that learns: unanswered questions and the FAQ's own edits

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import BigId, UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faq_versions",
        sa.Column("org", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "faq_edits",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("org", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("intent", sa.String(64), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("previous_answer", sa.Text(), nullable=True),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("reverts", sa.BigInteger(), nullable=True),
        sa.Column("reverted_by", sa.BigInteger(), nullable=True),
        sa.Column("group_key", sa.String(32), nullable=True),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_faq_edits_org", "faq_edits", ["org", "id"])
    op.create_table(
        "faq_misses",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("org", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("intent", sa.String(64), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("outcome_intent", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("handled_by", BigId, sa.ForeignKey("faq_edits.id"), nullable=True),
    )
    op.create_index("ix_faq_misses_open", "faq_misses", ["org", "handled_by"])
    op.create_index("ix_faq_misses_chat", "faq_misses", ["channel", "chat_id", "id"])


def downgrade() -> None:
    op.drop_table("faq_misses")
    op.drop_table("faq_edits")
    op.drop_table("faq_versions")
