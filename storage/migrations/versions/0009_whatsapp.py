"""whatsapp: delivery statuses on the outbox, the customer-service window

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("external_id", sa.String(128), nullable=True))
        batch.add_column(sa.Column("delivery", sa.String(16), nullable=True))
        batch.add_column(sa.Column("delivery_at", UTCDateTime(), nullable=True))
        batch.create_index("ix_outbox_external", ["channel", "external_id"])
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("last_inbound_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("last_inbound_at")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_external")
        batch.drop_column("delivery_at")
        batch.drop_column("delivery")
        batch.drop_column("external_id")
