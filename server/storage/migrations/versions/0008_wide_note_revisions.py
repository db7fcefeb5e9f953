"""wide note revisions: a note's revisions hold any number a browser's clock gives

The rapporteur's page numbers its saves with `Date.now()` (about 1.7 × 10^12),
and the API allows up to 2^53 − 1; PostgreSQL's INTEGER stops at 2^31 − 1.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = ("revision", "logged_revision", "client_revision")


def upgrade() -> None:
    with op.batch_alter_table("notes", schema=None) as batch_op:
        for column in COLUMNS:
            batch_op.alter_column(
                column, existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False
            )


def downgrade() -> None:
    with op.batch_alter_table("notes", schema=None) as batch_op:
        for column in COLUMNS:
            batch_op.alter_column(
                column, existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False
            )
