"""quiet events: the last event sent live, so staff detect gaps past logged-only events

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_live_seq", sa.Integer(), nullable=False, server_default="0")
        )
    # Until now every event was sent live.
    op.execute("UPDATE consultations SET last_live_seq = last_seq")


def downgrade() -> None:
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_column("last_live_seq")
