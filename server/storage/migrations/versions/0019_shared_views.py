"""the last event that may change what attendees share: a rush of arrivals moves it not

Every attendee's snapshot shares most of its parts with every other attendee's (the
queue, the speakers, the screen). They are built once and kept while this sequence
number stands (core/shared_views.py); joins, arrivals and departures do not move it.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_shared_seq", sa.Integer(), nullable=False, server_default="0")
        )
    # Until now every event counted.
    op.execute("UPDATE consultations SET last_shared_seq = last_seq")


def downgrade() -> None:
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_column("last_shared_seq")
