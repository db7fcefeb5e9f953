"""the head count and a join's banned-device check read indexes made for them

The head count (`count(distinct participant_id)` of a consultation's connections,
read by every snapshot and every arrival) went from the consultation's index to
each connection's row and sorted the people in a temporary B-tree; a join's check
for a banned device walked through everyone who had joined the consultation. Both
grew with the room. Each index here leads with the consultation, so it replaces
the consultation's index of its table.

Revision ID: 0018
Revises: 0017
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_connections_consultation_participant",
        "connections",
        ["consultation_id", "participant_id"],
    )
    op.drop_index("ix_connections_consultation_id", table_name="connections")
    op.create_index(
        "ix_participants_consultation_device", "participants", ["consultation_id", "device_hash"]
    )
    op.drop_index("ix_participants_consultation_id", table_name="participants")


def downgrade() -> None:
    op.create_index("ix_participants_consultation_id", "participants", ["consultation_id"])
    op.drop_index("ix_participants_consultation_device", table_name="participants")
    op.create_index("ix_connections_consultation_id", "connections", ["consultation_id"])
    op.drop_index("ix_connections_consultation_participant", table_name="connections")
