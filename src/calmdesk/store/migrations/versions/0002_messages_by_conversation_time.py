"""Messages indexed by (conversation, time): a conversation's latest messages without a scan

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 01:20:00

The history every webhook delivery reads (``WHERE conversation_id = ? AND org_id = ? ORDER BY
created_at DESC, id DESC LIMIT 20``) had only single-column indexes to choose from; SQLite took
the organisation's and sorted every message of the organisation, so a delivery cost more the
more messages the organisation had. This index answers it in order; it also covers every use
of the single-column index on ``conversation_id``, which it replaces.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_messages_conversation_time", ["conversation_id", "created_at", "id"], unique=False
        )
        batch_op.drop_index(batch_op.f("ix_messages_conversation_id"))


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_messages_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.drop_index("ix_messages_conversation_time")
