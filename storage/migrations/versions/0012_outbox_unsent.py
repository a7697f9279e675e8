"""outbox: partial indexes over the rows still to send

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 21:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_UNSENT = sa.text("state IN ('pending', 'sending')")


def upgrade() -> None:
    op.create_index(
        "ix_outbox_unsent", "outbox", ["id"], sqlite_where=_UNSENT, postgresql_where=_UNSENT
    )
    op.create_index(
        "ix_outbox_unsent_chat",
        "outbox",
        ["channel", "chat_id", "id"],
        sqlite_where=_UNSENT,
        postgresql_where=_UNSENT,
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_unsent_chat", "outbox")
    op.drop_index("ix_outbox_unsent", "outbox")
