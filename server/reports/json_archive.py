"""The JSON archive: a consultation's whole log and final state, and how to read one
(restoring it as a new consultation is server/archive/restore.py).

Layout (UTF-8, one record per line, keys sorted, so a diff reads well)::

    {"format":"baraza-archive","version":1,
    "consultation":{...},
    "tables":{
    "agenda_items":[
    {"id":1,...},
    ...],
    "participants":[...],
    "notes":[...]},
    "events":[
    {"seq":1,...},
    ...
    ]}

Ids are the archive's own: each kind of row (agenda_item, participant, …) is
numbered 1, 2, … in the order the database created them, and every reference —
in tables and inside event payloads — uses those numbers. Restoring gives the
rows new database ids and translates back, so export → import → export is the
same file, byte for byte, and an archive can be restored next to its original.

What the archive leaves out, on purpose: secrets (participants' and links'
token hashes — a restored consultation gets a fresh join code and fresh staff
links), live connections, and who wrote anything anonymously: events go
through the rapporteurs' projection and an attendee is never an event's actor.

A feature adds its rows with `Feature.archive_tables` and tells how ids sit inside
its events' payloads with `Feature.payload_ids` (server/core/features.py); the
application's are in its `core.wiring` (server/core/wiring.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.core.errors import N_, DomainError, Label
from server.core.events import ATTENDEE, Payload
from server.core.features import each
from server.core.json_input import NOT_JSON, UnreadableJson, read_json
from server.core.models import AgendaItem, Consultation, Participant
from server.core.wiring import Wiring
from server.features.notes.models import Note

from .containment import contained
from .model import logged_events, safe_event

FORMAT = "baraza-archive"
VERSION = 1
INSERT_BATCH = 1000


# ---------------------------------------------------------------- ids


Remap = Callable[[str, Any], Any]


class Ids:
    """The archive's numbering of one consultation's rows, both ways."""

    def __init__(self) -> None:
        self._to_archive: dict[str, dict[int, int]] = {}
        self._from_archive: dict[str, dict[int, int]] = {}

    def number(self, kind: str, database_ids: Iterable[int]) -> None:
        """Export: number `kind`'s rows 1, 2, … in the order given (creation order)."""
        self._to_archive[kind] = {db: n for n, db in enumerate(database_ids, start=1)}

    def to_archive(self, kind: str, value: Any) -> Any:
        """A database id as the archive writes it (an id it does not know becomes null)."""
        if value is None or isinstance(value, bool) or not isinstance(value, int):
            return value
        return self._to_archive.get(kind, {}).get(value)

    def bind(self, kind: str, number: int, database_id: int) -> None:
        """Import: archive number `number` of `kind` is now database row `database_id`."""
        self._from_archive.setdefault(kind, {})[number] = database_id

    def from_archive(self, kind: str, value: Any) -> Any:
        """An archive number as a database id; a dangling reference damages the archive."""
        if value is None:
            return None
        # Not a number (a list, say, inside an event's payload) refers to nothing either.
        numbered = isinstance(value, int) and not isinstance(value, bool)
        found = self._from_archive.get(kind, {}).get(value) if numbered else None
        if found is None:
            raise damaged(N_("it refers to a %(kind)s that is not in it"), kind=kind)
        return found


# ---------------------------------------------------------------- registries


@dataclass(frozen=True)
class ExportContext:
    tx: Session
    consultation: Consultation
    ids: Ids
    wiring: Wiring


@dataclass(frozen=True)
class RestoreContext:
    tx: Session
    consultation: Consultation
    ids: Ids
    wiring: Wiring


Exporter = Callable[[ExportContext], Iterable[dict[str, Any]]]
Restorer = Callable[[RestoreContext, list[Any]], None]
PayloadIds = Callable[[Payload, Remap], Payload]


# Installed in `Wiring` (core/wiring.py): `archive_tables`, in the order they are
# written and restored (lower `order` first, so a table comes after the tables it
# refers to); `payload_ids`, how to translate the ids inside these event types'
# payloads: `(payload, remap) -> payload`, calling `remap(kind, value)` on each id;
# `settings_ids`, how to translate the ids inside a feature's part of the
# consultation's settings, keyed by the settings key: `(part, remap) -> part` (agenda
# item ids only: the consultation is written before any other table is numbered).


def remap_fields(data: Payload, remap: Remap, kinds: dict[str, str]) -> Payload:
    """`data` with each of its fields named in `kinds` ({field: kind}) remapped; absent
    fields stay absent (a projection may have dropped them)."""
    return {key: remap(kinds[key], value) if key in kinds else value for key, value in data.items()}


def remap_payload(wiring: Wiring, event_type: str, payload: Payload, remap: Remap) -> Payload:
    function = wiring.payload_ids.get(event_type)
    return function(payload, remap) if function else payload


def remap_settings(wiring: Wiring, settings: dict[str, Any], remap: Remap) -> dict[str, Any]:
    remapped = {}
    for key, part in settings.items():
        function = wiring.settings_ids.get(key)
        remapped[key] = function(part, remap) if function and isinstance(part, dict) else part
    return remapped


