"""Integrity flags: the server tells staff what looks like one client acting as many, and
a moderator — never the server — leaves those ballots and upvotes out of the results.

Each rule is shown raising its flag with the evidence, and not raising it below its
threshold; then exclusion, inclusion and dismissal, and what the reports say.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from server.archive.restore import restore
from server.core.errors import DomainError
from server.core.models import Participant
from server.features.agenda import service as agenda
from server.features.consultations import retention
from server.features.consultations import service as consultations
from server.features.consultations.snapshots import snapshot
from server.features.integrity import service as integrity
from server.features.integrity import signals
from server.features.integrity.models import IntegrityFlag
from server.features.integrity.rules import Thresholds
from server.features.integrity.signals import in_bursts
from server.features.polls import ballots
from server.features.polls import service as polls
from server.features.questions import asks, votes
from server.features.questions import service as questions
from server.realtime import ticker
from server.reports import exports
from server.reports.model import Audience
from tests.services.test_polls import new_poll, present_view, results_for

SMALL = Thresholds(
    join_burst=5,
    join_burst_seconds=60,
    identical_voters=4,
    identical_seconds=10,
    new_minutes=10,
    late_ballots=4,
    late_share=0.5,
    ban_evasion_minutes=30,
)
OFFICE, HOME = "a" * 32, "b" * 32


def join(c, address=OFFICE, device=None, **profile):
    form = {"display_name": "Someone", "stakeholder_group": "academia", **profile}
    return consultations.join(c.core, c.join_code, form, device, address_hash=address).viewer


def check(core, c, thresholds=SMALL):
    return integrity.check(core, c.id, thresholds)


def flags(core, viewer):
    return snapshot(core, viewer)["integrity"]["flags"]


def refused(code, command, *args):
    with pytest.raises(DomainError) as error:
        command(*args)
    assert error.value.code == code


@pytest.fixture
def c(create_consultation):
    return create_consultation()


# ------------------------------------------------------------ (a) join bursts


def test_many_joins_from_one_address_within_a_minute_raise_one_flag(core, clock, c):
    people = []
    for _ in range(5):
        people.append(join(c).participant_id)
        clock.advance(5)
    join(c, HOME)
    (event,) = check(core, c)
    assert (event.type, event.visibility) == ("integrity_flag_raised", "staff")
    (flag,) = flags(core, c.moderator)
    assert flag["kind"] == "join_burst" and flag["state"] == "open"
    assert flag["participant_ids"] == people
    assert flag["evidence"]["count"] == 5 and flag["evidence"]["window_seconds"] == 60
    assert flag["evidence"]["first"] < flag["evidence"]["last"]
    assert check(core, c) == []  # nothing new: no second event


def test_a_burst_going_on_grows_its_open_flag(core, clock, c):
    for _ in range(5):
        join(c)
    check(core, c)
    join(c)
    (event,) = check(core, c)
    assert event.type == "integrity_flag_updated"
    (flag,) = flags(core, c.moderator)
    assert flag["evidence"]["count"] == 6


def test_joins_spread_over_more_than_the_window_raise_nothing(core, clock, c):
    for _ in range(5):
        join(c)
        clock.advance(20)  # 5 joins over 80 s: never 5 within 60 s
    assert check(core, c) == []
    assert flags(core, c.moderator) == []


START = datetime(2027, 1, 18, 8, 30, tzinfo=UTC)


def at(*seconds: float) -> list[datetime]:
    return [START + timedelta(seconds=s) for s in seconds]


def test_a_burst_is_every_moment_in_some_window_holding_enough_of_them():
    moments = list(enumerate(at(0, 1, 2, 30, 61, 62, 63, 200)))
    # 3 within 5 s: the first three and the three at 61-63; 30 and 200 are alone.
    assert in_bursts(moments, seconds=5, least=3) == {0, 1, 2, 4, 5, 6}
    assert in_bursts(moments, seconds=5, least=4) == set()
    assert in_bursts(moments, seconds=30, least=4) == {0, 1, 2, 3}


class Counted(int):
    """An attendee id that counts how often a set hashes it."""

    hashed = 0

    def __hash__(self) -> int:
        Counted.hashed += 1
        return int.__hash__(self)


def test_a_crowd_behind_one_address_is_read_in_one_pass():
    """A venue or a mobile carrier puts thousands behind one address: each of them is
    taken into the burst once, not once for every window that holds them (that cost a
    worker 8 % of its CPU on every check during a 2,000-person rush)."""
    crowd = [(Counted(person), moment) for person, moment in enumerate(at(*range(2_000)))]
    Counted.hashed = 0
    assert len(in_bursts(crowd, seconds=60, least=20)) == 2_000
    assert Counted.hashed == 2_000


def test_attendees_see_no_flags(core, c):
    for _ in range(5):
        join(c)
    check(core, c)
    assert "integrity" not in snapshot(core, join(c, HOME))
    assert "integrity" not in snapshot(core, present_view(c))


# ------------------------------------------------------------ (b) identical votes


def test_new_attendees_casting_the_same_ballot_within_seconds_are_flagged(core, clock, c):
    poll_id = new_poll(core, c, open=True)
    crowd = [join(c, address=f"{n:032d}") for n in range(4)]
    clock.advance(60)
    for voter in crowd:
        ballots.cast_ballot(core, voter, poll_id, 1)
        clock.advance(2)
    events = check(core, c)
    kinds = {flag["kind"]: flag for flag in flags(core, c.moderator)}
    assert "identical_votes" in kinds and [e.type for e in events].count("integrity_flag_raised")
    flag = kinds["identical_votes"]
    assert flag["poll_id"] == poll_id and flag["evidence"]["answer"] == 1
    assert flag["evidence"]["count"] == 4 and flag["evidence"]["window_seconds"] == 10


def test_the_same_ballot_over_minutes_or_from_old_attendees_is_not_flagged(core, clock, c):
    poll_id = new_poll(core, c, open=True)
    slow = [join(c, address=f"{n:032d}") for n in range(4)]
    for voter in slow:  # one every 20 s: never 4 within 10 s
        ballots.cast_ballot(core, voter, poll_id, 1)
        clock.advance(20)
    other = new_poll(core, c)
    veterans = [join(c, address=f"{n + 10:032d}") for n in range(4)]
    clock.advance(11 * 60)  # joined 11 minutes ago: not new
    polls.open_poll(core, c.moderator, other)
    for voter in veterans:
        ballots.cast_ballot(core, voter, other, 0)
    check(core, c)
    assert [f["kind"] for f in flags(core, c.moderator)] == []


def test_new_attendees_upvoting_one_question_within_seconds_are_flagged(core, clock, c):
    author = join(c, HOME)
    question_id = asks.ask(core, author, "Who pays?", None, False).reply["question"]["id"]
    questions.approve(core, c.moderator, question_id)
    for n in range(4):
        votes.vote(core, join(c, address=f"{n:032d}"), question_id)
    check(core, c)
    (flag,) = flags(core, c.moderator)
    assert (flag["kind"], flag["question_id"]) == ("identical_votes", question_id)
    assert flag["evidence"]["count"] == 4


def test_checks_a_clock_period_apart_see_a_burst_they_both_cut_into_whole(core, clock, c):
    """The clock checks every `INTEGRITY_TICKS` ticks; each reading looks back a burst's
    window and a minute, so a burst running across a check is flagged whole by the next."""
    period = ticker.INTEGRITY_TICKS * ticker.TICK_SECONDS
    author = join(c, HOME)
    question_id = asks.ask(core, author, "Who pays?", None, False).reply["question"]["id"]
    questions.approve(core, c.moderator, question_id)
    crowd = [join(c, address=f"{n:032d}") for n in range(4)]
    for voter in crowd[:2]:
        votes.vote(core, voter, question_id)
        clock.advance(1)
    assert check(core, c) == []  # two of the four, 2 s into the burst: nothing yet
    for voter in crowd[2:]:
        votes.vote(core, voter, question_id)
        clock.advance(1)
    clock.advance(period - 2)  # the next check, one period after the last

    check(core, c)

    (flag,) = flags(core, c.moderator)
    assert flag["participant_ids"] == [voter.participant_id for voter in crowd]


# ------------------------------------------------------------ (c) late ballots


def test_a_poll_mostly_answered_by_people_who_joined_after_it_opened_is_flagged(core, clock, c):
    early = [join(c, address=f"{n:032d}") for n in range(3)]
    poll_id = new_poll(core, c, open=True)
    clock.advance(60)
    late = [join(c, address=f"{n + 10:032d}") for n in range(4)]
    for voter in early + late:
        ballots.cast_ballot(core, voter, poll_id, 0)
        clock.advance(30)  # slow: no identical-votes flag
    check(core, c)
    (flag,) = flags(core, c.moderator)
    assert (flag["kind"], flag["poll_id"]) == ("late_ballots", poll_id)
    assert sorted(flag["participant_ids"]) == sorted(v.participant_id for v in late)
    assert flag["evidence"]["count"] == 4 and flag["evidence"]["ballots"] == 7


def test_a_few_late_voters_among_many_are_not_flagged(core, clock, c):
    early = [join(c, address=f"{n:032d}") for n in range(6)]
    poll_id = new_poll(core, c, open=True)
    clock.advance(60)
    late = [join(c, address=f"{n + 10:032d}") for n in range(4)]  # 4 of 10: under half
    for voter in early + late:
        ballots.cast_ballot(core, voter, poll_id, 0)
        clock.advance(30)
    check(core, c)
    assert flags(core, c.moderator) == []


# ------------------------------------------------------------ (d) ban evasion


def test_a_new_device_from_a_banned_attendees_address_is_flagged(core, clock, c):
    troll = join(c, OFFICE, "p" * 43)
    questions.ban(core, c.moderator, troll.participant_id)
    clock.advance(120)
    again = join(c, OFFICE, "l" * 43)
    join(c, HOME, "h" * 43)  # another address: not flagged
    check(core, c)
    (flag,) = flags(core, c.moderator)
    assert flag["kind"] == "ban_evasion" and flag["participant_ids"] == [again.participant_id]
    assert flag["evidence"]["banned_participant_id"] == troll.participant_id


def test_joining_from_that_address_long_after_the_ban_is_not_flagged(core, clock, c):
    troll = join(c, OFFICE, "p" * 43)
    questions.ban(core, c.moderator, troll.participant_id)
    clock.advance(31 * 60)
    join(c, OFFICE, "l" * 43)
    check(core, c)
    assert flags(core, c.moderator) == []


# ------------------------------------------------------------ decisions


@pytest.fixture
def stuffed(core, clock, c):
    """Three honest voters for option 0, then five new ones from one address for 1."""
    poll_id = new_poll(core, c, open=True)
    for n in range(3):
        ballots.cast_ballot(core, join(c, address=f"{n:032d}"), poll_id, 0)
        clock.advance(30)
    crowd = [join(c) for _ in range(5)]
    for voter in crowd:
        ballots.cast_ballot(core, voter, poll_id, 1)
    check(core, c)
    burst = next(f for f in flags(core, c.moderator) if f["kind"] == "join_burst")
    return poll_id, burst["id"]


def test_a_check_finding_nothing_new_reads_whom_the_flags_name_not_the_flags(core, c, stuffed):
    """Every tick of a vote reads every flag: their columns, not objects (a tick after a
    2,000-ballot burst spent a third of its CPU building 200 flags it then dropped)."""
    loaded = []

    def seen(flag, _context):
        loaded.append(flag.id)

    event.listen(IntegrityFlag, "load", seen)
    assert check(core, c) == []
    event.remove(IntegrityFlag, "load", seen)

    assert loaded == []


def test_a_check_keys_each_ballot_answer_once(core, c, stuffed, monkeypatch):
    keyed = []
    monkeypatch.setattr(signals, "answer_key", lambda answer: keyed.append(answer) or "k")

    with core.store.reading() as tx:
        signals.identical_ballots(tx, c.id, SMALL, core.now())

    # The ballots a check looks at: the last 70 s (the first honest one is older).
    assert len(keyed) == 7


def counts(core, viewer, poll_id):
    return [row["value"] for row in results_for(core, viewer, poll_id)["rows"]][:2]


def test_excluding_a_flag_takes_its_ballots_out_of_every_count(core, c, stuffed):
    poll_id, flag_id = stuffed
    assert counts(core, present_view(c), poll_id) == [3, 5]
    refused("empty_reason", integrity.exclude_flagged, core, c.moderator, flag_id, " ")
    done = integrity.exclude_flagged(core, c.moderator, flag_id, "One laptop, five names")
    (event,) = done.events
    assert (event.type, event.visibility) == ("integrity_flag_excluded", "staff")
    assert event.actor_id == c.moderator.participant_id
    assert event.payload["reason"] == "One laptop, five names"
    assert event.payload["flag"]["excluded_ballots"] == 5
    assert counts(core, present_view(c), poll_id) == [3, 0]
    staff = results_for(core, c.moderator, poll_id)
    assert staff["voters"] == 3 and staff["excluded"] == 5
    (flag,) = [f for f in flags(core, c.moderator) if f["id"] == flag_id]
    assert flag["state"] == "excluded" and flag["decided_by"] == c.moderator.participant_id
    refused("flag_excluded", integrity.exclude_flagged, core, c.moderator, flag_id, "again")


def test_included_again_the_ballots_count_again_and_the_log_keeps_both(core, c, stuffed):
    poll_id, flag_id = stuffed
    integrity.exclude_flagged(core, c.moderator, flag_id, "One laptop")
    refused("flag_decided", integrity.dismiss_flag, core, c.moderator, flag_id, None)
    (event,) = integrity.include_flagged(core, c.moderator, flag_id, "A school's lab").events
    assert event.type == "integrity_flag_included"
    assert counts(core, present_view(c), poll_id) == [3, 5]
    refused("flag_not_excluded", integrity.include_flagged, core, c.moderator, flag_id, "x")


def test_only_moderators_decide(core, c, stuffed):
    _poll_id, flag_id = stuffed
    refused("forbidden", integrity.exclude_flagged, core, c.rapporteur(), flag_id, "no")
    refused("forbidden", integrity.dismiss_flag, core, join(c, HOME), flag_id, None)
    refused("unknown_flag", integrity.dismiss_flag, core, c.moderator, 999_999, None)
    refused("unknown_flag", integrity.dismiss_flag, core, c.moderator, "1; drop", None)


def test_a_dismissed_flag_stays_and_excludes_nothing(core, c, stuffed):
    poll_id, flag_id = stuffed
    (event,) = integrity.dismiss_flag(core, c.moderator, flag_id, "Known office").events
    assert event.type == "integrity_flag_dismissed"
    assert counts(core, present_view(c), poll_id) == [3, 5]
    (flag,) = [f for f in flags(core, c.moderator) if f["id"] == flag_id]
    assert (flag["state"], flag["reason"]) == ("dismissed", "Known office")


def test_newcomers_after_a_decision_raise_a_new_flag(core, c, stuffed):
    _poll_id, flag_id = stuffed
    integrity.dismiss_flag(core, c.moderator, flag_id, "Known office")
    join(c)
    (event,) = [e for e in check(core, c) if e.payload["flag"]["kind"] == "join_burst"]
    assert event.type == "integrity_flag_raised" and event.payload["flag"]["id"] != flag_id
    assert event.payload["flag"]["evidence"]["count"] == 1


def test_excluded_upvotes_leave_the_counts(core, c):
    author = join(c, HOME)
    question_id = asks.ask(core, author, "Who pays?", None, False).reply["question"]["id"]
    questions.approve(core, c.moderator, question_id)
    for n in range(4):
        votes.vote(core, join(c, address=f"{n:032d}"), question_id)
    check(core, c)
    (flag,) = flags(core, c.moderator)
    assert questions.vote_counts(core, c.moderator)[str(question_id)] == 4
    integrity.exclude_flagged(core, c.moderator, flag["id"], "Coordinated")
    assert questions.vote_counts(core, c.moderator)[str(question_id)] == 0
    assert questions.vote_counts(core, author)[str(question_id)] == 0


# ------------------------------------------------------------ reports and retention


def report(core, c, audience):
    return written(core, c.id, "markdown", audience).decode()


def written(core, consultation_id, fmt, audience="full"):
    chosen = exports.FORMATS[fmt]
    return b"".join(exports.stream(core, consultation_id, chosen, Audience(audience)))


def test_every_report_says_what_was_excluded_and_why(core, c, stuffed):
    _poll_id, flag_id = stuffed
    integrity.exclude_flagged(core, c.moderator, flag_id, "One laptop, five names")
    for audience in ("shareable", "full"):
        text = report(core, c, audience)
        part = text[text.index("## Integrity") :]
        assert "**Ballots excluded from the results:** 5" in part
        assert "One laptop, five names" in part
    full = report(core, c, "full")
    part = full[full.index("## Integrity") :]
    assert "Many joins from one address" in part and "Excluded from the results" in part
    shareable = report(core, c, "shareable")
    assert "Many joins from one address" not in shareable[shareable.index("## Integrity") :]


def test_the_archive_keeps_flags_and_what_they_exclude(core, c, stuffed):
    _poll_id, flag_id = stuffed
    integrity.exclude_flagged(core, c.moderator, flag_id, "One laptop, five names")
    original = written(core, c.id, "json")
    tables = json.loads(original)["tables"]["integrity_flags"]
    assert {flag["state"] for flag in tables} >= {"excluded"}
    restored = restore(core, original).consultation_id
    assert written(core, restored, "json") == original
    for audience in ("full", "shareable"):
        assert written(core, restored, "markdown", audience) == written(
            core, c.id, "markdown", audience
        )


def test_retention_erases_the_address_hash(core, clock, c):
    person = join(c)
    with core.store.transaction() as tx:
        row = tx.get_one(Participant, person.participant_id)
        assert row.address_hash == OFFICE
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    agenda.end_consultation(core, c.moderator)
    clock.advance(31 * 24 * 3600)
    retention.erase_due(core)
    with core.store.reading() as tx:
        hashes = tx.scalars(
            select(Participant.address_hash).where(Participant.consultation_id == c.id)
        )
        assert set(hashes) == {None}


# ------------------------------------------------------------ the server's clock, settings


def test_the_clock_checks_every_consultation_people_joined_lately(core, clock, c, monkeypatch):
    monkeypatch.setenv("INTEGRITY_JOIN_BURST", "5")
    for _ in range(5):
        join(c)
    join(c, HOME)  # a moment later: the burst is still within the clock's look back
    clock.advance(60)

    def ours(events):  # PostgreSQL's database is shared by the run's tests
        return [event for event in events if event.consultation_id == c.id]

    (event,) = ours(integrity.check_due(core))
    assert event.type == "integrity_flag_raised"
    clock.advance(31 * 60)  # no one joined lately: the consultation is not read
    assert ours(integrity.check_due(core)) == []


def test_the_clocks_check_gives_way_to_other_work_after_each_signals_reads(core, c):
    """On SQLite a query holds the worker's one thread: the five signals' reads in a
    row held it 30–55 ms in a vote's burst, while a moderator's action waited."""
    join(c)
    gave_way = []
    integrity.check_due(core, give_way=lambda: gave_way.append(len(gave_way)))
    assert len(gave_way) >= 5  # five for c; more if PostgreSQL's shared database has others
    assert len(gave_way) % 5 == 0


def test_thresholds_come_from_the_environment_and_0_turns_a_signal_off():
    read = Thresholds.from_env(
        {"INTEGRITY_JOIN_BURST": "0", "INTEGRITY_LATE_SHARE": "0.8", "INTEGRITY_NEW_MINUTES": "x"}
    )
    assert (read.join_burst, read.late_share, read.new_minutes) == (0, 0.8, 10)
    assert Thresholds.from_env({}) == Thresholds()
