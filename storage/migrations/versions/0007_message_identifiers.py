"""message identifiers: the clear values of what a message shows masked, encrypted

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: SQLite adds it without rebuilding the table, and old rows have none.
    op.add_column("messages", sa.Column("identifiers_enc", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("identifiers_enc")