# ---------------------------------------------------------------- export


def dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def export(tx: Session, consultation: Consultation, wiring: Wiring) -> Iterator[str]:
    """The archive, piece by piece: tables first, then the events as the log is read
    (the tables and events' translations `wiring` installed)."""
    ctx = ExportContext(tx, consultation, Ids(), wiring)
    numbered(ctx, "agenda_item", AgendaItem)  # settings name items: number them first
    yield f'{{"format":{dump(FORMAT)},"version":{VERSION},\n'
    yield f'"consultation":{dump(_consultation_record(ctx))},\n"tables":{{'
    for number, table in enumerate(wiring.archive_tables):
        yield f"{',' if number else ''}\n{dump(table.name)}:["
        yield from _records(table.export(ctx))
        yield "]"
    yield '},\n"events":['
    yield from _records(
        _contained_event(ctx, event) for event in logged_events(tx, consultation.id)
    )
    yield "\n]}\n"


def _records(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    for number, record in enumerate(records):
        yield f"{',' if number else ''}\n{dump(record)}"


def _contained_event(ctx: ExportContext, event: Any) -> dict[str, Any]:
    """An event's record; one that cannot be read keeps its place in the log (so the
    archive still restores), its number, time and type, and nothing of what it held."""

    def unreadable_record() -> dict[str, Any]:
        return {
            "seq": event.seq,
            "at": iso(event.at),
            "type": event.type,
            "visibility": event.visibility,
            "actor": None,
            "actor_role": event.actor_role,
            "payload": {},
        }

    return contained(
        partial(_event_record, ctx, event), unreadable_record, f"event {event.seq} ({event.type})"
    )


def _event_record(ctx: ExportContext, event: Any) -> dict[str, Any]:
    shown = safe_event(event, ctx.wiring)
    return {
        "seq": shown.seq,
        "at": iso(shown.at),
        "type": shown.type,
        "visibility": shown.visibility,
        "actor": ctx.ids.to_archive("participant", shown.actor_id),
        "actor_role": shown.actor_role,
        "payload": remap_payload(ctx.wiring, shown.type, shown.payload, ctx.ids.to_archive),
    }


def _consultation_record(ctx: ExportContext) -> dict[str, Any]:
    c = ctx.consultation
    return {
        "short_name": c.short_name,
        "title": c.title,
        "region": c.region,
        "description": c.description,
        "time_zone": c.time_zone,
        "scheduled_start": iso(c.scheduled_start),
        "planned_minutes": c.planned_minutes,
        "languages": c.languages,
        "state": c.state,
        "started_at": iso(c.started_at),
        "ended_at": iso(c.ended_at),
        "last_seq": c.last_seq,
        "last_public_seq": c.last_public_seq,
        "peak_present": c.peak_present,
        "settings": remap_settings(ctx.wiring, c.settings, ctx.ids.to_archive),
        "created_at": iso(c.created_at),
    }


# ---------------------------------------------------------------- reading an archive back


def damaged(template: str, **params: Any) -> DomainError:
    return DomainError(
        "invalid_archive",
        N_("This archive is damaged and was not imported: %(reason)s."),
        reason=template % params if params else template,
    )


class Record:
    """One object of an archive, read field by field with a clear error for each."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise damaged(N_("%(where)s is not an object"), where=where)
        self.data = data
        self.where = where

    def _bad(self, field: str) -> DomainError:
        return damaged(N_("%(where)s has a bad %(field)s"), where=self.where, field=field)

    def integer(self, field: str, *, minimum: int = 0, null: bool = False) -> Any:
        value = self.data.get(field)
        if value is None and null:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self._bad(field)
        return value

    def string(self, field: str, *, max_length: int = 100_000) -> str:
        value = self.data.get(field)
        if not isinstance(value, str) or len(value) > max_length:
            raise self._bad(field)
        return value

    def choice(self, field: str, options: Iterable[str]) -> str:
        value = self.data.get(field)
        if value not in tuple(options):
            raise self._bad(field)
        return str(value)

    def moment(self, field: str, *, null: bool = False) -> Any:
        value = self.data.get(field)
        if value is None and null:
            return None
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise self._bad(field)
        return moment

    def boolean(self, field: str, *, default: bool | None = None) -> bool:
        """A true or false field; with a `default`, one an older archive may lack."""
        value = self.data.get(field, default)
        if not isinstance(value, bool):
            raise self._bad(field)
        return value

    def mapping(self, field: str) -> dict[str, Any]:
        value = self.data.get(field)
        if not isinstance(value, dict):
            raise self._bad(field)
        return value

    def array(self, field: str) -> list[Any]:
        value = self.data.get(field)
        if not isinstance(value, list):
            raise self._bad(field)
        return value

    def valid(self, field: str, parse: Callable[[Any], Any]) -> Any:
        """A field checked by the same rule that checked it on creation."""
        try:
            return parse(self.data.get(field))
        except DomainError as error:
            raise self._bad(field) from error


def read_archive(data: bytes) -> dict[str, Any]:
    """The archive's content, if `data` is one: otherwise a clear error naming why not."""
    try:
        document = read_json(data)
    except UnreadableJson as error:
        if error.reason != NOT_JSON:
            raise damaged(Label(error.reason)) from error
        raise DomainError(
            "invalid_archive",
            N_("This file is not valid JSON (is it complete?); nothing was imported."),
        ) from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DomainError(
            "foreign_archive", N_("This file is not a Baraza archive; nothing was imported.")
        )
    version = document.get("version")
    if type(version) is not int or version != VERSION:  # `true` and `1.0` equal 1
        raise DomainError(
            "unsupported_archive_version",
            N_("This archive's version (%(version)s) cannot be imported here."),
            version=str(document.get("version")),
        )
    return document


# ---------------------------------------------------------------- the foundation's tables


def numbered(ctx: ExportContext, kind: str, model: Any) -> list[Any]:
    """The consultation's rows of `model` in creation order, numbered as `kind`."""
    rows = list(
        ctx.tx.scalars(
            select(model).where(model.consultation_id == ctx.consultation.id).order_by(model.id)
        )
    )
    ctx.ids.number(kind, (row.id for row in rows))
    return rows


def records(rows: list[Any], what: str) -> Iterator[Record]:
    """A table's rows, each read as a `Record` its errors name ("note 3")."""
    for number, data in enumerate(rows, start=1):
        yield Record(data, f"{what} {number}")


def numbered_records(rows: list[Any], what: str) -> Iterator[tuple[int, Record]]:
    """Rows of a kind the archive numbers 1, 2, 3…, each checked to carry its number."""
    for number, record in enumerate(records(rows, what), start=1):
        if record.integer("id") != number:
            raise damaged(N_("its %(what)s rows are not numbered 1, 2, 3… in order"), what=what)
        yield number, record


def export_items(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    # Stored fields, spelled out: the archive is a versioned format that must not
    # follow changes to what screens are sent (features/agenda/views.py).
    for item in numbered(ctx, "agenda_item", AgendaItem):
        yield {
            "id": ctx.ids.to_archive("agenda_item", item.id),
            "position": item.position,
            "title": item.title,
            "description": item.description,
            "planned_minutes": item.planned_minutes,
            "extra_seconds": item.extra_seconds,
            "state": item.state,
            "first_started_at": iso(item.first_started_at),
            "last_ended_at": iso(item.last_ended_at),
            "run_started_at": iso(item.run_started_at),
            "elapsed_before": item.elapsed_before,
            "overrun_logged": item.overrun_logged,
        }


def export_participants(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    for person in numbered(ctx, "participant", Participant):
        yield {
            "id": ctx.ids.to_archive("participant", person.id),
            "role": person.role,
            # Reports name staff only: an attendee's name could unmask an anonymous author.
            "display_name": "" if person.role == ATTENDEE else person.display_name,
            "stakeholder_group": person.stakeholder_group,
            "country": person.country,
            "joined_at": iso(person.joined_at),
            "banned_at": iso(person.banned_at),
        }


def export_notes(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    notes = ctx.tx.scalars(
        select(Note).where(Note.consultation_id == ctx.consultation.id).order_by(Note.slot)
    )
    for note in notes:
        yield {
            "item": ctx.ids.to_archive("agenda_item", note.item_id),
            "text": note.text,
            "revision": note.revision,
            "logged_revision": note.logged_revision,
            "logged_at": iso(note.logged_at),
            "author": ctx.ids.to_archive("participant", note.author_id),
            "client_revision": note.client_revision,
            "updated_at": iso(note.updated_at),
        }


def _item_payload(payload: Payload, remap: Remap) -> Payload:
    return {**payload, "id": remap("agenda_item", payload.get("id"))}


def _order_payload(payload: Payload, remap: Remap) -> Payload:
    order = payload.get("order")
    if not isinstance(order, list):
        return payload
    return {**payload, "order": [remap("agenda_item", item_id) for item_id in order]}


def _person_payload(payload: Payload, remap: Remap) -> Payload:
    return {**payload, "participant_id": remap("participant", payload.get("participant_id"))}


def _note_payload(payload: Payload, remap: Remap) -> Payload:
    return {
        **payload,
        "item_id": remap("agenda_item", payload.get("item_id")),
        "author_id": remap("participant", payload.get("author_id")),
    }


PAYLOAD_IDS: dict[str, PayloadIds] = {
    **each(
        (
            "item_started",
            "item_ended",
            "item_extended",
            "item_added",
            "item_overran",
            "item_updated",
        ),
        _item_payload,
    ),
    "agenda_reordered": _order_payload,
    **each(("participant_joined", "participant_arrived", "participant_left"), _person_payload),
    "note_saved": _note_payload,
}
