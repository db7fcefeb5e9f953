"""Peak attendance replayed from arrivals and departures."""

from datetime import UTC, datetime, timedelta

from server.features.presence.replay import ARRIVED, LEFT, replay

T0 = datetime(2024, 1, 18, 8, 30, tzinfo=UTC)


def _person(pid, group="academia", country="NG", role="attendee"):
    return {"participant_id": pid, "role": role, "stakeholder_group": group, "country": country}


def _at(minutes):
    return T0 + timedelta(minutes=minutes)


def test_the_peak_is_the_most_attendees_connected_at_once_and_when():
    peaks = replay(
        [
            (ARRIVED, _person(1), _at(0)),
            (ARRIVED, _person(2), _at(1)),
            (LEFT, _person(1), _at(2)),
            (ARRIVED, _person(3), _at(3)),
            (ARRIVED, _person(4), _at(4)),
            (LEFT, _person(2), _at(5)),
        ]
    )
    assert (peaks.peak, peaks.peak_at) == (3, _at(4))


def test_each_group_and_country_has_its_own_peak():
    peaks = replay(
        [
            (ARRIVED, _person(1, "academia", "NG"), _at(0)),
            (ARRIVED, _person(2, "academia", "GH"), _at(1)),
            (LEFT, _person(1), _at(2)),
            (LEFT, _person(2), _at(2)),
            (ARRIVED, _person(3, "government", "NG"), _at(3)),
            (ARRIVED, _person(4, "government", "NG"), _at(3)),
            (ARRIVED, _person(5, "government", "KE"), _at(3)),
        ]
    )
    assert peaks.peak == 3
    assert dict(peaks.peak_by_group) == {"academia": 2, "government": 3}
    assert dict(peaks.peak_by_country) == {"NG": 2, "GH": 1, "KE": 1}


def test_a_second_arrival_without_a_departure_counts_once():
    # After a server restart connections are forgotten without a logged departure.
    peaks = replay([(ARRIVED, _person(1), _at(0)), (ARRIVED, _person(1), _at(5))])
    assert peaks.peak == 1 and len(peaks.present) == 1


def test_staff_and_strangers_are_not_attendance():
    peaks = replay(
        [
            (ARRIVED, _person(1, role="moderator"), _at(0)),
            (ARRIVED, _person(2, role="rapporteur"), _at(0)),
            (LEFT, _person(3), _at(1)),
            ("item_started", {"id": 1}, _at(1)),
        ]
    )
    assert peaks.peak == 0 and peaks.peak_at is None
