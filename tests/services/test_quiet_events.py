"""Quiet events: in the log and every replay, never sent live, and no gap for staff."""

from datetime import UTC, datetime

import pytest

from server.core import event_log
from server.core.access import lock_consultation
from server.core.emitter import _by_audience
from server.core.events import MODERATOR, PUBLIC, STAFF, EventDraft
from server.features.consultations.snapshots import catch_up
from tests.conftest import WIRING

NOW = datetime(2024, 1, 18, 8, 45, tzinfo=UTC)


def append(core, consultation_id, *drafts):
    with core.store.transaction() as tx:
        consultation = lock_consultation(tx, consultation_id)
        return event_log.append(tx, consultation, None, drafts, NOW)


def test_staff_envelopes_skip_quiet_events_and_replays_hold_them(create_consultation, core):
    c = create_consultation()
    before = append(core, c.id, EventDraft("staff_marker", {}, STAFF))[0].seq
    loud, quiet, quiet_too, next_loud = append(
        core,
        c.id,
        EventDraft("loud_marker", {}, PUBLIC),
        EventDraft("quiet_marker", {}, STAFF, live=False),
        EventDraft("quiet_marker", {}, STAFF, live=False),
        EventDraft("loud_marker", {}, PUBLIC),
    )

    assert loud.envelope(MODERATOR, WIRING)["prev"] == before
    assert next_loud.envelope(MODERATOR, WIRING)["prev"] == loud.seq  # the quiet two are no gap
    sent = _by_audience(core, [loud, quiet, quiet_too, next_loud])[(c.id, MODERATOR)]
    assert [e["seq"] for e in sent] == [loud.seq, next_loud.seq]
    replay = catch_up(core, c.moderator, before)["events"]
    assert [e["seq"] for e in replay] == [loud.seq, quiet.seq, quiet_too.seq, next_loud.seq]


def test_only_staff_events_can_be_quiet(create_consultation, core):
    c = create_consultation()
    with pytest.raises(ValueError):
        append(core, c.id, EventDraft("loud_marker", {}, PUBLIC, live=False))
