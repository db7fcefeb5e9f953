"""The comparison of a series, computed from its consultations' own records.

Nothing is copied: each region's results are counted from its own ballots,
questions, turns and participants when the comparison is asked for, through the
keys that tie its items and polls to the series (models.py).

It shows no more than each consultation's shareable report would:

- a poll's results only once its attendees may see them, or once the
  consultation has ended (`rules.visibility_in_series`); a draft poll has none;
- breakdowns by stakeholder group (votes, attendance, speaking time) with the
  shareable reports' small-group rule (reports/small_groups.py): a group of
  fewer than 5 people is listed as "<5" and counted in "(other groups)";
- questions as listed in the shareable report (answered, approved, archived),
  with their text and votes, never their author.

Where regions differ: for each shared poll, the total variation distance between
each pair of regions' distributions (share of voters per option; of Borda points
for a ranking), over regions with at least 5 voters.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.core.events import ATTENDEE
from server.core.models import AgendaItem, Consultation, Participant
from server.core.runtime import Core
from server.core.times import iso
from server.core.wiring import Wiring
from server.features.polls import models as poll_storage
from server.features.polls.counting import BallotRow, tally
from server.features.polls.models import Poll
from server.features.polls.rules import CLOSED
from server.features.polls.service import definition_of
from server.features.presence import replay as attendance_replay
from server.features.questions import rules as questions_rules
from server.features.questions.models import Question, QuestionVote
from server.features.speakers.service import speakers_by_item
from server.reports.model import Audience, logged_events, safe_event
from server.reports.small_groups import CSV_MARKS, SMALLEST, Protected, protect

from . import rules
from .models import Series, SeriesMember
from .service import (
    keys_of,
    members,
    option_labels,
    organiser_of,
    shared_items,
    shared_polls,
)
from .views import (
    ComparisonView,
    CountsView,
    DivergenceView,
    GroupCountView,
    GroupResultView,
    ItemComparisonView,
    PollComparisonView,
    RegionAttendanceView,
    RegionItemView,
    RegionResultView,
    SeriesView,
    SpeakingView,
    TopQuestionView,
)

TOP_QUESTIONS = 3
MEASURE = "total_variation_distance"
LISTED_QUESTIONS = (questions_rules.ANSWERED, questions_rules.APPROVED, questions_rules.ARCHIVED)


def region_name(consultation: Consultation) -> str:
    return consultation.region or consultation.title


def comparison(tx: Session, series_id: int, now: datetime, wiring: Wiring) -> ComparisonView:
    """The whole comparison of a series, as of `now` (the series checked by the caller)."""
    series = tx.get_one(Series, series_id)
    regions = members(tx, series_id)
    keys = {consultation.id: keys_of(tx, consultation.id) for _member, consultation in regions}
    polls = [
        compare_poll(tx, poll, regions, {cid: k[1] for cid, k in keys.items()}, wiring)
        for poll in shared_polls(tx, series_id)
    ]
    divergences = [poll["divergence"] for poll in polls if poll["divergence"] is not None]
    items = [
        _compare_item(tx, item, regions, {cid: k[0] for cid, k in keys.items()}, now)
        for item in shared_items(tx, series_id)
    ]
    return {
        "series_id": series.id,
        "title": series.title,
        "smallest_group": SMALLEST,
        "polls": polls,
        "items": items,
        "attendance": [
            _region_attendance(tx, member, consultation) for member, consultation in regions
        ],
        "differ_most": sorted(divergences, key=lambda d: (-d["distance"], d["poll_key"])),
        "agree_most": sorted(divergences, key=lambda d: (d["distance"], d["poll_key"])),
    }


# ---------------------------------------------------------------- polls


def compare_poll(
    tx: Session,
    shared: rules.SharedPoll,
    regions: Sequence[tuple[SeriesMember, Consultation]],
    keyed_polls: dict[int, dict[str, Any]],
    wiring: Wiring,
) -> PollComparisonView:
    """One shared poll, region by region; `empty` when no region has a counted answer."""
    labels = option_labels(shared)
    results = [
        _region_result(tx, shared, member, consultation, keyed_polls[consultation.id], wiring)
        for member, consultation in regions
    ]
    compared = {
        result["region"]: rules.distribution(result["values"], shared.option_keys)
        for result in results
        if result["status"] == rules.COUNTED and result["voters"] >= SMALLEST
    }
    found = rules.divergence(shared.key, compared)
    question = str(shared.definition["question"])
    method = method_of(shared)
    divergence: DivergenceView | None = None
    if found is not None:
        divergence = {
            "poll_key": shared.key,
            "question": question,
            "measure": MEASURE,
            "distance": found.distance,
            "regions": list(found.regions),
            "pairs": [{"regions": [a, b], "distance": d} for a, b, d in found.pairs],
        }
    return {
        "key": shared.key,
        "item_key": shared.item_key,
        "type": shared.type,
        "question": question,
        "method": method,
        "options": [{"key": key, "label": label} for key, label in labels.items()],
        "empty": not any(result["status"] == rules.COUNTED for result in results),
        "regions": results,
        "divergence": divergence,
    }


def method_of(shared: rules.SharedPoll) -> str:
    return "borda" if shared.type == "ranking" else "count"


def _region_result(
    tx: Session,
    shared: rules.SharedPoll,
    member: SeriesMember,
    consultation: Consultation,
    keyed: dict[str, Any],
    wiring: Wiring,
) -> RegionResultView:
    view: RegionResultView = {
        "consultation_id": consultation.id,
        "region": region_name(consultation),
        "sample": member.sample,
        "status": rules.DROPPED,
        "question": "",
        "voters": 0,
        "present_at_close": None,
        "turnout": None,
        "values": {},
        "percent": {},
        "by_group": [],
    }
    row = keyed.get(shared.key)
    poll = tx.get(Poll, row.poll_id) if row is not None else None
    if row is None or poll is None or poll.consultation_id != consultation.id:
        return view
    view["question"] = poll.question
    option_keys = list(row.option_keys)
    if list(row.options_keyed) != list(poll.options) or poll.type != shared.type:
        return {**view, "status": rules.NOT_COMPARABLE}
    ballots = [BallotRow(*ballot) for ballot in poll_storage.ballot_rows(tx, poll.id)]
    counted = tally(definition_of(poll), ballots)
    status = rules.visibility_in_series(
        consultation.state, poll.state, poll.visibility, counted["voters"]
    )
    view["status"] = status
    if status != rules.COUNTED:
        return view
    rows = counted["rows"]
    present = (
        _present_at_close(tx, consultation.id, wiring).get(poll.id)
        if poll.state == CLOSED
        else None
    )
    view["voters"] = counted["voters"]
    view["present_at_close"] = present
    view["turnout"] = round(counted["voters"] / present, 3) if present else None
    view["values"] = rules.keyed_values(rows, option_keys)
    view["percent"] = {option_keys[int(r["key"])]: float(r["percent"]) for r in rows}
    view["by_group"] = _group_results(counted, option_keys)
    return view


def _group_results(counted: dict[str, Any], option_keys: Sequence[str]) -> list[GroupResultView]:
    """Each stakeholder group's values by option key, small groups hidden (small_groups.py)."""
    order = [option_keys[int(row["key"])] for row in counted["rows"]]
    entries: list[dict[str, Any]] = counted["breakdown"]["stakeholder_group"]
    protected = protect(entries, lambda entry: int(entry["voters"]), Audience.SHAREABLE)

    def values(entry: dict[str, Any]) -> dict[str, int]:
        return dict(zip(order, entry["values"], strict=True))

    def merge(group: list[dict[str, Any]]) -> dict[str, Any]:
        sums = [sum(column) for column in zip(*(e["values"] for e in group), strict=True)]
        return {"key": CSV_MARKS.other, "voters": sum(e["voters"] for e in group), "values": sums}

    return [
        {
            "key": str(entry["key"]),
            "voters": None if mark else int(entry["voters"]),
            "values": None if mark else values(entry),
            "hidden": mark,
        }
        for entry, mark in protected.entries(merge, CSV_MARKS)
    ]


