"""excluded answers: a moderator leaves a word-cloud or open-text answer out of the results

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("poll_ballots", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("excluded", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("poll_ballots", schema=None) as batch_op:
        batch_op.drop_column("excluded")
