"""Coalesced tallies: each topic goes out at most once per its own interval."""

from dataclasses import replace

import pytest

from server import bootstrap
from server.app import create_app
from server.core import tallies
from server.core.features import Feature, Topic


def core_of(app, **settings):
    """The runtime of a new application on `app`'s database, with some settings changed."""
    return create_app(replace(app.config["BARAZA"], **settings)).extensions["baraza"]


def render_slow_count(_core, _consultation_id, keys):
    return [tallies.Push(("attendee",), "slow-count", sorted(keys))]


SLOW = Feature("slow", topics={"slow-count": Topic(render_slow_count, every=1.0)})


@pytest.fixture
def slow_count(monkeypatch):
    """`pushed = slow_count(*cores)`: from then on, the cores are wired with a topic pushed
    at most once a second too; `pushed` holds the (consultation, keys) of each push."""
    pushed = []
    monkeypatch.setattr(
        tallies.emitter, "push_state", lambda cid, _roles, name, data: pushed.append((cid, data))
    )

    def install(*cores):
        for core in cores:
            core.wiring = bootstrap.wire((*bootstrap.FEATURES, SLOW))
        return pushed

    return install


def test_a_topic_waits_its_interval_between_pushes_and_loses_no_change(app, slow_count):
    core = app.extensions["baraza"]
    pushed = slow_count(core)
    core.tallies.mark(7, "slow-count", "a")
    assert tallies.flush(core, tick=400) == 1  # every 1 s = every 4th quarter-second tick
    core.tallies.mark(7, "slow-count", "b")
    assert tallies.flush(core, tick=402) == 0
    core.tallies.mark(7, "slow-count", "c")
    assert tallies.flush(core, tick=404) == 1
    assert pushed == [(7, ["a"]), (7, ["b", "c"])]


def test_a_topic_keeps_its_interval_whatever_the_tally_interval_setting(app, slow_count):
    core = core_of(app, tally_interval=0.5)
    pushed = slow_count(core)
    core.tallies.mark(7, "slow-count", "a")
    assert tallies.flush(core, tick=200) == 1  # every 1 s = every 2nd half-second tick
    core.tallies.mark(7, "slow-count", "b")
    assert tallies.flush(core, tick=201) == 0
    assert tallies.flush(core, tick=202) == 1
    assert pushed == [(7, ["a"]), (7, ["b"])]


def test_each_application_keeps_its_own_dirty_tallies(app, slow_count):
    first, second = core_of(app), core_of(app)
    slow_count(first, second)
    first.tallies.mark(7, "slow-count", "a")
    assert tallies.flush(second, tick=400) == 0
    assert tallies.flush(first, tick=400) == 1
