"""Running the agenda: every change is one transaction that logs its events."""

import pytest
from sqlalchemy import func, select

from server.core.errors import DomainError
from server.core.models import Event
from server.features.agenda import service as agenda
from server.features.consultations.snapshots import snapshot


def _seqs(core, consultation_id):
    with core.store.reading() as tx:
        return tx.scalars(
            select(Event.seq).where(Event.consultation_id == consultation_id).order_by(Event.seq)
        ).all()


def test_starting_an_item_makes_the_consultation_live(create_consultation, core):
    c = create_consultation()
    first = c.item_ids()[0]
    events = agenda.start_item(core, c.moderator, first).events
    assert [e.type for e in events] == ["consultation_started", "item_started"]
    snap = snapshot(core, c.moderator)
    assert snap["consultation"]["state"] == "live"
    assert snap["agenda"]["active_item_id"] == first


def test_the_next_item_ends_the_current_one_and_records_its_minutes(
    create_consultation, core, clock
):
    c = create_consultation()
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    clock.advance(6 * 60)
    events = agenda.next_item(core, c.moderator).events
    assert [e.type for e in events] == ["item_ended", "item_started"]
    ended = events[0].payload
    assert (ended["elapsed"], ended["overrun"]) == (360, 60)
    assert events[1].payload["id"] == c.item_ids()[1]


def test_going_back_resumes_the_item_with_its_time_so_far(create_consultation, core, clock):
    c = create_consultation()
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    clock.advance(120)
    agenda.next_item(core, c.moderator)
    clock.advance(60)
    agenda.previous_item(core, c.moderator)
    clock.advance(30)
    items = snapshot(core, c.moderator)["agenda"]["items"]
    assert items[0]["state"] == "active"
    assert items[0]["elapsed"] == 150
    assert items[1]["elapsed"] == 60


def test_every_viewer_gets_the_same_clock_from_the_server(create_consultation, core, clock):
    c = create_consultation()
    attendee = c.join(display_name="Amina")
    agenda.start_item(core, c.moderator, c.item_ids()[1])
    clock.advance(95)
    theirs = snapshot(core, attendee)["agenda"]
    ours = snapshot(core, c.moderator)["agenda"]
    assert theirs == ours
    active = next(i for i in theirs["items"] if i["state"] == "active")
    assert (active["elapsed"], active["remaining"]) == (95, 15 * 60 - 95)


def test_extending_adds_minutes_and_moves_the_projected_end(create_consultation, core, clock):
    c = create_consultation()
    first = c.item_ids()[0]
    agenda.start_item(core, c.moderator, first)
    before = snapshot(core, c.moderator)["agenda"]["projected_end"]
    agenda.extend_item(core, c.moderator, first, 5)
    after = snapshot(core, c.moderator)["agenda"]
    assert after["items"][0]["remaining"] == 10 * 60
    assert after["projected_end"] > before


def test_an_overrun_is_projected_against_the_planned_end(create_consultation, core, clock):
    c = create_consultation(start="2024-01-18T09:30:00")
    clock.advance(60 * 60)  # the clock starts at the scheduled time; start an hour late
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    clock.advance(5 * 60 + 60)  # then run a minute over the first item
    assert snapshot(core, c.moderator)["agenda"]["projected_overrun"] == 60 * 60 + 60


def test_reordering_moves_items_and_logs_the_new_order(create_consultation, core):
    c = create_consultation()
    ids = c.item_ids()
    new_order = [ids[2], ids[0], ids[1], ids[3]]
    agenda.reorder_items(core, c.moderator, new_order)
    assert c.item_ids() == new_order


def test_adding_an_item_appends_it_to_the_agenda(create_consultation, core):
    c = create_consultation()
    (event,) = agenda.add_item(core, c.moderator, "Open floor", 10).events
    assert c.item_ids()[-1] == event.payload["id"]
    assert event.payload["planned_minutes"] == 10


def test_ending_the_consultation_stops_the_clock_and_refuses_later_changes(
    create_consultation, core
):
    c = create_consultation()
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    events = agenda.end_consultation(core, c.moderator).events
    assert [e.type for e in events] == ["item_ended", "consultation_ended"]
    with pytest.raises(DomainError) as refused:
        agenda.next_item(core, c.moderator)
    assert refused.value.code == "consultation_ended"


def test_an_overrun_is_logged_once_when_an_item_runs_out_of_time(create_consultation, core, clock):
    c = create_consultation()
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    clock.advance(4 * 60)

    def overruns():  # the PostgreSQL database is shared with other tests' consultations
        return [e.type for e in agenda.record_overruns(core) if e.consultation_id == c.id]

    assert overruns() == []
    clock.advance(61)
    assert overruns() == ["item_overran"]
    assert overruns() == []


