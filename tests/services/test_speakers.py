"""The speakers' queue on SQLite and PostgreSQL: each command one transaction, each
refusal its own code, the floor held by one person at a time."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.core.errors import DomainError
from server.core.models import Event
from server.features.agenda import service as agenda
from server.features.consultations import service as consultations
from server.features.consultations.snapshots import snapshot
from server.features.speakers import service as speakers
from server.features.speakers.models import SpeakerHand
from tests.conftest import WIRING
from tests.threads import together


def _seqs(core, consultation_id):
    with core.store.reading() as tx:
        return tx.scalars(
            select(Event.seq).where(Event.consultation_id == consultation_id).order_by(Event.seq)
        ).all()


def _refused(code, command, *args):
    with pytest.raises(DomainError) as refused:
        command(*args)
    assert refused.value.code == code


@pytest.fixture
def meeting(create_consultation, core):
    """A live consultation on its first item, and a way to seat people in it."""
    c = create_consultation()
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    return c


def person(c, name, group="other", country=""):
    return c.join(display_name=name, stakeholder_group=group, country=country)


def raise_(core, viewer, item_id=None, topic=None):
    (event,) = speakers.raise_hand(core, viewer, item_id, topic).events
    return event.payload["id"]


def queue(core, viewer, item_id):
    part = snapshot(core, viewer)["speakers"]
    return next((q for q in part["queues"] if q["item_id"] == item_id), None)


def names_in_queue(core, c, item_id):
    return [h["display_name"] for h in queue(core, c.moderator, item_id)["hands"]]


def test_a_raised_hand_shows_the_chair_who_what_and_whether_they_spoke_before(meeting, core):
    c = meeting
    amina = person(c, "Amina", "civil_society", "KE")
    (event,) = speakers.raise_hand(core, amina, None, "Data retention").events
    assert event.type == "hand_raised" and event.visibility == "staff"
    first = c.item_ids()[0]
    (hand,) = queue(core, c.moderator, first)["hands"]
    assert {k: hand[k] for k in ("display_name", "stakeholder_group", "country", "topic")} == {
        "display_name": "Amina",
        "stakeholder_group": "civil_society",
        "country": "KE",
        "topic": "Data retention",
    }
    assert (hand["state"], hand["spoken_before"]) == ("waiting", False)


def test_attendees_see_how_many_wait_and_their_own_place_but_no_names(meeting, core):
    c = meeting
    first = c.item_ids()[0]
    amina, kofi = person(c, "Amina"), person(c, "Kofi")
    raise_(core, amina, topic="Mine only")
    mine = raise_(core, kofi)
    theirs = snapshot(core, kofi)["speakers"]
    entry = queue(core, kofi, first)
    assert entry["waiting"] == 2 and "hands" not in entry
    assert entry["hand_ids"].index(mine) + 1 == 2
    assert [h["id"] for h in theirs["mine"]] == [mine]
    assert "Amina" not in str(theirs) and "Mine only" not in str(theirs)
    assert "record" not in theirs


def test_raising_a_hand_twice_on_an_item_is_refused_and_writes_nothing(meeting, core):
    c = meeting
    amina = person(c, "Amina")
    raise_(core, amina)
    before = _seqs(core, c.id)
    _refused("already_in_queue", speakers.raise_hand, core, amina, None, "again")
    assert _seqs(core, c.id) == before
    assert queue(core, c.moderator, c.item_ids()[0])["waiting"] == 1


def test_a_hand_can_be_raised_for_another_item_than_the_running_one(meeting, core):
    c = meeting
    amina = person(c, "Amina")
    later = c.item_ids()[2]
    raise_(core, amina)
    raise_(core, amina, later, "On the convention")
    assert queue(core, c.moderator, later)["hands"][0]["topic"] == "On the convention"


def test_with_no_item_running_the_item_must_be_named(create_consultation, core):
    c = create_consultation()
    amina = person(c, "Amina")
    _refused("no_active_item", speakers.raise_hand, core, amina, None, None)
    raise_(core, amina, c.item_ids()[1])


@pytest.mark.parametrize(
    ("item_id", "topic", "code"),
    [
        (999_999, None, "unknown_item"),
        ("1", None, "unknown_item"),
        (True, None, "unknown_item"),
        (None, "x" * 121, "topic_too_long"),
        (None, 42, "invalid_topic"),
    ],
)
def test_a_bad_hand_is_refused_with_its_own_code(meeting, core, item_id, topic, code):
    c = meeting
    amina = person(c, "Amina")
    before = _seqs(core, c.id)
    _refused(code, speakers.raise_hand, core, amina, item_id, topic)
    assert _seqs(core, c.id) == before


def test_only_attendees_raise_hands_and_only_the_chair_runs_the_floor(meeting, core):
    c = meeting
    amina = person(c, "Amina")
    hand = raise_(core, amina)
    _refused("forbidden", speakers.raise_hand, core, c.moderator, None, None)
    _refused("forbidden", speakers.raise_hand, core, c.rapporteur(), None, None)
    for command, args in [
        (speakers.give_floor, ()),
        (speakers.remove_hand, (hand,)),
        (speakers.put_back, (hand,)),
        (speakers.close_list, (None,)),
        (speakers.set_ordering, ("balanced",)),
        (speakers.set_time_limit, (60,)),
        (speakers.extend_turn, (30,)),
    ]:
        _refused("forbidden", command, core, amina, *args)
        _refused("forbidden", command, core, c.rapporteur(), *args)


def test_withdrawing_takes_only_ones_own_waiting_hand(meeting, core):
    c = meeting
    amina, kofi = person(c, "Amina"), person(c, "Kofi")
    hand = raise_(core, amina)
    _refused("not_your_hand", speakers.withdraw_hand, core, kofi, hand)
    _refused("unknown_hand", speakers.withdraw_hand, core, amina, 999_999)
    (event,) = speakers.withdraw_hand(core, amina, hand).events
    assert event.type == "hand_withdrawn"
    assert queue(core, c.moderator, c.item_ids()[0]) is None
    _refused("not_in_queue", speakers.withdraw_hand, core, amina, hand)


def test_a_hand_from_another_consultation_is_unknown_here(meeting, core, create_consultation):
    other = create_consultation()
    agenda.start_item(core, other.moderator, other.item_ids()[0])
    elsewhere = raise_(core, person(other, "Zanele"))
    _refused("unknown_hand", speakers.give_floor, core, meeting.moderator, elsewhere)


def test_the_chair_gives_the_floor_to_the_next_in_the_queue(meeting, core, clock):
    c = meeting
    amina, kofi = person(c, "Amina", "academia"), person(c, "Kofi")
    raise_(core, amina, topic="Capacity")
    clock.advance(5)
    raise_(core, kofi)
    (event,) = speakers.give_floor(core, c.moderator).events
    assert event.type == "floor_given" and event.visibility == "public"
    turn = event.payload
    assert (turn["display_name"], turn["stakeholder_group"]) == ("Amina", "academia")
    assert (turn["started_at"], turn["limit_seconds"], turn["remaining"]) == (
        clock().isoformat(),
        180,
        180,
    )
    public = event.envelope("attendee", WIRING)["data"]
    assert "topic" not in public and "participant_id" not in public
    assert snapshot(core, kofi)["speakers"]["floor"]["display_name"] == "Amina"
    assert names_in_queue(core, c, c.item_ids()[0]) == ["Kofi"]


def test_the_chair_can_give_the_floor_to_anyone_waiting(meeting, core):
    c = meeting
    amina, kofi = person(c, "Amina"), person(c, "Kofi")
    raise_(core, amina)
    kofis = raise_(core, kofi)
    (event,) = speakers.give_floor(core, c.moderator, kofis).events
    assert event.payload["display_name"] == "Kofi"


def test_the_floor_is_not_given_twice(meeting, core):
    c = meeting
    amina, kofi = person(c, "Amina"), person(c, "Kofi")
    raise_(core, amina)
    raise_(core, kofi)
    speakers.give_floor(core, c.moderator)
    before = _seqs(core, c.id)
    _refused("floor_taken", speakers.give_floor, core, c.moderator)
    _refused("floor_taken", speakers.give_floor, core, c.moderator, None, None, 999_999)
    assert _seqs(core, c.id) == before


def test_next_speaker_ends_the_turn_the_chair_saw_then_gives_the_floor(meeting, core, clock):
    c = meeting
    amina, kofi = person(c, "Amina"), person(c, "Kofi")
    first = raise_(core, amina)
    raise_(core, kofi)
    speakers.give_floor(core, c.moderator)
    clock.advance(75)
    ended, given = speakers.give_floor(core, c.moderator, None, None, first).events
    assert (ended.type, ended.payload["duration"], ended.payload["ended_by"]) == (
        "turn_ended",
        75,
        "chair",
    )
    assert given.payload["display_name"] == "Kofi"


def test_the_floor_goes_only_to_someone_waiting(meeting, core):
    c = meeting
    amina = person(c, "Amina")
    hand = raise_(core, amina)
    speakers.withdraw_hand(core, amina, hand)
    _refused("not_in_queue", speakers.give_floor, core, c.moderator, hand)
    _refused("queue_empty", speakers.give_floor, core, c.moderator)
    _refused("unknown_hand", speakers.give_floor, core, c.moderator, "1")


def test_a_turn_ends_with_its_duration_and_the_speaker_may_yield(meeting, core, clock):
    c = meeting
    amina, kofi = person(c, "Amina"), person(c, "Kofi")
    hand = raise_(core, amina)
    _refused("no_speaker", speakers.end_turn, core, c.moderator)
    speakers.give_floor(core, c.moderator)
    clock.advance(42)
    _refused("not_your_hand", speakers.end_turn, core, kofi)
    _refused("not_speaking", speakers.end_turn, core, c.moderator, hand + 1)
    (event,) = speakers.end_turn(core, amina).events
    assert event.visibility == "public"
    assert {k: event.payload[k] for k in ("display_name", "duration", "ended_by")} == {
        "display_name": "Amina",
        "duration": 42,
        "ended_by": "speaker",
    }
    assert snapshot(core, c.moderator)["speakers"]["floor"] is None


def test_the_speaking_clock_is_extended_and_its_overrun_logged_once(meeting, core, clock):
    c = meeting
    raise_(core, person(c, "Amina"))
    speakers.give_floor(core, c.moderator)

    def overruns():  # the PostgreSQL database is shared with other tests' consultations
        return [e for e in speakers.record_overruns(core) if e.consultation_id == c.id]

    clock.advance(170)
    (extended,) = speakers.extend_turn(core, c.moderator, 30).events
    assert (extended.payload["remaining"], extended.payload["seconds"]) == (40, 30)
    clock.advance(39)
    assert overruns() == []
    clock.advance(1)
    (overran,) = overruns()
    assert overran.type == "turn_overran" and overran.actor_role == "system"
    assert overran.payload["display_name"] == "Amina"
    clock.advance(25)
    assert overruns() == []
    floor = snapshot(core, c.moderator)["speakers"]["floor"]
    assert (floor["remaining"], floor["overrun"]) == (-25, 25)


def test_an_extension_needs_a_speaker_and_a_sensible_length(meeting, core):
    c = meeting
    _refused("no_speaker", speakers.extend_turn, core, c.moderator, 30)
    raise_(core, person(c, "Amina"))
    speakers.give_floor(core, c.moderator)
    for bad in (0, 601, "30", True):
        _refused("invalid_seconds", speakers.extend_turn, core, c.moderator, bad)


def test_put_back_returns_a_speaker_to_their_place_without_counting_the_turn(meeting, core, clock):
    c = meeting
    amina, kofi = person(c, "Amina"), person(c, "Kofi")
    first = raise_(core, amina)
    clock.advance(5)
    raise_(core, kofi)
    speakers.give_floor(core, c.moderator)
    clock.advance(10)
    cancelled, back = speakers.put_back(core, c.moderator, first).events
    assert (cancelled.type, cancelled.visibility) == ("turn_cancelled", "public")
    assert back.type == "hand_put_back" and back.payload["spoken_before"] is False
    assert names_in_queue(core, c, c.item_ids()[0]) == ["Amina", "Kofi"]
    assert snapshot(core, c.moderator)["speakers"]["floor"] is None
    with core.store.reading() as tx:
        assert speakers.speaking_totals(tx, c.id, clock())["turns"] == 0


def test_put_back_restores_a_removed_hand_but_not_a_finished_turn(meeting, core):
    c = meeting
    amina, kofi = person(c, "Amina"), person(c, "Kofi")
    removed = raise_(core, amina)
    spoke = raise_(core, kofi)
    (event,) = speakers.remove_hand(core, c.moderator, removed).events
    assert event.type == "hand_removed"
    _refused("not_in_queue", speakers.remove_hand, core, c.moderator, removed)
    speakers.put_back(core, c.moderator, removed)
    _refused("already_in_queue", speakers.put_back, core, c.moderator, removed)
    speakers.give_floor(core, c.moderator, spoke)
    speakers.end_turn(core, c.moderator)
    _refused("already_spoke", speakers.put_back, core, c.moderator, spoke)


def test_put_back_is_refused_when_the_person_has_asked_again(meeting, core):
    c = meeting
    amina = person(c, "Amina")
    first = raise_(core, amina)
    speakers.withdraw_hand(core, amina, first)
    raise_(core, amina)
    _refused("already_in_queue", speakers.put_back, core, c.moderator, first)


def test_a_closed_list_takes_no_new_hands_but_keeps_those_waiting(meeting, core):
    c = meeting
    amina, kofi = person(c, "Amina"), person(c, "Kofi")
    raise_(core, amina)
    first = c.item_ids()[0]
    (closed,) = speakers.close_list(core, c.moderator, None).events
    assert (closed.type, closed.payload, closed.visibility) == (
        "speakers_list_closed",
        {"item_id": first},
        "public",
    )
    assert snapshot(core, kofi)["speakers"]["list_open"] is False
    _refused("list_closed", speakers.raise_hand, core, kofi, None, None)
    _refused("list_already_closed", speakers.close_list, core, c.moderator, first)
    raise_(core, kofi, c.item_ids()[1])  # other items' lists stay open
    speakers.give_floor(core, c.moderator)
    speakers.reopen_list(core, c.moderator, first)
    _refused("list_already_open", speakers.reopen_list, core, c.moderator, first)
    raise_(core, kofi)
    assert snapshot(core, kofi)["speakers"]["list_open"] is True


def test_switching_the_ordering_reorders_the_queue_and_says_so(meeting, core, clock):
    c = meeting
    first = c.item_ids()[0]
    gov1, gov2 = person(c, "Gov one", "government"), person(c, "Gov two", "government")
    civ = person(c, "Civ", "civil_society")
    for viewer in (gov1, gov2, civ):
        raise_(core, viewer, first)
        clock.advance(1)
    speakers.give_floor(core, c.moderator)  # Gov one speaks
    assert names_in_queue(core, c, first) == ["Gov two", "Civ"]
    (event,) = speakers.set_ordering(core, c.moderator, "balanced").events
    assert (event.type, event.payload, event.visibility) == (
        "speakers_ordering_changed",
        {"ordering": "balanced"},
        "public",
    )
    assert names_in_queue(core, c, first) == ["Civ", "Gov two"]
    assert snapshot(core, civ)["speakers"]["ordering"] == "balanced"
    assert speakers.set_ordering(core, c.moderator, "balanced").events == []
    _refused("unknown_ordering", speakers.set_ordering, core, c.moderator, "loudest")


def test_first_time_speakers_go_ahead_of_those_who_spoke_on_earlier_items(meeting, core, clock):
    c = meeting
    first, second = c.item_ids()[:2]
    amina, kofi = person(c, "Amina"), person(c, "Kofi")
    raise_(core, amina, first)
    speakers.give_floor(core, c.moderator)
    speakers.end_turn(core, c.moderator)
    raise_(core, amina, second)
    clock.advance(1)
    raise_(core, kofi, second)
    speakers.set_ordering(core, c.moderator, "first_time")
    (waiting_first, waiting_second) = queue(core, c.moderator, second)["hands"]
    assert (waiting_first["display_name"], waiting_first["spoken_before"]) == ("Kofi", False)
    assert (waiting_second["display_name"], waiting_second["turns"]) == ("Amina", 1)


def test_the_time_limit_is_set_per_consultation_and_per_item(meeting, core):
    c = meeting
    first, second = c.item_ids()[:2]
    speakers.set_time_limit(core, c.moderator, 120)
    (event,) = speakers.set_time_limit(core, c.moderator, 300, second).events
    assert (event.type, event.payload) == ("speaking_time_set", {"item_id": second, "seconds": 300})
    part = snapshot(core, c.moderator)["speakers"]
    assert (part["time_limit_seconds"], part["item_time_limits"]) == (120, {str(second): 300})
    raise_(core, person(c, "Amina"), first)
    raise_(core, person(c, "Kofi"), second)
    (on_first,) = speakers.give_floor(core, c.moderator, None, first).events
    assert on_first.payload["limit_seconds"] == 120
    speakers.set_time_limit(core, c.moderator, 60)  # the running clock keeps its limit
    assert snapshot(core, c.moderator)["speakers"]["floor"]["limit_seconds"] == 120
    speakers.end_turn(core, c.moderator)
    (on_second,) = speakers.give_floor(core, c.moderator, None, second).events
    assert on_second.payload["limit_seconds"] == 300
    speakers.set_time_limit(core, c.moderator, None, second)
    assert snapshot(core, c.moderator)["speakers"]["item_time_limits"] == {}
    _refused("invalid_seconds", speakers.set_time_limit, core, c.moderator, 5)
    _refused("invalid_seconds", speakers.set_time_limit, core, c.moderator, None)
    _refused("unknown_item", speakers.set_time_limit, core, c.moderator, 60, 999_999)


def test_the_consultation_ending_closes_the_turn_at_its_end(meeting, core, clock):
    c = meeting
    raise_(core, person(c, "Amina"))
    speakers.give_floor(core, c.moderator)
    clock.advance(50)
    agenda.end_consultation(core, c.moderator)
    _refused("consultation_ended", speakers.give_floor, core, c.moderator)
    clock.advance(300)
    ended = [e for e in speakers.record_overruns(core) if e.consultation_id == c.id]
    assert [(e.type, e.payload["duration"], e.payload["ended_by"]) for e in ended] == [
        ("turn_ended", 50, "consultation_ended")
    ]
    assert snapshot(core, c.moderator)["speakers"]["floor"] is None


def test_the_chair_may_still_close_a_turn_after_the_end(meeting, core):
    c = meeting
    raise_(core, person(c, "Amina"))
    speakers.give_floor(core, c.moderator)
    agenda.end_consultation(core, c.moderator)
    (event,) = speakers.end_turn(core, c.moderator).events
    assert event.type == "turn_ended"


def test_the_record_gives_speakers_per_item_and_totals_by_group_and_country(meeting, core, clock):
    c = meeting
    first, second = c.item_ids()[:2]
    amina = person(c, "Amina", "civil_society", "KE")
    kofi = person(c, "Kofi", "government", "GH")
    ada = person(c, "Ada", "civil_society", "NG")
    for viewer, item, seconds in [
        (amina, first, 60),
        (kofi, first, 90),
        (ada, second, 30),
        (amina, second, 45),
    ]:
        raise_(core, viewer, item)
        speakers.give_floor(core, c.moderator, None, item)
        clock.advance(seconds)
        speakers.end_turn(core, c.moderator)
    raise_(core, kofi, second)
    speakers.give_floor(core, c.moderator, None, second)  # still speaking: not yet counted
    clock.advance(20)
    with core.store.reading() as tx:
        by_item = speakers.speakers_by_item(tx, c.id, clock())
        totals = speakers.speaking_totals(tx, c.id, clock())
    assert [(i["title"], i["seconds"]) for i in by_item] == [
        ("Opening", 150),
        ("Regional issues", 75),
        ("Convention status", 0),
        ("Closing", 0),
    ]
    assert [(s["display_name"], s["duration"]) for s in by_item[0]["speakers"]] == [
        ("Amina", 60),
        ("Kofi", 90),
    ]
    assert by_item[1]["speakers"][0]["started_at"] < by_item[1]["speakers"][0]["ended_at"]
    assert totals["by_group"] == [
        {"stakeholder_group": "civil_society", "turns": 3, "seconds": 135},
        {"stakeholder_group": "government", "turns": 1, "seconds": 90},
    ]
    assert totals["by_country"] == [
        {"country": "KE", "turns": 2, "seconds": 105},
        {"country": "GH", "turns": 1, "seconds": 90},
        {"country": "NG", "turns": 1, "seconds": 30},
    ]
    assert (totals["turns"], totals["seconds"]) == (4, 225)
    staff = snapshot(core, c.rapporteur())["speakers"]["record"]
    assert staff == {"items": by_item, "totals": totals}


def at_once(*calls):
    """Run the calls from real threads released together; each gives its result or its code.

    Anything other than a refusal raised by a call fails the test.
    """
    outcomes = together(calls)
    for outcome in outcomes:
        if isinstance(outcome, Exception) and not isinstance(outcome, DomainError):
            raise outcome
    return [o.code if isinstance(o, DomainError) else o for o in outcomes]


def speaking_now(core, consultation_id):
    with core.store.reading() as tx:
        return tx.scalars(
            select(SpeakerHand.id).where(
                SpeakerHand.consultation_id == consultation_id, SpeakerHand.state == "speaking"
            )
        ).all()


def test_two_chairs_giving_the_floor_at_once_give_it_once(meeting, core):
    c = meeting
    co_chair = consultations.claim_link(core, c.moderator_link, {"display_name": "Co"}).viewer
    chairs = (c.moderator, co_chair)
    for round_ in range(4):
        for n in range(3):
            raise_(core, person(c, f"Speaker {round_}.{n}"))
        outcomes = at_once(*(lambda v=v: speakers.give_floor(core, v).events for v in chairs))
        given = [o for o in outcomes if not isinstance(o, str)]
        assert len(given) == 1 and outcomes.count("floor_taken") == 1, outcomes
        assert speaking_now(core, c.id) == [given[0][0].payload["hand_id"]]
        # Both press "next speaker" on the turn they saw: the floor moves on once.
        current = speaking_now(core, c.id)[0]
        outcomes = at_once(
            *(
                lambda v=v, h=current: speakers.give_floor(core, v, None, None, h).events
                for v in chairs
            )
        )
        assert outcomes.count("floor_taken") == 1, outcomes
        (moved,) = [o for o in outcomes if not isinstance(o, str)]
        assert [e.type for e in moved] == ["turn_ended", "floor_given"]
        assert speaking_now(core, c.id) == [moved[1].payload["hand_id"]]
        speakers.end_turn(core, c.moderator)


def test_the_database_itself_refuses_a_second_speaker(meeting, core, clock):
    c = meeting
    for name in ("Amina", "Kofi"):
        raise_(core, person(c, name))
    with pytest.raises(IntegrityError):
        with core.store.transaction() as tx:
            for hand in tx.scalars(select(SpeakerHand).where(SpeakerHand.consultation_id == c.id)):
                hand.state = "speaking"
                hand.spoke_at = clock()
                tx.flush()


def test_the_database_itself_refuses_a_second_open_hand(meeting, core, clock):
    c = meeting
    amina = person(c, "Amina")
    raise_(core, amina)
    with pytest.raises(IntegrityError):
        with core.store.transaction() as tx:
            tx.add(
                SpeakerHand(
                    consultation_id=c.id,
                    participant_id=amina.participant_id,
                    item_id=c.item_ids()[0],
                    state="waiting",
                    requested_at=clock(),
                )
            )


def test_an_agenda_file_sets_the_ordering_and_per_item_speaking_times(create_consultation, core):
    from tests.conftest import DEMO_SPEC

    agenda_items = [dict(item) for item in DEMO_SPEC["agenda"]]
    agenda_items[1]["speakers"] = {"time_limit_seconds": 240}
    c = create_consultation(
        settings={"speakers": {"ordering": "balanced", "time_limit_seconds": 120}},
        agenda=agenda_items,
    )
    part = snapshot(core, c.moderator)["speakers"]
    assert (part["ordering"], part["time_limit_seconds"], part["item_time_limits"]) == (
        "balanced",
        120,
        {str(c.item_ids()[1]): 240},
    )


def test_a_bad_speakers_setting_refuses_the_whole_agenda_file(core):
    from server.features.consultations.rules import parse_spec
    from tests.conftest import DEMO_SPEC

    spec = parse_spec({**DEMO_SPEC, "settings": {"speakers": {"ordering": "loudest"}}})
    with pytest.raises(DomainError) as refused:
        consultations.create(core, spec)
    assert refused.value.code == "unknown_ordering"


def test_a_banned_person_leaves_the_queue_and_cannot_be_given_the_floor(meeting, core, clock):
    from server.core.models import Participant

    c = meeting
    amina, kofi = person(c, "Amina"), person(c, "Kofi")
    banned = raise_(core, amina)
    raise_(core, kofi)
    with core.store.transaction() as tx:  # what a moderator's ban does to the person
        tx.get_one(Participant, amina.participant_id).banned_at = clock()
    assert names_in_queue(core, c, c.item_ids()[0]) == ["Kofi"]
    _refused("not_in_queue", speakers.give_floor, core, c.moderator, banned)
    (given,) = speakers.give_floor(core, c.moderator).events
    assert given.payload["display_name"] == "Kofi"


def test_an_id_beyond_the_databases_integers_is_simply_unknown(meeting, core):
    _refused("unknown_hand", speakers.withdraw_hand, core, person(meeting, "Amina"), 10**20)
    _refused("unknown_hand", speakers.give_floor, core, meeting.moderator, 2**31)
