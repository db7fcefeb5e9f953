"""the integrity check seeks a consultation's newcomers and its banned people

The server clock's check, every 10 s for each consultation people joined lately,
looks for bursts among attendees new in the last minutes (joins from one address,
upvotes of one question, ballots from those who joined after a poll opened) and
for joins after a ban. It found them by reading everyone who had ever joined the
consultation. One index leads with the consultation, then the moment of the join;
a partial one holds the banned alone.

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

BANNED = sa.text("banned_at IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_participants_consultation_joined", "participants", ["consultation_id", "joined_at"]
    )
    op.create_index(
        "ix_participants_banned",
        "participants",
        ["consultation_id"],
        sqlite_where=BANNED,
        postgresql_where=BANNED,
    )


def downgrade() -> None:
    op.drop_index("ix_participants_banned", table_name="participants")
    op.drop_index("ix_participants_consultation_joined", table_name="participants")
