"""The demo series: Africa (the brief's consultation), the Americas and Asia as drafts
whose dates are not known yet, and an ended rehearsal set labelled as sample data.

The rehearsal is played through the ordinary services — people join, vote, ask,
vote for questions and speak — on a clock of its own set in the past, so the
comparison a newcomer opens is filled from real records, as any series' would be.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from server.core.access import Viewer
from server.core.group_commit import one_after_another
from server.core.runtime import Core
from server.features.agenda import service as agenda
from server.features.agenda.files import read_agenda_text
from server.features.consultations import service as consultations
from server.features.polls import ballots
from server.features.polls import service as polls
from server.features.questions import asks
from server.features.questions import service as questions
from server.features.questions import votes as question_votes
from server.features.series import service as series
from server.features.series.models import KeyedItem, KeyedPoll
from server.features.series.rules import parse_series
from server.features.speakers import service as speakers

SERIES_FILE = Path(__file__).with_name("series-2024.yaml")
AFRICA_FILE = Path(__file__).with_name("africa-2024.yaml")
REHEARSAL_START = datetime(2023, 11, 20, 13, 0, tzinfo=UTC)
DRAFT_START = "2024-06-03T10:00:00"  # a placeholder: these drafts are marked `dates_unknown`


@dataclass(frozen=True)
class Demo:
    """The demo's links: the Africa consultation's, and the series' organiser link."""

    consultation_id: int
    join_code: str
    moderator_token: str
    rapporteur_token: str
    series_id: int
    organiser_token: str


def _read(path: Path) -> Any:
    return read_agenda_text(path.read_text(encoding="utf-8"), path.suffix)


def seed_series(core: Core) -> Demo:
    """Store the demo series with its three regions and the sample rehearsal."""
    made = series.create_series(core, parse_series(_read(SERIES_FILE)))
    keys = [item["key"] for item in _read(SERIES_FILE)["agenda"]]
    africa_file = _read(AFRICA_FILE)
    africa_file["agenda"] = [
        {"key": key, **item} for key, item in zip(keys, africa_file["agenda"], strict=True)
    ]
    africa = series.create_regional(core, made.series_id, made.organiser_token, africa_file)
    for name, zone, languages in (
        ("the Americas", "America/Bogota", ["en", "pt", "fr"]),
        ("Asia", "Asia/Bangkok", ["en"]),
    ):
        series.create_regional(
            core,
            made.series_id,
            made.organiser_token,
            {
                "short_name": f"{name.split()[-1].lower()}-2024",
                "title": f"Regional Cybercrime Consultations for {name} (draft: date to be set)",
                "region": name.removeprefix("the ").capitalize(),
                "time_zone": zone,
                "start": DRAFT_START,
                "languages": languages,
                "dates_unknown": True,
            },
        )
    for number, rehearsal in enumerate(REHEARSALS):
        clock = Clock(REHEARSAL_START + timedelta(days=7 * number))
        played = one_after_another(replace(core, clock=clock))
        _rehearse(played, clock, made.series_id, made.organiser_token, rehearsal)
    return Demo(
        africa.consultation_id,
        africa.join_code,
        africa.moderator_token,
        africa.rapporteur_token,
        made.series_id,
        made.organiser_token,
    )


