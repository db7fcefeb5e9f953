"""Regional series: one agenda and poll bank, regional consultations made from it, compared.

The comparison is checked against figures worked out by hand (three regions, four
stakeholder groups, a single-choice poll and a ranking; the Americas renamed an
item and reordered the single-choice poll's options), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from server.core.errors import DomainError
from server.core.models import Consultation, Event
from server.features.agenda import service as agenda
from server.features.consultations import service as consultations
from server.features.polls import ballots
from server.features.polls import service as polls
from server.features.questions import asks
from server.features.questions import service as questions
from server.features.questions import votes as question_votes
from server.features.series import comparison
from server.features.series import service as series
from server.features.series.models import KeyedItem, KeyedPoll, SeriesMember
from server.features.series.rules import parse_series

SERIES: dict[str, Any] = {
    "short_name": "cyber-2024",
    "title": "Regional Cybercrime Consultations",
    "description": "Africa, the Americas and Asia, on the same aims.",
    "aims": ["Identify regional-specific issues.", "Discuss human rights safeguards."],
    "agenda": [
        {"key": "opening", "title": "Opening", "minutes": 5},
        {
            "key": "aims.human-rights",
            "title": "Human rights and safeguards",
            "minutes": 20,
            "polls": [
                {
                    "key": "poll.ratify",
                    "type": "single",
                    "question": "Should your country ratify the Convention?",
                    "visibility": "after_close",
                    "options": [
                        {"key": "yes", "label": "Yes"},
                        {"key": "no", "label": "No"},
                        {"key": "unsure", "label": "Not sure"},
                    ],
                }
            ],
        },
        {
            "key": "aims.priorities",
            "title": "Priorities",
            "minutes": 20,
            "polls": [
                {
                    "key": "poll.priorities",
                    "type": "ranking",
                    "question": "Rank the priorities",
                    "options": [
                        {"key": "safeguards", "label": "Safeguards"},
                        {"key": "capacity", "label": "Capacity building"},
                        {"key": "cooperation", "label": "Cooperation"},
                    ],
                }
            ],
        },
    ],
}


def region(name: str, time_zone: str, **fields: Any) -> dict[str, Any]:
    return {
        "short_name": name.lower(),
        "title": f"Regional Cybercrime Consultations for {name}",
        "region": name,
        "time_zone": time_zone,
        "start": "2024-01-18T09:30:00",
        **fields,
    }


AMERICAS_CHANGES: dict[str, Any] = {
    "agenda": [
        {"key": "opening"},
        {"key": "aims.human-rights", "title": "Derechos humanos y salvaguardias"},
        {"key": "aims.priorities"},
        {"title": "Regional panel", "minutes": 15},
    ],
    "polls": {
        "poll.ratify": {
            "question": "¿Debería su país ratificar la Convención?",
            "options": [
                {"key": "unsure", "label": "No sé"},
                {"key": "no", "label": "No"},
                {"key": "yes", "label": "Sí"},
            ],
        }
    },
}


def refused(function: Any, *args: Any) -> str:
    with pytest.raises(DomainError) as error:
        function(*args)
    return error.value.code


def rows(core: Any, model: Any) -> int:
    with core.store.reading() as tx:
        return int(tx.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def made(core):
    name = f"cyber-{uuid.uuid4().hex[:8]}"  # PostgreSQL's database is shared by the run
    created = series.create_series(core, parse_series({**SERIES, "short_name": name}))
    return created.series_id, created.organiser_token


def new_regional(core, series_id, token, data):
    created = series.create_regional(core, series_id, token, data)
    chair = consultations.claim_link(core, created.moderator_token, {"display_name": "Chair"})
    return created, chair.viewer


def poll_ids(core, consultation_id):
    with core.store.reading() as tx:
        return {
            row.key: row.poll_id
            for row in tx.scalars(
                select(KeyedPoll).where(KeyedPoll.consultation_id == consultation_id)
            )
        }


def run_region(core, created, chair, voters):
    """`voters`: (group, country, count, ratify answer, ranking answer or None)."""
    ids = poll_ids(core, created.consultation_id)
    people = [
        (
            consultations.join(
                core, created.join_code, {"stakeholder_group": g, "country": c}
            ).viewer,
            ratify,
            ranking,
        )
        for g, c, count, ratify, ranking in voters
        for _ in range(count)
    ]
    for key in ("poll.ratify", "poll.priorities"):
        polls.open_poll(core, chair, ids[key])
        for person, ratify, ranking in people:
            answer = ratify if key == "poll.ratify" else ranking
            if answer is not None:
                ballots.cast_ballot(core, person, ids[key], answer)
        polls.close_poll(core, chair, ids[key])
    agenda.end_consultation(core, chair)


# Option indices in each region's own order.
AF, AM = {"yes": 0, "no": 1, "unsure": 2}, {"unsure": 0, "no": 1, "yes": 2}
S, CAP, COOP = 0, 1, 2


@pytest.fixture
def three_regions(core, made):
    series_id, token = made
    africa = new_regional(core, series_id, token, region("Africa", "Africa/Lagos"))
    americas = new_regional(
        core, series_id, token, {**region("Americas", "America/Bogota"), **AMERICAS_CHANGES}
    )
    asia = new_regional(core, series_id, token, region("Asia", "Asia/Singapore"))
    run_region(
        core,
        *africa,
        [
            ("civil_society", "NG", 5, AF["yes"], [S, CAP, COOP]),
            ("academia", "KE", 3, AF["yes"], [S, COOP, CAP]),
            ("academia", "KE", 2, AF["unsure"], [S, COOP, CAP]),
            ("private_sector", "ZA", 5, AF["no"], [CAP, COOP, S]),
            ("government", "GH", 2, AF["no"], [COOP, CAP, S]),
        ],
    )
    run_region(
        core,
        *americas,
        [
            ("civil_society", "BR", 5, AM["yes"], [COOP, CAP, S]),
            ("academia", "MX", 5, AM["yes"], [COOP, CAP, S]),
            ("private_sector", "CO", 5, AM["yes"], [COOP, CAP, S]),
            ("government", "CL", 5, AM["unsure"], [COOP, CAP, S]),
        ],
    )
    run_region(
        core,
        *asia,
        [
            ("civil_society", "IN", 5, AF["no"], None),
            ("academia", "ID", 5, AF["no"], None),
            ("private_sector", "SG", 5, AF["yes"], None),
            ("government", "PH", 5, AF["no"], None),
        ],
    )
    return series_id, token


def by_region(poll_view):
    return {result["region"]: result for result in poll_view["regions"]}


def test_a_regional_consultation_is_made_from_the_series_in_one_step(core, made):
    series_id, token = made
    created, chair = new_regional(
        core, series_id, token, {**region("Americas", "America/Bogota"), **AMERICAS_CHANGES}
    )

    with core.store.reading() as tx:
        consultation = tx.get_one(Consultation, created.consultation_id)
        titles = [item.title for item in consultation.items]
        keyed = dict((row.item_id, row.key) for row in tx.scalars(select(KeyedItem)))
        events = tx.scalars(
            select(Event.type).where(Event.consultation_id == consultation.id)
        ).all()
    assert titles == ["Opening", "Derechos humanos y salvaguardias", "Priorities", "Regional panel"]
    assert [keyed.get(item) for item in [i.id for i in consultation.items]] == [
        "opening",
        "aims.human-rights",
        "aims.priorities",
        None,
    ]
    assert "series_joined" in events
    view = comparison.organiser_view(core, series_id, token)
    assert [c["region"] for c in view["consultations"]] == ["Americas"]
    assert view["consultations"][0]["state"] == "draft"
    assert [p["key"] for p in view["polls"]] == ["poll.ratify", "poll.priorities"]


def test_a_region_may_drop_a_shared_item_and_its_polls(core, made):
    series_id, token = made
    data = {**region("Asia", "Asia/Singapore"), "agenda": [{"key": "aims.priorities"}]}
    created, _chair = new_regional(core, series_id, token, data)

    assert set(poll_ids(core, created.consultation_id)) == {"poll.priorities"}
    ratify = comparison.read_poll(core, series_id, token, "poll.ratify")
    assert by_region(ratify)["Asia"]["status"] == "dropped"
    assert ratify["empty"] is True


def test_the_comparison_matches_the_figures_worked_by_hand(core, three_regions):
    series_id, token = three_regions
    view = comparison.read_comparison(core, series_id, token)
    ratify, priorities = view["polls"]

    assert ratify["method"] == "count" and priorities["method"] == "borda"
    africa, americas, asia = (by_region(ratify)[r] for r in ("Africa", "Americas", "Asia"))
    assert africa["values"] == {"yes": 8, "no": 7, "unsure": 2}
    assert africa["percent"] == {"yes": 47.1, "no": 41.2, "unsure": 11.8}
    # The Americas asked in Spanish with the options reordered: the keys still line up.
    assert americas["question"] == "¿Debería su país ratificar la Convención?"
    assert americas["values"] == {"yes": 15, "no": 0, "unsure": 5}
    assert asia["values"] == {"yes": 5, "no": 15, "unsure": 0}

    # Small groups: government (2) is "<5"; to keep it from being read off the totals
    # the smallest group shown (private sector, 5) is folded with it: 7 together.
    assert africa["by_group"] == [
        {"key": "academia", "voters": 5, "values": {"yes": 3, "no": 0, "unsure": 2}, "hidden": ""},
        {
            "key": "civil_society",
            "voters": 5,
            "values": {"yes": 5, "no": 0, "unsure": 0},
            "hidden": "",
        },
        {"key": "private_sector", "voters": None, "values": None, "hidden": "(other groups)"},
        {"key": "government", "voters": None, "values": None, "hidden": "<5"},
        {
            "key": "(other groups)",
            "voters": 7,
            "values": {"yes": 0, "no": 7, "unsure": 0},
            "hidden": "",
        },
    ]

    # Borda: of 3 options, 2 points for a first place, 1 for a second.
    pr = by_region(priorities)
    assert pr["Africa"]["values"] == {"safeguards": 20, "capacity": 17, "cooperation": 14}
    assert pr["Americas"]["values"] == {"safeguards": 0, "capacity": 20, "cooperation": 40}
    assert pr["Asia"]["status"] == "no_answers"

    # Total variation distance, worked by hand:
    #   ratify: Africa–Americas 0.4118, Africa–Asia 0.3382, Americas–Asia 0.75
    #   priorities: Africa–Americas 0.3922 (Asia had no answers)
    assert ratify["divergence"]["pairs"] == [
        {"regions": ["Africa", "Americas"], "distance": 0.4118},
        {"regions": ["Africa", "Asia"], "distance": 0.3382},
        {"regions": ["Americas", "Asia"], "distance": 0.75},
    ]
    assert [(d["poll_key"], d["distance"], d["regions"]) for d in view["differ_most"]] == [
        ("poll.ratify", 0.75, ["Americas", "Asia"]),
        ("poll.priorities", 0.3922, ["Africa", "Americas"]),
    ]
    assert view["agree_most"][0]["poll_key"] == "poll.priorities"
    assert all(d["measure"] == "total_variation_distance" for d in view["differ_most"])

    attendance = {a["region"]: a["attendance"] for a in view["attendance"]}
    assert attendance["Africa"]["total"] == 17
    assert attendance["Americas"]["by_group"][0] == {"key": "academia", "count": 5, "hidden": ""}
    items = {item["key"]: item for item in view["items"]}
    titles = {r["region"]: r["title"] for r in items["aims.human-rights"]["regions"]}
    assert titles["Americas"] == "Derechos humanos y salvaguardias"


def test_top_questions_per_item_name_no_author(core, made):
    series_id, token = made
    created, chair = new_regional(core, series_id, token, region("Africa", "Africa/Lagos"))
    with core.store.reading() as tx:
        item_id = tx.scalar(
            select(KeyedItem.item_id).where(
                KeyedItem.key == "aims.human-rights",
                KeyedItem.consultation_id == created.consultation_id,
            )
        )
    people = [
        consultations.join(core, created.join_code, {"display_name": f"P{n}"}).viewer
        for n in range(3)
    ]
    asked = [
        asks.ask(core, person, text, item_id, False).reply["question"]["id"]
        for person, text in zip(
            people, ("Safeguards for journalists?", "Data retention limits?"), strict=False
        )
    ]
    for question_id in asked:
        questions.approve(core, chair, question_id)
    for person in (people[0], people[2]):
        question_votes.vote(core, person, asked[1])
    questions.answer(core, chair, asked[0], "Article 5 covers it.")

    items = {i["key"]: i for i in comparison.read_comparison(core, series_id, token)["items"]}
    top = items["aims.human-rights"]["regions"][0]["top_questions"]
    assert top == [
        {"text": "Data retention limits?", "votes": 2, "answered": False},
        {"text": "Safeguards for journalists?", "votes": 0, "answered": True},
    ]


def test_a_live_consultations_hidden_results_stay_hidden(core, made):
    series_id, token = made
    created, chair = new_regional(core, series_id, token, region("Asia", "Asia/Singapore"))
    ratify = poll_ids(core, created.consultation_id)["poll.ratify"]
    polls.open_poll(core, chair, ratify)
    for _ in range(6):
        person = consultations.join(core, created.join_code, {}).viewer
        ballots.cast_ballot(core, person, ratify, 0)

    asia = by_region(comparison.read_poll(core, series_id, token, "poll.ratify"))["Asia"]
    assert asia["status"] == "hidden"
    assert asia["values"] == {} and asia["voters"] == 0

    polls.close_poll(core, chair, ratify)  # "after close": everyone sees them now
    asia = by_region(comparison.read_poll(core, series_id, token, "poll.ratify"))["Asia"]
    assert (asia["status"], asia["values"]["yes"]) == ("counted", 6)


def test_a_poll_nobody_answered_is_an_empty_state(core, made):
    series_id, token = made
    new_regional(core, series_id, token, region("Africa", "Africa/Lagos"))
    view = comparison.read_poll(core, series_id, token, "poll.ratify")
    assert view["empty"] is True
    assert by_region(view)["Africa"]["status"] == "not_opened"
    assert view["divergence"] is None


def test_bad_input_has_its_own_code_and_writes_nothing(core, made):
    series_id, token = made
    name = f"other-{uuid.uuid4().hex[:8]}"
    other = series.create_series(core, parse_series({**SERIES, "short_name": name}))
    before = (rows(core, Consultation), rows(core, SeriesMember), rows(core, KeyedPoll))
    africa = region("Africa", "Africa/Lagos")

    assert refused(series.create_regional, core, 999, token, africa) == "unknown_series"
    assert refused(series.create_regional, core, series_id, "nope", africa) == (
        "unknown_organiser_link"
    )
    assert (
        refused(series.create_regional, core, series_id, other.organiser_token, africa)
        == "wrong_series"
    )
    unknown = {**africa, "agenda": [{"key": "aims.unknown"}]}
    assert refused(series.create_regional, core, series_id, token, unknown) == (
        "unknown_series_key"
    )
    mismatched = {
        **africa,
        "polls": {"poll.ratify": {"options": [{"key": "yes"}, {"key": "maybe"}]}},
    }
    assert refused(series.create_regional, core, series_id, token, mismatched) == (
        "option_keys_mismatch"
    )
    assert refused(comparison.read_poll, core, series_id, token, "poll.nope") == (
        "unknown_series_key"
    )
    assert (rows(core, Consultation), rows(core, SeriesMember), rows(core, KeyedPoll)) == before
    again = parse_series({**SERIES, "short_name": name})
    assert refused(series.create_series, core, again) == "series_name_taken"


def test_an_existing_consultation_joins_once(core, made, create_consultation):
    series_id, token = made
    c = create_consultation()
    polls.create_poll(
        core,
        c.moderator,
        {"type": "single", "question": "Ratify?", "options": ["No", "Yes", "Unsure"]},
    )
    members, keyed = rows(core, SeriesMember), rows(core, KeyedPoll)
    data = {
        "join_code": c.join_code,
        "moderator_link": c.moderator_link,
        "items": {"aims.human-rights": 2},
        "polls": {"poll.ratify": {"position": 1, "options": ["no", "yes", "unsure"]}},
    }

    wrong = {**data, "polls": {"poll.ratify": {"position": 1, "options": ["no", "yes"]}}}
    assert refused(series.add_consultation, core, series_id, token, wrong) == (
        "option_keys_mismatch"
    )
    stranger = {**data, "moderator_link": c.rapporteur_link}
    assert refused(series.add_consultation, core, series_id, token, stranger) == "unknown_link"
    assert rows(core, SeriesMember) == members

    assert series.add_consultation(core, series_id, token, data) == c.id
    assert refused(series.add_consultation, core, series_id, token, data) == "already_in_series"
    assert (rows(core, SeriesMember), rows(core, KeyedPoll)) == (members + 1, keyed + 1)


def test_the_organiser_link_is_replaced_and_the_old_one_revoked(core, made):
    series_id, token = made
    fresh = series.replace_organiser_link(core, series_id, token)
    assert refused(comparison.organiser_view, core, series_id, token) == "unknown_organiser_link"
    assert comparison.organiser_view(core, series_id, fresh)["id"] == series_id


@pytest.fixture
def second_store(sqlite_template, tmp_path):
    """Another, empty database (SQLite), to restore an archive into."""
    import sqlite3

    from server.core.store import Store

    path = tmp_path / "second.sqlite3"
    source, copy_ = sqlite3.connect(sqlite_template), sqlite3.connect(path)
    source.backup(copy_)
    source.close()
    copy_.close()
    other = Store(f"sqlite:///{path}")
    yield other
    other.dispose()


def test_the_series_archive_round_trips_and_keeps_the_comparison(
    core, clock, three_regions, second_store
):
    from server.archive import series as series_archive
    from server.core.runtime import Core
    from server.features.series import archive

    series_id, token = three_regions
    with core.store.reading() as tx:
        written = archive.export(tx, series_id, core.wiring)
    other = Core(second_store, clock, wiring=core.wiring)

    restored = series_archive.restore(other, written.encode("utf-8"))
    assert len(restored.consultations) == 3
    with other.store.reading() as tx:
        assert archive.export(tx, restored.series_id, core.wiring) == written
    before = comparison.read_comparison(core, series_id, token)
    after = comparison.read_comparison(other, restored.series_id, restored.organiser_token)
    assert after["differ_most"] == before["differ_most"]
    assert [p["regions"][0]["values"] for p in after["polls"]] == [
        p["regions"][0]["values"] for p in before["polls"]
    ]


def test_a_damaged_series_archive_restores_nothing(core, clock, three_regions, second_store):
    import json as json_

    from server.archive import series as series_archive
    from server.core.runtime import Core
    from server.features.series import archive

    series_id, _token = three_regions
    with core.store.reading() as tx:
        document = json_.loads(archive.export(tx, series_id, core.wiring))
    document["consultations"][2]["poll_keys"][0][1] = "poll.unknown"  # the last one is bad
    other = Core(second_store, clock, wiring=core.wiring)
    data = json_.dumps(document).encode("utf-8")
    assert refused(series_archive.restore, other, data) == "unknown_series_key"
    assert (rows(other, Consultation), rows(other, SeriesMember)) == (0, 0)
    assert refused(series_archive.restore, other, b"[]") == "invalid_series_archive"


def test_a_moderator_re_keys_a_shared_poll_after_reordering_its_options(core, made):
    series_id, token = made
    created, chair = new_regional(core, series_id, token, region("Asia", "Asia/Singapore"))
    ratify = poll_ids(core, created.consultation_id)["poll.ratify"]
    reordered = {
        "type": "single",
        "question": "Ratify?",
        "visibility": "live",
        "options": ["Not sure", "No", "Yes"],
    }
    polls.update_poll(core, chair, ratify, reordered)
    stale = by_region(comparison.read_poll(core, series_id, token, "poll.ratify"))["Asia"]
    assert stale["status"] == "not_comparable"  # the keys say yes, no, unsure: wrong now

    assert refused(series.key_poll, core, chair, ratify, ["yes", "no"]) == "option_keys_mismatch"
    outcome = series.key_poll(core, chair, ratify, ["unsure", "no", "yes"])
    assert [event.type for event in outcome.events] == ["poll_keyed"]
    polls.open_poll(core, chair, ratify)
    person = consultations.join(core, created.join_code, {}).viewer
    ballots.cast_ballot(core, person, ratify, 2)  # "Yes", third in this region
    asia = by_region(comparison.read_poll(core, series_id, token, "poll.ratify"))["Asia"]
    assert (asia["status"], asia["values"]["yes"]) == ("counted", 1)
