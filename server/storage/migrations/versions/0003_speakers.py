"""speakers: hands raised, turns on the floor, closed lists

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

import server.core.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SPEAKING = sa.text("state = 'speaking'")
OPEN = sa.text("state IN ('waiting', 'speaking')")


def upgrade() -> None:
    op.create_table(
        "closed_speaker_lists",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("closed_at", server.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_closed_speaker_lists_consultation_id_consultations"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["agenda_items.id"],
            name=op.f("fk_closed_speaker_lists_item_id_agenda_items"),
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_closed_speaker_lists")),
    )
    with op.batch_alter_table("closed_speaker_lists", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_closed_speaker_lists_consultation_id"), ["consultation_id"], unique=False
        )

    op.create_table(
        "speaker_hands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("requested_at", server.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("spoke_at", server.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", server.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("limit_seconds", sa.Integer(), nullable=False),
        sa.Column("extra_seconds", sa.Integer(), nullable=False),
        sa.Column("overrun_logged", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_speaker_hands_consultation_id_consultations"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["agenda_items.id"], name=op.f("fk_speaker_hands_item_id_agenda_items")
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_speaker_hands_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_speaker_hands")),
    )
    with op.batch_alter_table("speaker_hands", schema=None) as batch_op:
        batch_op.create_index(
            "ix_speaker_hands_consultation_state", ["consultation_id", "state"], unique=False
        )
        batch_op.create_index(
            "uq_speaker_hands_floor",
            ["consultation_id"],
            unique=True,
            sqlite_where=SPEAKING,
            postgresql_where=SPEAKING,
        )
        batch_op.create_index(
            "uq_speaker_hands_open",
            ["participant_id", "item_id"],
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )


def downgrade() -> None:
    with op.batch_alter_table("speaker_hands", schema=None) as batch_op:
        batch_op.drop_index("uq_speaker_hands_open")
        batch_op.drop_index("uq_speaker_hands_floor")
        batch_op.drop_index("ix_speaker_hands_consultation_state")
    op.drop_table("speaker_hands")
    with op.batch_alter_table("closed_speaker_lists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_closed_speaker_lists_consultation_id"))
    op.drop_table("closed_speaker_lists")