class Clock:
    """The rehearsal's own time, moved on by hand as it is played."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


@dataclass(frozen=True)
class Group:
    """`count` people of a stakeholder group from `country`, and how they answer."""

    group: str
    country: str
    count: int
    ratify: str  # an option key of poll.ratify
    priorities: Sequence[str]  # option keys of poll.priorities, favourite first


@dataclass(frozen=True)
class Rehearsal:
    region: str
    time_zone: str
    groups: Sequence[Group]
    questions: Sequence[str]  # on aims.human-rights, the first the most voted


REHEARSALS = (
    Rehearsal(
        "Africa",
        "Africa/Lagos",
        (
            Group("civil_society", "NG", 8, "no", ("safeguards", "capacity", "prevention")),
            Group("academia", "KE", 6, "unsure", ("capacity", "safeguards", "cooperation")),
            Group("private_sector", "ZA", 5, "yes", ("capacity", "cooperation", "prevention")),
            Group("government", "GH", 3, "yes", ("cooperation", "capacity", "prevention")),
        ),
        (
            "How will the Convention protect journalists and human rights defenders?",
            "Who pays for the capacity building the Convention promises?",
            "Will data requests across borders need a judge's order?",
        ),
    ),
    Rehearsal(
        "Americas",
        "America/Bogota",
        (
            Group("civil_society", "BR", 6, "no", ("safeguards", "prevention", "capacity")),
            Group("academia", "MX", 5, "no", ("safeguards", "cooperation", "capacity")),
            Group("private_sector", "US", 7, "unsure", ("cooperation", "safeguards", "capacity")),
            Group("technical_community", "CL", 2, "no", ("safeguards", "prevention", "capacity")),
        ),
        (
            "Does the definition of cybercrime cover security research?",
            "How are platforms expected to answer data requests?",
        ),
    ),
    Rehearsal(
        "Asia",
        "Asia/Bangkok",
        (
            Group("civil_society", "IN", 5, "unsure", ("safeguards", "capacity", "cooperation")),
            Group("academia", "ID", 5, "yes", ("capacity", "cooperation", "safeguards")),
            Group("private_sector", "SG", 8, "yes", ("cooperation", "capacity", "prevention")),
            Group("government", "PH", 6, "yes", ("cooperation", "prevention", "capacity")),
        ),
        (
            "What support is there for countries without a cybercrime law yet?",
            "How will mutual legal assistance work across time zones and languages?",
        ),
    ),
)


def _rehearse(
    core: Core, clock: Clock, series_id: int, organiser: str, rehearsal: Rehearsal
) -> None:
    """One ended sample consultation of the series, played through the services."""
    name = rehearsal.region
    created = series.create_regional(
        core,
        series_id,
        organiser,
        {
            "short_name": f"sample-{name.lower()}",
            "title": f"Sample data: rehearsal for {name}",
            "region": f"{name} (sample)",
            "description": "Ready-made sample data, so that the comparison shows something.",
            "time_zone": rehearsal.time_zone,
            "start": clock().isoformat(),
            "sample": True,
        },
    )
    chair = consultations.claim_link(
        core, created.moderator_token, {"display_name": "Chair"}
    ).viewer
    items, poll_ids = _keys(core, created.consultation_id)
    people: list[tuple[Viewer, Group]] = []
    for group in rehearsal.groups:
        for _ in range(group.count):
            profile = {"stakeholder_group": group.group, "country": group.country}
            people.append((consultations.join(core, created.join_code, profile).viewer, group))
    options = _options(core, poll_ids)

    agenda.start_item(core, chair, items["aims.regional-issues"])
    ranking = options["poll.priorities"]
    ranked = [(person, _ranking(group, ranking)) for person, group in people]
    _poll(core, chair, clock, poll_ids["poll.priorities"], ranked)
    _speak(core, chair, clock, people[:14], items["aims.regional-issues"])

    agenda.start_item(core, chair, items["aims.human-rights"])
    asked = []
    for (person, _group), text in zip(people, rehearsal.questions, strict=False):
        asked.append(asks.ask(core, person, text, items["aims.human-rights"], False))
        clock.advance(20)
    ids = [outcome.reply["question"]["id"] for outcome in asked]
    for question_id in ids:
        questions.approve(core, chair, question_id)
    for index, (person, _group) in enumerate(people[len(ids) :]):
        # The first question gets most votes, the next fewer, and so on.
        question_votes.vote(core, person, ids[index % (len(ids) + 1) % len(ids)])
    questions.answer(core, chair, ids[-1], "Noted for the rapporteur's summary.")
    ratify = options["poll.ratify"]
    chosen = [(person, ratify.index(group.ratify)) for person, group in people]
    _poll(core, chair, clock, poll_ids["poll.ratify"], chosen)
    _speak(core, chair, clock, people[1::5], items["aims.human-rights"])
    agenda.end_consultation(core, chair)


def _keys(core: Core, consultation_id: int) -> tuple[dict[str, int], dict[str, int]]:
    with core.store.reading() as tx:
        items = {
            row.key: row.item_id
            for row in tx.scalars(
                select(KeyedItem).where(KeyedItem.consultation_id == consultation_id)
            )
        }
        polls_by_key = {
            row.key: row.poll_id
            for row in tx.scalars(
                select(KeyedPoll).where(KeyedPoll.consultation_id == consultation_id)
            )
        }
    return items, polls_by_key


def _options(core: Core, poll_ids: dict[str, int]) -> dict[str, list[str]]:
    """Each keyed poll's option keys, in its own order of options."""
    with core.store.reading() as tx:
        return {
            row.key: list(row.option_keys)
            for row in tx.scalars(select(KeyedPoll).where(KeyedPoll.poll_id.in_(poll_ids.values())))
        }


def _poll(
    core: Core, chair: Viewer, clock: Clock, poll_id: int, answers: Sequence[tuple[Viewer, Any]]
) -> None:
    polls.open_poll(core, chair, poll_id)
    for person, answer in answers:
        ballots.cast_ballot(core, person, poll_id, answer)
        clock.advance(3)
    polls.close_poll(core, chair, poll_id)


def _ranking(group: Group, option_keys: list[str]) -> list[int]:
    """A group's ranking as option indices: its favourites first, the rest in order."""
    ranked = list(group.priorities) + [k for k in option_keys if k not in group.priorities]
    return [option_keys.index(key) for key in ranked]


def _speak(
    core: Core,
    chair: Viewer,
    clock: Clock,
    speakers_: Sequence[tuple[Viewer, Group]],
    item_id: int,
) -> None:
    for number, (person, _group) in enumerate(speakers_):
        hand = speakers.raise_hand(core, person, item_id, "A point from the floor")
        speakers.give_floor(core, chair, hand.reply["hand_id"])
        clock.advance(60 + 25 * (number % 4))
        speakers.end_turn(core, chair)
