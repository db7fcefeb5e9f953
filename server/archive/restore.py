"""Restoring a JSON archive as a new consultation: its rows, people and log, with a fresh
join code and fresh staff links (the archive's format: server/reports/json_archive.py).

All or nothing, in one transaction. Nobody holds a token for a restored person (each
gets the hash of a fresh, unseen one) and the consultation gets new moderator and
rapporteur links, so an archive grants no access to anyone. Each feature restores its
own rows (`ArchiveTable.restore`, listed in its `Feature`); this module restores the
foundation's: the consultation, its agenda items, participants and notes, and the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from server.core.access import hash_token, new_token
from server.core.errors import N_, DomainError
from server.core.events import PUBLIC, ROLES, STAFF
from server.core.features import ArchiveTable, Feature
from server.core.lifecycle import DRAFT, ENDED, LIVE
from server.core.models import AgendaItem, Consultation, Event, Participant
from server.core.runtime import Core
from server.core.wiring import Wiring
from server.features.agenda import rules as agenda_rules
from server.features.consultations.rules import (
    STAKEHOLDER_GROUPS,
    new_join_code,
    parse_languages,
    parse_short_name,
    parse_time_zone,
)
from server.features.consultations.service import issue_link
from server.features.notes.models import GENERAL_SLOT, Note
from server.reports.json_archive import (
    INSERT_BATCH,
    Ids,
    Record,
    RestoreContext,
    damaged,
    export_items,
    export_notes,
    export_participants,
    numbered_records,
    read_archive,
    records,
    remap_payload,
    remap_settings,
)


@dataclass(frozen=True)
class Restored:
    consultation_id: int
    join_code: str
    moderator_token: str
    rapporteur_token: str


def restore(core: Core, data: bytes) -> Restored:
    """Import an archive as a new consultation, all or nothing, with a fresh code and links."""
    document = read_archive(data)
    now = core.now()
    try:
        with core.store.transaction() as tx:
            return restore_document(tx, document, now, core.wiring)
    except SQLAlchemyError as error:  # a row the database refuses: a value out of bounds
        raise damaged(N_("the database refused one of its rows")) from error


def restore_document(
    tx: Session, document: dict[str, Any], now: datetime, wiring: Wiring
) -> Restored:
    """Restore an archive read by `read_archive`, in `tx` (a series restores several in one),
    with the tables and translations `wiring` installed."""
    top = Record(document, "the archive")
    tables = top.mapping("tables")
    installed = wiring.archive_tables
    known = {table.name for table in installed}
    for name in tables:
        if name not in known:
            raise DomainError(
                "unknown_archive_table",
                N_("This archive holds %(table)s, which this server does not know."),
                table=name,
            )
    events = top.array("events")
    consultation = _restore_consultation(
        tx, Record(top.mapping("consultation"), "the consultation")
    )
    ctx = RestoreContext(tx, consultation, Ids(), wiring)
    for table in installed:
        rows = tables.get(table.name, [])
        if not isinstance(rows, list):
            raise damaged(N_("table %(table)s is not a list"), table=table.name)
        table.restore(ctx, rows)
    consultation.settings = remap_settings(wiring, consultation.settings, ctx.ids.from_archive)
    _restore_events(ctx, events)
    moderator = issue_link(tx, consultation, "moderator", now)
    rapporteur = issue_link(tx, consultation, "rapporteur", now)
    return Restored(consultation.id, consultation.join_code, moderator, rapporteur)


def _restore_consultation(tx: Session, record: Record) -> Consultation:
    consultation = Consultation(
        short_name=record.valid("short_name", parse_short_name),
        title=record.string("title", max_length=200),
        region=record.string("region", max_length=100),
        description=record.string("description", max_length=5000),
        time_zone=record.valid("time_zone", parse_time_zone),
        scheduled_start=record.moment("scheduled_start"),
        planned_minutes=record.integer("planned_minutes", minimum=1),
        languages=list(record.valid("languages", parse_languages)),
        state=record.choice("state", (DRAFT, LIVE, ENDED)),
        join_code=_free_join_code(tx),
        started_at=record.moment("started_at", null=True),
        ended_at=record.moment("ended_at", null=True),
        last_seq=record.integer("last_seq"),
        last_public_seq=record.integer("last_public_seq"),
        last_live_seq=record.integer("last_seq"),  # what the restored log holds was sent
        last_shared_seq=record.integer("last_seq"),
        peak_present=record.integer("peak_present"),
        settings=record.mapping("settings"),
        created_at=record.moment("created_at"),
    )
    tx.add(consultation)
    tx.flush()
    return consultation


def _free_join_code(tx: Session) -> str:
    for _attempt in range(20):
        code = new_join_code()
        if tx.scalar(select(Consultation.id).where(Consultation.join_code == code)) is None:
            return code
    raise RuntimeError("could not draw a free join code")


def _restore_events(ctx: RestoreContext, events: list[Any]) -> None:
    """Insert the log as it was: numbers gap-free, the public chain intact."""
    consultation = ctx.consultation
    previous_public = 0
    batch: list[dict[str, Any]] = []
    for number, data in enumerate(events, start=1):
        record = Record(data, f"event {number}")
        if record.integer("seq") != number:
            raise damaged(N_("its events are not numbered 1, 2, 3… in order"))
        visibility = record.choice("visibility", (PUBLIC, STAFF))
        prev = None
        if visibility == PUBLIC:
            prev, previous_public = previous_public, number
        event_type = record.string("type", max_length=40)
        batch.append(
            {
                "consultation_id": consultation.id,
                "seq": number,
                "public_prev_seq": prev,
                "visibility": visibility,
                "type": event_type,
                "payload": remap_payload(
                    ctx.wiring, event_type, record.mapping("payload"), ctx.ids.from_archive
                ),
                "actor_id": ctx.ids.from_archive(
                    "participant", record.integer("actor", minimum=1, null=True)
                ),
                "actor_role": record.choice("actor_role", (*ROLES, "system")),
                "created_at": record.moment("at"),
            }
        )
        if len(batch) >= INSERT_BATCH:
            ctx.tx.execute(insert(Event), batch)
            batch = []
    if batch:
        ctx.tx.execute(insert(Event), batch)
    if consultation.last_seq != len(events) or consultation.last_public_seq != previous_public:
        raise damaged(N_("its events do not match the consultation's count (is it complete?)"))


def _restore_items(ctx: RestoreContext, rows: list[Any]) -> None:
    for number, record in numbered_records(rows, "agenda item"):
        item = AgendaItem(
            consultation_id=ctx.consultation.id,
            position=record.integer("position"),
            title=record.string("title", max_length=200),
            description=record.string("description", max_length=2000),
            planned_minutes=record.integer("planned_minutes", minimum=1),
            extra_seconds=record.integer("extra_seconds"),
            state=record.choice(
                "state", (agenda_rules.PENDING, agenda_rules.ACTIVE, agenda_rules.DONE)
            ),
            first_started_at=record.moment("first_started_at", null=True),
            last_ended_at=record.moment("last_ended_at", null=True),
            run_started_at=record.moment("run_started_at", null=True),
            elapsed_before=record.integer("elapsed_before"),
            overrun_logged=record.boolean("overrun_logged"),
        )
        ctx.tx.add(item)
        ctx.tx.flush()  # one at a time: new ids keep the archive's order
        ctx.ids.bind("agenda_item", number, item.id)


def _restore_participants(ctx: RestoreContext, rows: list[Any]) -> None:
    for number, record in numbered_records(rows, "participant"):
        person = Participant(
            consultation_id=ctx.consultation.id,
            role=record.choice("role", ROLES),
            display_name=record.string("display_name", max_length=60),
            stakeholder_group=record.choice("stakeholder_group", STAKEHOLDER_GROUPS),
            country=record.string("country", max_length=2),
            # Nobody holds a token for a restored person: the hash of a fresh, unseen one.
            token_hash=hash_token(new_token()),
            joined_at=record.moment("joined_at"),
            banned_at=record.moment("banned_at", null=True),
        )
        ctx.tx.add(person)
        ctx.tx.flush()
        ctx.ids.bind("participant", number, person.id)


def _restore_notes(ctx: RestoreContext, rows: list[Any]) -> None:
    for record in records(rows, "note"):
        item_id = ctx.ids.from_archive("agenda_item", record.integer("item", minimum=1, null=True))
        ctx.tx.add(
            Note(
                consultation_id=ctx.consultation.id,
                item_id=item_id,
                slot=GENERAL_SLOT if item_id is None else item_id,
                text=record.string("text"),
                revision=record.integer("revision"),
                logged_revision=record.integer("logged_revision"),
                logged_at=record.moment("logged_at", null=True),
                author_id=ctx.ids.from_archive(
                    "participant", record.integer("author", minimum=1, null=True)
                ),
                client_revision=record.integer("client_revision"),
                updated_at=record.moment("updated_at"),
            )
        )
    ctx.tx.flush()


# The foundation's rows, restored here and written by reports/json_archive.py
# (installed by server/bootstrap.py).
FEATURE = Feature(
    "archive",
    archive_tables=(
        ArchiveTable("agenda_items", 10, export_items, _restore_items),
        ArchiveTable("participants", 20, export_participants, _restore_participants),
        ArchiveTable("notes", 30, export_notes, _restore_notes),
    ),
)
