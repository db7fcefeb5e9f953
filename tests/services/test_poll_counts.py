"""A poll's tallies are kept in the application's counts (`core.tallies.counts`): a
reconnect storm re-reads no ballots, and each application keeps its own."""

from server.core.runtime import Core
from server.features.consultations.snapshots import snapshot
from server.features.polls import ballots
from server.features.polls import service as polls
from tests.services.test_polls import CHOICES


def counting(monkeypatch):
    """The polls counted from their ballots, one entry per count."""
    counted = []
    count = polls._count

    def spy(tx, poll):
        counted.append(poll.id)
        return count(tx, poll)

    monkeypatch.setattr(polls, "_count", spy)
    return counted


def test_snapshots_count_a_poll_once_per_revision_in_their_own_application(
    create_consultation, core, monkeypatch
):
    c = create_consultation()
    poll_id = polls.create_poll(core, c.moderator, {**CHOICES, "open": True}).reply["poll_id"]
    amina = c.join(display_name="Amina")
    counted = counting(monkeypatch)

    for _ in range(3):
        assert snapshot(core, c.moderator)["polls"]["results"][str(poll_id)]["voters"] == 0
    assert counted == [poll_id]

    ballots.cast_ballot(core, amina, poll_id, 0)  # a new revision: counted again, once
    counted.clear()
    for _ in range(3):
        assert snapshot(core, c.moderator)["polls"]["results"][str(poll_id)]["voters"] == 1
    assert counted == [poll_id]

    counted.clear()
    other = Core(core.store, core.clock, wiring=core.wiring)  # another application
    assert snapshot(other, c.moderator)["polls"]["results"][str(poll_id)]["voters"] == 1
    assert counted == [poll_id]
    assert other.tallies.counts is not core.tallies.counts
