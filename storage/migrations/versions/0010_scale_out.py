"""scale-out: limits shared across processes, the scheduler's runs

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import BigId, UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_keys",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("paused_until", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "rate_sends",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("outbox_id", sa.BigInteger(), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("window_s", sa.Float(), nullable=False),
        sa.Column("counts_until", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_rate_sends_key", "rate_sends", ["key", "counts_until"])
    op.create_index("ix_rate_sends_outbox_id", "rate_sends", ["outbox_id"])
    op.create_table(
        "job_runs",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("job_id", sa.String(64), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("runner", sa.String(128), nullable=False),
    )
    op.create_index("ix_job_runs_job", "job_runs", ["job_id", "started_at"])


def downgrade() -> None:
    op.drop_table("job_runs")
    op.drop_table("rate_sends")
    op.drop_table("rate_keys")
