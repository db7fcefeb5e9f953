"""the head count kept on the consultation: an arrival's snapshot counts nobody

Every snapshot and every arrival counted the consultation's connected people (a
`count(distinct participant_id)` of its connections): work that grew with the room,
twice on each of the 2,000 ways in at 09:30. The arrivals and departures, which take
the consultation's lock anyway, now keep the count, and the attendees' among it.

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

_COUNTED = (
    "(SELECT count(DISTINCT connections.participant_id) FROM connections"
    " JOIN participants ON participants.id = connections.participant_id"
    " WHERE connections.consultation_id = consultations.id{only})"
)


def upgrade() -> None:
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("present", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("attendees_present", sa.Integer(), nullable=False, server_default="0")
        )
    # Whoever is connected while the database is upgraded.
    everyone = _COUNTED.format(only="")
    attendees = _COUNTED.format(only=" AND participants.role = 'attendee'")
    op.execute(f"UPDATE consultations SET present = {everyone}, attendees_present = {attendees}")


def downgrade() -> None:
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_column("attendees_present")
        batch_op.drop_column("present")
