"""events by type and seq: the last event of a type read without looking through the log

The snapshot reads the last events of a few types (what the shared screen
shows). With the type index alone, SQLite walked the log backwards by seq to
find them: a snapshot grew slower as the consultation went on.

Revision ID: 0017
Revises: 0016
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_consultation_type_seq", "events", ["consultation_id", "type", "seq"])
    op.drop_index("ix_events_consultation_type", table_name="events")


def downgrade() -> None:
    op.create_index("ix_events_consultation_type", "events", ["consultation_id", "type"])
    op.drop_index("ix_events_consultation_type_seq", table_name="events")
