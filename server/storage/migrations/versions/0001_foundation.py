"""foundation: consultations, agenda, people, links, event log

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

import server.core.base

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("short_name", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("scheduled_start", server.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("planned_minutes", sa.Integer(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("join_code", sa.String(length=12), nullable=False),
        sa.Column("started_at", server.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", server.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_public_seq", sa.Integer(), nullable=False),
        sa.Column("peak_present", sa.Integer(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("created_at", server.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultations")),
        sa.UniqueConstraint("join_code", name=op.f("uq_consultations_join_code")),
    )
    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("planned_minutes", sa.Integer(), nullable=False),
        sa.Column("extra_seconds", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("first_started_at", server.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_ended_at", server.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("run_started_at", server.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("elapsed_before", sa.Integer(), nullable=False),
        sa.Column("overrun_logged", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_agenda_items_consultation_id_consultations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_items")),
    )
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agenda_items_consultation_id"), ["consultation_id"], unique=False
        )

    op.create_table(
        "role_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", server.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", server.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_role_links_consultation_id_consultations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_role_links_token_hash")),
    )
    with op.batch_alter_table("role_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_role_links_consultation_id"), ["consultation_id"], unique=False
        )

    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("display_name", sa.String(length=60), nullable=False),
        sa.Column("stakeholder_group", sa.String(length=30), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("role_link_id", sa.Integer(), nullable=True),
        sa.Column("joined_at", server.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("banned_at", server.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_participants_consultation_id_consultations"),
        ),
        sa.ForeignKeyConstraint(
            ["role_link_id"],
            ["role_links.id"],
            name=op.f("fk_participants_role_link_id_role_links"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participants")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_participants_token_hash")),
    )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_participants_consultation_id"), ["consultation_id"], unique=False
        )

    op.create_table(
        "connections",
        sa.Column("sid", sa.String(length=64), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=64), nullable=False),
        sa.Column("connected_at", server.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_connections_consultation_id_consultations"),
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_connections_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("sid", name=op.f("pk_connections")),
    )
    with op.batch_alter_table("connections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_connections_consultation_id"), ["consultation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_connections_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("public_prev_seq", sa.Integer(), nullable=True),
        sa.Column("visibility", sa.String(length=10), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(length=12), nullable=False),
        sa.Column("created_at", server.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["participants.id"], name=op.f("fk_events_actor_id_participants")
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_events_consultation_id_consultations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("consultation_id", "seq", name=op.f("uq_events_consultation_id")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_events_consultation_type", ["consultation_id", "type"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_consultation_type")

    op.drop_table("events")
    with op.batch_alter_table("connections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_connections_participant_id"))
        batch_op.drop_index(batch_op.f("ix_connections_consultation_id"))

    op.drop_table("connections")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participants_consultation_id"))

    op.drop_table("participants")
    with op.batch_alter_table("role_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_role_links_consultation_id"))

    op.drop_table("role_links")
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_items_consultation_id"))

    op.drop_table("agenda_items")
    op.drop_table("consultations")
