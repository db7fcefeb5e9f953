"""consent: when each participant accepted the privacy notice, and which version of it

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

import server.core.base

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("consented_at", server.core.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("privacy_notice_version", sa.String(length=64), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("privacy_notice_version")
        batch_op.drop_column("consented_at")