def _present_at_close(tx: Session, consultation_id: int, wiring: Wiring) -> dict[Any, int]:
    """Attendees connected when each poll last closed, replayed from the log (as the
    poll report's turnout is)."""
    present: dict[Any, int] = {}
    peaks = attendance_replay.Peaks()
    types = (attendance_replay.ARRIVED, attendance_replay.LEFT, "poll_closed")
    for event in logged_events(tx, consultation_id, types):
        if event.type == "poll_closed":
            poll = safe_event(event, wiring).payload.get("poll") or {}
            present[poll.get("id")] = len(peaks.present)
        else:
            peaks.apply(event.type, event.payload, event.at)
    return present


# ---------------------------------------------------------------- agenda items


def _compare_item(
    tx: Session,
    item: rules.SharedItem,
    regions: Sequence[tuple[SeriesMember, Consultation]],
    keyed_items: dict[int, dict[str, int]],
    now: datetime,
) -> ItemComparisonView:
    return {
        "key": item.key,
        "title": item.title,
        "regions": [
            _region_item(tx, member, consultation, keyed_items[consultation.id].get(item.key), now)
            for member, consultation in regions
        ],
    }


def _region_item(
    tx: Session,
    member: SeriesMember,
    consultation: Consultation,
    item_id: int | None,
    now: datetime,
) -> RegionItemView:
    item = tx.get(AgendaItem, item_id) if item_id is not None else None
    if item is None:
        return {
            "consultation_id": consultation.id,
            "region": region_name(consultation),
            "sample": member.sample,
            "status": "dropped",
            "title": "",
            "top_questions": [],
            "speaking": [],
            "speaking_seconds": 0,
        }
    speaking, seconds = _speaking(tx, consultation.id, item.id, now)
    return {
        "consultation_id": consultation.id,
        "region": region_name(consultation),
        "sample": member.sample,
        "status": "kept",
        "title": item.title,
        "top_questions": _top_questions(tx, item.id),
        "speaking": speaking,
        "speaking_seconds": seconds,
    }


