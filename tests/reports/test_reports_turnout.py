"""Turnout counts attendees: moderators and rapporteurs connected are not people who could vote."""

import uuid

from sqlalchemy import select

from server.core.models import Event
from server.features.consultations.snapshots import snapshot
from server.features.polls import ballots
from server.features.polls import service as polls
from server.features.presence import service as presence
from tests.reports.reading import csv_files, markdown_of

CHOICES = {"type": "single", "question": "Ratify the Convention?", "options": ["Yes", "No"]}


def _arrive(core, viewer):
    presence.arrive(core, viewer, f"sid-{uuid.uuid4().hex}", "test-worker")


def _poll_with_staff_present(core, c):
    """Three attendees and two staff connected; two attendees vote."""
    poll_id = polls.create_poll(core, c.moderator, {**CHOICES, "open": True}).reply["poll_id"]
    people = [c.join() for _ in range(3)]
    for viewer in (c.moderator, c.rapporteur(), *people):
        _arrive(core, viewer)
    ballots.cast_ballot(core, people[0], poll_id, 0)
    ballots.cast_ballot(core, people[1], poll_id, 1)
    return poll_id


def test_live_turnout_counts_connected_attendees_not_staff(create_consultation, core):
    c = create_consultation()
    poll_id = _poll_with_staff_present(core, c)
    live = snapshot(core, c.moderator)["polls"]["results"][str(poll_id)]
    assert (live["voters"], live["present"], live["turnout"]) == (2, 3, 0.667)
    (pushed,) = polls.current_results(core, c.id, [poll_id])
    assert pushed.staff["present"] == 3


def test_a_closed_poll_logs_and_reports_attendees_present(create_consultation, core, download):
    c = create_consultation()
    poll_id = _poll_with_staff_present(core, c)
    polls.close_poll(core, c.moderator, poll_id)
    with core.store.reading() as tx:
        closed = tx.scalars(
            select(Event.payload).where(Event.consultation_id == c.id, Event.type == "poll_closed")
        ).one()
    assert closed["results"]["present"] == 3
    for audience in ("shareable", "full"):
        assert "2 of 3 connected at closing (67%)" in markdown_of(download, c.id, audience)
    (row,) = csv_files(download(c.id, "csv"))["polls.csv"][:1]
    assert row["present_at_close"] == "3"


def test_reports_count_attendees_even_when_the_log_counted_staff(
    create_consultation, core, download
):
    """A poll closed before this rule logged everyone connected: reports replay the arrivals."""
    c = create_consultation()
    poll_id = _poll_with_staff_present(core, c)
    polls.close_poll(core, c.moderator, poll_id)
    with core.store.transaction() as tx:
        event = tx.scalars(
            select(Event).where(Event.consultation_id == c.id, Event.type == "poll_closed")
        ).one()
        event.payload = {**event.payload, "results": {**event.payload["results"], "present": 5}}
    assert "2 of 3 connected at closing (67%)" in markdown_of(download, c.id, "full")
