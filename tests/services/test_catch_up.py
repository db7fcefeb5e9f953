"""The catch-up after a reconnect: the events a client missed when they are few, a fresh
snapshot when they are many. "Many" counts what the client would be sent: an attendee
back from a short drop during a vote is replayed the vote's few public events, not sent
a snapshot because of the ballots (staff-only events) logged meanwhile."""

from datetime import UTC, datetime

from server.core import event_log
from server.core.access import lock_consultation
from server.core.events import PUBLIC, STAFF, EventDraft
from server.features.consultations.snapshots import (
    REPLAY_LIMIT,
    SCAN_LIMIT,
    catch_up,
    snapshot,
)

NOW = datetime(2024, 1, 18, 8, 45, tzinfo=UTC)


def log(core, consultation_id, visibility, count, *, live=True):
    drafts = [EventDraft(f"{visibility}_marker", {}, visibility, live=live)] * count
    with core.store.transaction() as tx:
        consultation = lock_consultation(tx, consultation_id)
        return event_log.append(tx, consultation, None, drafts, NOW)


def test_an_attendee_back_during_a_ballot_burst_is_replayed_its_public_events_only(
    create_consultation, core
):
    c = create_consultation()
    attendee = c.join()
    since = snapshot(core, attendee)["seq"]
    log(core, c.id, STAFF, REPLAY_LIMIT + 100, live=False)  # the ballots, quiet
    (closed,) = log(core, c.id, PUBLIC, 1)

    caught = catch_up(core, attendee, since)

    assert "snapshot" not in caught
    assert [e["seq"] for e in caught["events"]] == [closed.seq]
    assert caught["seq"] == closed.seq


def test_an_attendee_with_nothing_public_missed_is_told_so_in_an_empty_replay(
    create_consultation, core
):
    c = create_consultation()
    attendee = c.join()
    since = snapshot(core, attendee)["seq"]
    last = log(core, c.id, STAFF, REPLAY_LIMIT + 1)[-1]

    assert catch_up(core, attendee, since) == {
        "seq": last.seq,
        "server_time": core.now().isoformat(),
        "events": [],
    }


def test_an_attendee_more_than_the_limit_of_public_events_behind_gets_a_snapshot(
    create_consultation, core
):
    c = create_consultation()
    attendee = c.join()
    since = snapshot(core, attendee)["seq"]
    log(core, c.id, PUBLIC, REPLAY_LIMIT)
    assert len(catch_up(core, attendee, since)["events"]) == REPLAY_LIMIT

    log(core, c.id, PUBLIC, 1)
    assert "snapshot" in catch_up(core, attendee, since)


def test_an_attendee_further_behind_than_the_log_is_looked_through_gets_a_snapshot(
    create_consultation, core
):
    c = create_consultation()
    attendee = c.join()
    since = snapshot(core, attendee)["seq"]
    log(core, c.id, STAFF, SCAN_LIMIT + 1, live=False)

    assert "snapshot" in catch_up(core, attendee, since)


def test_staff_see_every_event_so_every_event_counts_toward_their_limit(create_consultation, core):
    c = create_consultation()
    since = snapshot(core, c.moderator)["seq"]
    log(core, c.id, STAFF, REPLAY_LIMIT)
    assert len(catch_up(core, c.moderator, since)["events"]) == REPLAY_LIMIT

    log(core, c.id, STAFF, 1)
    assert "snapshot" in catch_up(core, c.moderator, since)


def test_a_client_claiming_a_seq_the_log_has_not_reached_gets_a_snapshot(create_consultation, core):
    c = create_consultation()
    attendee = c.join()
    ahead = snapshot(core, attendee)["seq"] + 1

    assert "snapshot" in catch_up(core, attendee, ahead)
    assert "snapshot" in catch_up(core, c.moderator, ahead)