def _top_questions(tx: Session, item_id: int) -> list[TopQuestionView]:
    """The item's most voted questions as the shareable report lists them; no author."""
    votes = func.count(QuestionVote.id)
    rows = tx.execute(
        select(Question.text, Question.state, votes)
        .outerjoin(QuestionVote, QuestionVote.question_id == Question.id)
        .where(Question.item_id == item_id, Question.state.in_(LISTED_QUESTIONS))
        .group_by(Question.id, Question.text, Question.state, Question.created_at)
        .order_by(votes.desc(), Question.created_at, Question.id)
        .limit(TOP_QUESTIONS)
    )
    return [
        {"text": text, "votes": int(count), "answered": state == questions_rules.ANSWERED}
        for text, state, count in rows
    ]


def _speaking(
    tx: Session, consultation_id: int, item_id: int, now: datetime
) -> tuple[list[SpeakingView], int]:
    """Speaking time on the item by stakeholder group; a group of under 5 speakers hidden."""
    turns: list[Any] = next(
        (
            entry["speakers"]
            for entry in speakers_by_item(tx, consultation_id, now)
            if entry["item_id"] == item_id
        ),
        [],
    )
    people: dict[str, set[int]] = defaultdict(set)
    count: Counter[str] = Counter()
    seconds: Counter[str] = Counter()
    for turn in turns:
        group = str(turn["stakeholder_group"])
        people[group].add(int(turn["participant_id"]))
        count[group] += 1
        seconds[group] += int(turn["duration"])
    groups = sorted(people, key=lambda g: (-seconds[g], g))
    protected = protect(groups, lambda g: len(people[g]), Audience.SHAREABLE)

    def merge(merged: list[str]) -> str:
        return CSV_MARKS.other

    shown: list[SpeakingView] = []
    for group, mark in protected.entries(merge, CSV_MARKS):
        if group == CSV_MARKS.other:
            hidden = protected.merged
            shown.append(
                {
                    "key": group,
                    "speakers": sum(len(people[g]) for g in hidden),
                    "turns": sum(count[g] for g in hidden),
                    "seconds": sum(seconds[g] for g in hidden),
                    "hidden": "",
                }
            )
        else:
            shown.append(
                {
                    "key": group,
                    "speakers": None if mark else len(people[group]),
                    "turns": None if mark else count[group],
                    "seconds": None if mark else seconds[group],
                    "hidden": mark,
                }
            )
    return shown, sum(seconds.values())