@pytest.mark.parametrize(
    ("command", "args", "code"),
    [
        (agenda.start_item, (999_999,), "unknown_item"),
        (agenda.start_item, ("1",), "unknown_item"),
        (agenda.extend_item, (None, 5), "unknown_item"),
        (agenda.reorder_items, ([1, 2],), "invalid_order"),
        (agenda.add_item, ("", 5), "empty_title"),
        (agenda.add_item, ("Break", 0), "invalid_minutes"),
        (agenda.previous_item, (), "no_active_item"),
    ],
)
def test_a_refused_command_writes_nothing(create_consultation, core, command, args, code):
    c = create_consultation()
    before = _seqs(core, c.id)
    with pytest.raises(DomainError) as refused:
        command(core, c.moderator, *args)
    assert refused.value.code == code
    assert _seqs(core, c.id) == before


def test_a_second_start_of_a_running_item_is_refused(create_consultation, core):
    c = create_consultation()
    first = c.item_ids()[0]
    agenda.start_item(core, c.moderator, first)
    with pytest.raises(DomainError) as refused:
        agenda.start_item(core, c.moderator, first)
    assert refused.value.code == "item_already_active"


def test_an_extension_is_bounded(create_consultation, core):
    c = create_consultation()
    with pytest.raises(DomainError) as refused:
        agenda.extend_item(core, c.moderator, c.item_ids()[0], 61)
    assert refused.value.code == "invalid_minutes"


def test_attendees_and_rapporteurs_cannot_run_the_agenda(create_consultation, core):
    c = create_consultation()
    for viewer in (c.join(), c.rapporteur()):
        with pytest.raises(DomainError) as refused:
            agenda.next_item(core, viewer)
        assert refused.value.code == "forbidden"


def test_sequence_numbers_are_gap_free_and_public_events_chain(create_consultation, core):
    c = create_consultation()
    c.join()
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    agenda.next_item(core, c.moderator)
    seqs = _seqs(core, c.id)
    assert seqs == list(range(1, len(seqs) + 1))
    with core.store.reading() as tx:
        public = tx.execute(
            select(Event.seq, Event.public_prev_seq)
            .where(Event.consultation_id == c.id, Event.visibility == "public")
            .order_by(Event.seq)
        ).all()
    assert [prev for _, prev in public] == [0] + [seq for seq, _ in public[:-1]]


def test_each_consultation_numbers_its_own_events(create_consultation, core):
    first, second = create_consultation(), create_consultation()
    agenda.start_item(core, first.moderator, first.item_ids()[0])
    with core.store.reading() as tx:
        count = tx.scalar(select(func.count()).where(Event.consultation_id == second.id))
    assert _seqs(core, second.id) == list(range(1, count + 1))


def test_a_demo_opened_long_after_its_date_is_not_reported_late(create_consultation, core, clock):
    c = create_consultation()
    clock.advance(700 * 24 * 3600)  # the 2024 demo, opened two years on
    assert snapshot(core, c.moderator)["agenda"]["projected_overrun"] == 0


def test_waiting_past_the_scheduled_start_is_projected_late(create_consultation, core, clock):
    c = create_consultation()
    clock.advance(10 * 60)
    assert snapshot(core, c.moderator)["agenda"]["projected_overrun"] == 10 * 60


@pytest.mark.parametrize("named", [True, 1.0, "1", None, 2**40])
def test_an_item_is_named_by_its_whole_number_id_alone(create_consultation, core, named):
    c = create_consultation()
    first = c.item_ids()[0]
    item_id = float(first) if named == 1.0 else named
    with pytest.raises(DomainError) as refused:
        agenda.start_item(core, c.moderator, item_id)
    assert refused.value.code == "unknown_item"


def test_an_item_is_renamed_and_retimed_live(create_consultation, core):
    c = create_consultation()
    first = c.item_ids()[0]
    agenda.start_item(core, c.moderator, first)
    (event,) = agenda.update_item(core, c.moderator, first, "Welcome and purpose", 12).events
    assert event.type == "item_updated"
    assert (event.payload["title"], event.payload["planned_minutes"]) == ("Welcome and purpose", 12)
    assert event.payload["state"] == "active"
    (renamed,) = agenda.update_item(core, c.moderator, first, "Welcome", None).events
    assert (renamed.payload["title"], renamed.payload["planned_minutes"]) == ("Welcome", 12)


@pytest.mark.parametrize(
    ("title", "minutes", "code"),
    [(None, None, "empty_change"), ("", None, "empty_title"), (None, 0, "invalid_minutes")],
)
def test_a_refused_item_change_writes_nothing(create_consultation, core, title, minutes, code):
    c = create_consultation()
    before = _seqs(core, c.id)
    with pytest.raises(DomainError) as refused:
        agenda.update_item(core, c.moderator, c.item_ids()[0], title, minutes)
    assert refused.value.code == code
    assert _seqs(core, c.id) == before
