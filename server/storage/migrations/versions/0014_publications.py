"""publications: a consultation's public report and moderation pages

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

import server.core.base

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publications",
        sa.Column("consultation_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("public_id", sa.String(length=64), nullable=False),
        sa.Column(
            "report_published_at", server.core.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "moderation_published_at", server.core.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_publications_consultation_id_consultations"),
        ),
        sa.PrimaryKeyConstraint("consultation_id", name=op.f("pk_publications")),
        sa.UniqueConstraint("public_id", name=op.f("uq_publications_public_id")),
    )


def downgrade() -> None:
    op.drop_table("publications")
