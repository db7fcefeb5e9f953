"""polls: polls and their ballots, one per person and poll

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import server.core.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "polls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=12), nullable=False),
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("max_choices", sa.Integer(), nullable=True),
        sa.Column("scale_min", sa.Integer(), nullable=True),
        sa.Column("scale_max", sa.Integer(), nullable=True),
        sa.Column("low_label", sa.String(length=40), nullable=False),
        sa.Column("high_label", sa.String(length=40), nullable=False),
        sa.Column("visibility", sa.String(length=12), nullable=False),
        sa.Column("allow_change", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", server.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("opened_at", server.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", server.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_polls_consultation_id_consultations"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["agenda_items.id"], name=op.f("fk_polls_item_id_agenda_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polls")),
    )
    op.create_index(op.f("ix_polls_consultation_id"), "polls", ["consultation_id"])
    op.create_table(
        "poll_ballots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("shown", sa.Boolean(), nullable=False),
        sa.Column("cast_at", server.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("changed_at", server.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_poll_ballots_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_ballots_poll_id_polls")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_ballots")),
        sa.UniqueConstraint("poll_id", "participant_id", name=op.f("uq_poll_ballots_poll_id")),
    )


def downgrade() -> None:
    op.drop_table("poll_ballots")
    op.drop_index(op.f("ix_polls_consultation_id"), table_name="polls")
    op.drop_table("polls")
