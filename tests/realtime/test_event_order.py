"""An audience's events let through in the order of their log, whichever worker sent them
(realtime/event_order.py): a worker hears its own emits at once and the others' through
Redis, each held for the pacing window, so they come out of order."""

from server.realtime import event_order
from server.realtime.event_order import InOrder

ROOM = "c1:attendee"


def envelope(seq, prev):
    return {"seq": seq, "prev": prev, "type": "question_asked", "data": {}}


def seqs(envelopes):
    return [e["seq"] for e in envelopes]


def started(order):
    """A room that let through envelope 10, the first public one."""
    assert seqs(order.take(ROOM, [envelope(10, 0)], 0.0)) == [10]
    return order


def test_envelopes_in_order_go_at_once():
    order = started(InOrder())
    assert seqs(order.take(ROOM, [envelope(11, 10), envelope(12, 11)], 0.1)) == [11, 12]
    assert order.waiting(ROOM) is None


def test_two_workers_interleaved_windows_reach_the_room_in_order():
    order = started(InOrder())
    assert seqs(order.take(ROOM, [envelope(11, 10), envelope(13, 12)], 0.1)) == [11]
    assert order.waiting(ROOM) == 0.1
    assert seqs(order.take(ROOM, [envelope(12, 11), envelope(14, 13)], 0.3)) == [12, 13, 14]
    assert order.waiting(ROOM) is None


def test_attendees_envelopes_skip_the_staff_only_seqs_between_them():
    order = started(InOrder())
    assert seqs(order.take(ROOM, [envelope(15, 10)], 0.1)) == [15]


def test_an_envelope_whose_predecessor_never_comes_goes_after_the_hold():
    order = started(InOrder(hold=1.0))
    assert order.take(ROOM, [envelope(13, 12)], 0.0) == []
    assert order.take(ROOM, [envelope(14, 13)], 0.5) == []
    assert order.overdue(ROOM, 0.9) == []
    assert seqs(order.overdue(ROOM, 1.0)) == [13, 14]  # the clients see the gap and catch up
    assert seqs(order.take(ROOM, [envelope(15, 14)], 1.1)) == [15]


def test_a_gap_left_after_progress_waits_from_when_it_opened():
    order = started(InOrder(hold=1.0))
    order.take(ROOM, [envelope(12, 11), envelope(14, 13)], 0.0)
    assert seqs(order.take(ROOM, [envelope(11, 10)], 0.8)) == [11, 12]
    assert order.waiting(ROOM) == 0.8
    assert order.overdue(ROOM, 1.5) == []
    assert seqs(order.overdue(ROOM, 1.8)) == [14]


def test_what_the_room_is_past_goes_at_once_and_what_waits_is_kept_once():
    order = started(InOrder())
    order.take(ROOM, [envelope(12, 11)], 0.0)
    # A repair's replay of the latest event, and a duplicate of the one waiting.
    assert seqs(order.take(ROOM, [envelope(10, 9), envelope(12, 11)], 0.1)) == [10]
    assert seqs(order.take(ROOM, [envelope(11, 10)], 0.2)) == [11, 12]


def test_a_room_not_seen_yet_lets_the_first_of_its_kind_through_and_holds_the_rest():
    fresh, joined_late = InOrder(hold=1.0), InOrder(hold=1.0)
    assert seqs(fresh.take(ROOM, [envelope(4, 0), envelope(5, 4)], 0.0)) == [4, 5]
    # Its predecessor may have gone by before this worker heard the room: it waits once.
    assert joined_late.take(ROOM, [envelope(17, 4)], 0.0) == []
    assert seqs(joined_late.overdue(ROOM, 1.0)) == [17]
    assert seqs(joined_late.take(ROOM, [envelope(18, 17)], 1.1)) == [18]


def test_each_room_keeps_its_own_order():
    order = started(InOrder())
    assert order.take(ROOM, [envelope(12, 11)], 0.0) == []
    assert seqs(order.take("c1:moderator", [envelope(30, 0)], 0.0)) == [30]
    assert order.waiting("c1:moderator") is None


def test_past_the_rooms_a_worker_keeps_those_holding_nothing_are_forgotten(monkeypatch):
    monkeypatch.setattr(event_order, "KNOWN_ROOMS", 3)
    order = started(InOrder(hold=1.0))
    order.take("c2:attendee", [envelope(7, 6)], 0.0)  # waiting: kept
    order.take("c3:attendee", [envelope(1, 0)], 0.0)
    order.take("c4:attendee", [envelope(1, 0)], 0.0)  # the fourth: the idle ones go

    assert order.waiting("c2:attendee") == 0.0
    assert order.take(ROOM, [envelope(11, 10)], 0.1) == []  # forgotten: it waits once
    assert seqs(order.overdue(ROOM, 1.1)) == [11]
