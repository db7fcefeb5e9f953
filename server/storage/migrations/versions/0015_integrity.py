"""integrity: flags for staff, the address hash attendees joined from, excluded ballots and votes

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

import server.core.base

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "integrity_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=True),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("participant_ids", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("raised_at", server.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", server.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", server.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_integrity_flags_consultation_id_consultations"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["participants.id"],
            name=op.f("fk_integrity_flags_decided_by_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_flags")),
    )
    op.create_index(
        op.f("ix_integrity_flags_consultation_id"), "integrity_flags", ["consultation_id"]
    )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address_hash", sa.String(length=32), nullable=True))
        batch_op.create_index("ix_participants_address_hash", ["address_hash"])
    with op.batch_alter_table("poll_ballots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("excluded_by_flag", sa.Integer(), nullable=True))
    with op.batch_alter_table("question_votes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("excluded_by_flag", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("question_votes", schema=None) as batch_op:
        batch_op.drop_column("excluded_by_flag")
    with op.batch_alter_table("poll_ballots", schema=None) as batch_op:
        batch_op.drop_column("excluded_by_flag")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index("ix_participants_address_hash")
        batch_op.drop_column("address_hash")
    op.drop_index(op.f("ix_integrity_flags_consultation_id"), table_name="integrity_flags")
    op.drop_table("integrity_flags")
