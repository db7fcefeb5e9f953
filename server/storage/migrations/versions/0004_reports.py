"""reports: rapporteurs' notes

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import server.core.base

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("logged_revision", sa.Integer(), nullable=False),
        sa.Column("logged_at", server.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("client_revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", server.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["participants.id"], name=op.f("fk_notes_author_id_participants")
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_notes_consultation_id_consultations"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["agenda_items.id"], name=op.f("fk_notes_item_id_agenda_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
        sa.UniqueConstraint("consultation_id", "slot", name=op.f("uq_notes_consultation_id")),
    )


def downgrade() -> None:
    op.drop_table("notes")
