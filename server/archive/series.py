"""Restoring a series archive (server/features/series/archive.py) as a new series.

The series, every consultation (fresh join codes and links, as a consultation's
archive gives) and their keys are made in one transaction: a refusal anywhere
stores nothing. The series' `short_name` must be free (`series_name_taken`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from server.core.errors import N_, Conflict, DomainError
from server.core.json_input import UnreadableJson, read_json
from server.core.models import AgendaItem, Consultation
from server.core.runtime import Core
from server.features.polls.models import Poll
from server.features.series import rules
from server.features.series.archive import FORMAT, VERSION, numbers
from server.features.series.models import KeyedItem, KeyedPoll, Series
from server.features.series.service import issue_organiser_link, join_series, store_series
from server.reports.json_archive import read_archive

from .restore import Restored, restore_document


@dataclass(frozen=True)
class RestoredSeries:
    series_id: int
    organiser_token: str
    consultations: list[Restored]


def _damaged(reason: str, **params: Any) -> DomainError:
    return DomainError(
        "invalid_series_archive",
        N_("This is not a series archive Baraza can restore: %(reason)s."),
        reason=DomainError("invalid_series_archive", reason, **params),
    )


def restore(core: Core, data: bytes) -> RestoredSeries:
    """Restore a series archive as a new series, all or nothing."""
    try:
        document = read_json(data)
    except UnreadableJson:
        raise _damaged(N_("it is not JSON")) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _damaged(N_("it is not a series archive"))
    if document.get("version") != VERSION:
        raise DomainError(
            "unsupported_archive_version",
            N_("This archive's version is not one this server reads."),
        )
    spec = rules.parse_series(document.get("series"))
    listed = document.get("consultations")
    if not isinstance(listed, list):
        raise _damaged(N_("its consultations are not a list"))
    archives = [_read_member(entry) for entry in listed]
    now = core.now()
    try:
        with core.store.transaction() as tx:
            if tx.scalar(select(Series.id).where(Series.short_name == spec.short_name)):
                raise Conflict(
                    "series_name_taken",
                    N_("A series already has the short name %(name)s."),
                    name=spec.short_name,
                )
            series = store_series(tx, spec, now)
            restored = []
            for entry, archive in zip(listed, archives, strict=True):
                done = restore_document(tx, archive, now, core.wiring)
                consultation = tx.get_one(Consultation, done.consultation_id)
                join_series(
                    tx,
                    series,
                    consultation,
                    now,
                    dates_unknown=entry.get("dates_unknown") is True,
                    sample=entry.get("sample") is True,
                    logged=False,
                )
                _restore_keys(tx, spec, consultation.id, entry)
                restored.append(done)
            token = issue_organiser_link(tx, series.id, now)
            return RestoredSeries(series.id, token, restored)
    except SQLAlchemyError as error:
        raise _damaged(N_("the database refused one of its rows")) from error


def _read_member(entry: Any) -> dict[str, Any]:
    if not isinstance(entry, dict) or not isinstance(entry.get("archive"), dict):
        raise _damaged(N_("a consultation holds no archive"))
    document = read_archive(json.dumps(entry["archive"]).encode("utf-8"))
    return document


def _restore_keys(
    tx: Session, spec: rules.SeriesSpec, consultation_id: int, entry: dict[str, Any]
) -> None:
    """The restored consultation's keys, its archive's numbers read as its new rows."""
    items = {n: i for i, n in numbers(tx, AgendaItem, consultation_id).items()}
    polls = {n: i for i, n in numbers(tx, Poll, consultation_id).items()}
    item_keys = {item.key for item in spec.items}
    shared = {poll.key: poll for poll in spec.polls}
    for pair in entry.get("item_keys") or []:
        if not (isinstance(pair, list) and len(pair) == 2 and pair[0] in items):
            raise _damaged(N_("an item key names no agenda item"))
        if pair[1] not in item_keys:
            raise rules.unknown_key(str(pair[1]))
        tx.add(KeyedItem(consultation_id=consultation_id, item_id=items[pair[0]], key=pair[1]))
    for listed in entry.get("poll_keys") or []:
        if not (isinstance(listed, list) and len(listed) == 4 and listed[0] in polls):
            raise _damaged(N_("a poll key names no poll"))
        number, key, option_keys, options_keyed = listed
        if not isinstance(options_keyed, list) or not all(
            isinstance(o, str) for o in options_keyed
        ):
            raise _damaged(N_("a poll key names no poll"))
        if key not in shared:
            raise rules.unknown_key(str(key))
        if not isinstance(option_keys, list) or not all(isinstance(k, str) for k in option_keys):
            raise rules.option_keys_mismatch(shared[key])
        rules.check_option_keys(shared[key], option_keys)
        tx.add(
            KeyedPoll(
                consultation_id=consultation_id,
                poll_id=polls[number],
                key=key,
                option_keys=list(option_keys),
                options_keyed=list(options_keyed),
            )
        )
    tx.flush()
