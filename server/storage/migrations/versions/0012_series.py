"""series: shared agenda items and polls with stable keys, asked in regional consultations

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

import server.core.base

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("short_name", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("aims", sa.JSON(), nullable=False),
        sa.Column("created_at", server.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series")),
        sa.UniqueConstraint("short_name", name=op.f("uq_series_short_name")),
    )
    op.create_table(
        "series_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("planned_minutes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["series_id"], ["series.id"], name=op.f("fk_series_items_series_id_series")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series_items")),
        sa.UniqueConstraint("series_id", "key", name=op.f("uq_series_items_series_id")),
    )
    op.create_table(
        "series_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", server.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", server.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["series_id"], ["series.id"], name=op.f("fk_series_links_series_id_series")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_series_links_token_hash")),
    )
    with op.batch_alter_table("series_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_series_links_series_id"), ["series_id"], unique=False)

    op.create_table(
        "series_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("dates_unknown", sa.Boolean(), nullable=False),
        sa.Column("sample", sa.Boolean(), nullable=False),
        sa.Column("added_at", server.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_series_members_consultation_id_consultations"),
        ),
        sa.ForeignKeyConstraint(
            ["series_id"], ["series.id"], name=op.f("fk_series_members_series_id_series")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series_members")),
        sa.UniqueConstraint("consultation_id", name=op.f("uq_series_members_consultation_id")),
    )
    with op.batch_alter_table("series_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_series_members_series_id"), ["series_id"], unique=False
        )

    op.create_table(
        "series_poll_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("option_keys", sa.JSON(), nullable=False),
        sa.Column("options_keyed", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_series_poll_keys_consultation_id_consultations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series_poll_keys")),
        sa.UniqueConstraint(
            "consultation_id", "key", name=op.f("uq_series_poll_keys_consultation_id")
        ),
        sa.UniqueConstraint("poll_id", name=op.f("uq_series_poll_keys_poll_id")),
    )
    op.create_table(
        "series_polls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("item_key", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("option_keys", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["series_id"], ["series.id"], name=op.f("fk_series_polls_series_id_series")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series_polls")),
        sa.UniqueConstraint("series_id", "key", name=op.f("uq_series_polls_series_id")),
    )
    op.create_table(
        "series_item_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_series_item_keys_consultation_id_consultations"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["agenda_items.id"], name=op.f("fk_series_item_keys_item_id_agenda_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series_item_keys")),
        sa.UniqueConstraint(
            "consultation_id", "key", name=op.f("uq_series_item_keys_consultation_id")
        ),
        sa.UniqueConstraint("item_id", name=op.f("uq_series_item_keys_item_id")),
    )


def downgrade() -> None:
    op.drop_table("series_item_keys")
    op.drop_table("series_polls")
    op.drop_table("series_poll_keys")
    with op.batch_alter_table("series_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_series_members_series_id"))

    op.drop_table("series_members")
    with op.batch_alter_table("series_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_series_links_series_id"))

    op.drop_table("series_links")
    op.drop_table("series_items")
    op.drop_table("series")
