"""questions: the moderated queue, one row per vote, per-person quotas

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

import server.core.base

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "question_quotas",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("asked", sa.Integer(), nullable=False),
        sa.Column("last_asked_at", server.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_question_quotas_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("participant_id", name=op.f("pk_question_quotas")),
    )
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("anonymity", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("dismiss_reason", sa.Text(), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("receipt_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", server.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("approved_at", server.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_at", server.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("edited_at", server.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["participants.id"], name=op.f("fk_questions_author_id_participants")
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_questions_consultation_id_consultations"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["agenda_items.id"], name=op.f("fk_questions_item_id_agenda_items")
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["questions.id"], name=op.f("fk_questions_merged_into_id_questions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
        sa.UniqueConstraint("receipt_hash", name=op.f("uq_questions_receipt_hash")),
    )
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_questions_author_id"), ["author_id"], unique=False)
        batch_op.create_index(
            "ix_questions_consultation_state", ["consultation_id", "state"], unique=False
        )

    op.create_table(
        "question_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", server.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_question_votes_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"], ["questions.id"], name=op.f("fk_question_votes_question_id_questions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_votes")),
        sa.UniqueConstraint(
            "question_id", "participant_id", name=op.f("uq_question_votes_question_id")
        ),
    )
    with op.batch_alter_table("question_votes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_question_votes_participant_id"), ["participant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("question_votes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_votes_participant_id"))

    op.drop_table("question_votes")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_index("ix_questions_consultation_state")
        batch_op.drop_index(batch_op.f("ix_questions_author_id"))

    op.drop_table("questions")
    op.drop_table("question_quotas")
