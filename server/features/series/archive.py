"""The JSON archive of a whole series (restored by server/archive/series.py).

Layout (UTF-8, keys sorted)::

    {"format": "baraza-series-archive", "version": 1,
     "series": {a series file: short_name, title, description, aims, agenda with
                its keyed items and polls — docs/agenda-format.md, "Series"},
     "consultations": [
       {"dates_unknown": false, "sample": false,
        "item_keys": [[archive number of the agenda item, key], ...],
        "poll_keys": [[archive number of the poll, key, [option keys],
                       [the poll's options when keyed]], ...],
        "archive": {the consultation's own JSON archive (reports/json_archive.py)}},
       ...]}

Numbers are those of each consultation's own archive (its rows of a kind
numbered 1, 2, … in creation order), so keys survive the trip.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.core.models import AgendaItem, Consultation
from server.core.wiring import Wiring
from server.features.polls.models import Poll
from server.reports import json_archive

from .models import KeyedItem, KeyedPoll, Series, SeriesItem, SeriesMember, SeriesPoll
from .service import members

FORMAT = "baraza-series-archive"
VERSION = 1


def export(tx: Session, series_id: int, wiring: Wiring) -> str:
    """The series and every consultation of it, as one JSON document."""
    series = tx.get_one(Series, series_id)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "series": _series_file(tx, series),
        "consultations": [
            _member_record(tx, member, consultation, wiring)
            for member, consultation in members(tx, series_id)
        ],
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def _series_file(tx: Session, series: Series) -> dict[str, Any]:
    items = tx.scalars(
        select(SeriesItem).where(SeriesItem.series_id == series.id).order_by(SeriesItem.position)
    ).all()
    polls = tx.scalars(
        select(SeriesPoll).where(SeriesPoll.series_id == series.id).order_by(SeriesPoll.position)
    ).all()
    agenda = []
    for item in items:
        entry: dict[str, Any] = {
            "key": item.key,
            "title": item.title,
            "minutes": item.planned_minutes,
            "description": item.description,
        }
        listed = [
            {
                **{k: v for k, v in poll.definition.items() if k != "options"},
                "key": poll.key,
                "options": [
                    {"key": key, "label": label}
                    for key, label in zip(poll.option_keys, poll.definition["options"], strict=True)
                ],
            }
            for poll in polls
            if poll.item_key == item.key
        ]
        if listed:
            entry["polls"] = listed
        agenda.append(entry)
    return {
        "short_name": series.short_name,
        "title": series.title,
        "description": series.description,
        "aims": list(series.aims),
        "agenda": agenda,
    }


def numbers(tx: Session, model: Any, consultation_id: int) -> dict[int, int]:
    """Database id → archive number, for a consultation's rows of `model` (creation order)."""
    ids = tx.scalars(
        select(model.id).where(model.consultation_id == consultation_id).order_by(model.id)
    ).all()
    return {row_id: number for number, row_id in enumerate(ids, start=1)}


def _member_record(
    tx: Session, member: SeriesMember, consultation: Consultation, wiring: Wiring
) -> dict[str, Any]:
    items = numbers(tx, AgendaItem, consultation.id)
    polls = numbers(tx, Poll, consultation.id)
    item_keys = tx.scalars(
        select(KeyedItem).where(KeyedItem.consultation_id == consultation.id)
    ).all()
    poll_keys = tx.scalars(
        select(KeyedPoll).where(KeyedPoll.consultation_id == consultation.id)
    ).all()
    archive = "".join(json_archive.export(tx, consultation, wiring))
    return {
        "dates_unknown": member.dates_unknown,
        "sample": member.sample,
        "item_keys": sorted([items[row.item_id], row.key] for row in item_keys),
        "poll_keys": sorted(
            [polls[row.poll_id], row.key, list(row.option_keys), list(row.options_keyed)]
            for row in poll_keys
            if row.poll_id in polls  # a poll the region deleted since: its key is dropped
        ),
        "archive": json.loads(archive),
    }
