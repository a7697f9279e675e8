"""data keys: each beneficiary's own key, wrapped by the master key; when one was erased

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 22:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_keys",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "beneficiary_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("wrapped", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["beneficiary_id"], ["beneficiaries.id"]),
    )
    op.create_index("ix_data_keys_beneficiary_id", "data_keys", ["beneficiary_id"])
    with op.batch_alter_table("beneficiaries") as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("beneficiaries") as batch_op:
        batch_op.drop_column("erased_at")
    op.drop_index("ix_data_keys_beneficiary_id", table_name="data_keys")
    op.drop_table("data_keys")