# ---------------------------------------------------------------- attendance


def attendance(tx: Session, consultation_id: int) -> CountsView:
    """Attendees who joined, by stakeholder group and by country, small groups hidden."""
    rows = tx.execute(
        select(Participant.stakeholder_group, Participant.country, func.count(Participant.id))
        .where(Participant.consultation_id == consultation_id, Participant.role == ATTENDEE)
        .group_by(Participant.stakeholder_group, Participant.country)
    ).all()
    groups: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    for group, country, count in rows:
        groups[group] += count
        countries[country] += count
    return {
        "total": sum(groups.values()),
        "by_group": _counts(groups),
        "by_country": _counts(countries),
    }


def _counts(counted: Counter[str]) -> list[GroupCountView]:
    keys = sorted(counted, key=lambda k: (-counted[k], k))
    protected: Protected[str] = protect(keys, lambda k: counted[k], Audience.SHAREABLE)
    merged = sum(counted[k] for k in protected.merged)
    return [
        {
            "key": key,
            "count": merged if key == CSV_MARKS.other else (None if mark else counted[key]),
            "hidden": mark,
        }
        for key, mark in protected.entries(_other_row, CSV_MARKS)
    ]


def _other_row(_merged: list[str]) -> str:
    return CSV_MARKS.other


def _region_attendance(
    tx: Session, member: SeriesMember, consultation: Consultation
) -> RegionAttendanceView:
    return {
        "consultation_id": consultation.id,
        "region": region_name(consultation),
        "sample": member.sample,
        "state": consultation.state,
        "attendance": attendance(tx, consultation.id),
    }


# ---------------------------------------------------------------- read by the organiser


def read_comparison(core: Core, series_id: Any, token: object) -> ComparisonView:
    """The comparison, for the series' organiser."""
    with core.store.reading() as tx:
        series = organiser_of(tx, series_id, token)
        return comparison(tx, series.id, core.now(), core.wiring)


def read_poll(core: Core, series_id: Any, token: object, key: object) -> PollComparisonView:
    """One shared poll's comparison; `unknown_series_key` if the series has no such poll."""
    with core.store.reading() as tx:
        series = organiser_of(tx, series_id, token)
        shared = next((p for p in shared_polls(tx, series.id) if p.key == key), None)
        if shared is None:
            raise rules.unknown_key(str(key))
        regions = members(tx, series.id)
        keyed = {consultation.id: keys_of(tx, consultation.id)[1] for _m, consultation in regions}
        return compare_poll(tx, shared, regions, keyed, core.wiring)


def organiser_view(core: Core, series_id: Any, token: object) -> SeriesView:
    """The series as its organiser manages it: shared items and polls, every consultation."""
    with core.store.reading() as tx:
        series = organiser_of(tx, series_id, token)
        return series_view(tx, series)


def series_view(tx: Session, series: Series) -> SeriesView:
    return {
        "id": series.id,
        "short_name": series.short_name,
        "title": series.title,
        "description": series.description,
        "aims": [str(aim) for aim in series.aims],
        "items": [
            {"key": i.key, "title": i.title, "minutes": i.minutes, "description": i.description}
            for i in shared_items(tx, series.id)
        ],
        "polls": [
            {
                "key": p.key,
                "item_key": p.item_key,
                "type": p.type,
                "question": str(p.definition["question"]),
                "method": method_of(p),
                "options": [{"key": k, "label": v} for k, v in option_labels(p).items()],
            }
            for p in shared_polls(tx, series.id)
        ],
        "consultations": [
            {
                "consultation_id": consultation.id,
                "title": consultation.title,
                "region": consultation.region,
                "time_zone": consultation.time_zone,
                "languages": [str(language) for language in consultation.languages],
                "join_code": consultation.join_code,
                "state": consultation.state,
                "scheduled_start": iso(consultation.scheduled_start) or "",
                "dates_unknown": member.dates_unknown,
                "sample": member.sample,
                "attendance": attendance(tx, consultation.id),
            }
            for member, consultation in members(tx, series.id)
        ],
    }
