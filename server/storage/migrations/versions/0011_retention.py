"""retention: when a consultation's personal data was erased, its retention period over

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

import server.core.base

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "personal_data_erased_at",
                server.core.base.UTCDateTime(timezone=True),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_column("personal_data_erased_at")
