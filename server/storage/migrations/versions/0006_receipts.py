"""receipts: commands sent with a client command id, so a retry takes effect once

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import server.core.base

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "command_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("command_key", sa.String(length=64), nullable=False),
        sa.Column("command", sa.String(length=60), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("created_at", server.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_command_receipts_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_command_receipts")),
        sa.UniqueConstraint(
            "participant_id", "command_key", name=op.f("uq_command_receipts_participant_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("command_receipts")
