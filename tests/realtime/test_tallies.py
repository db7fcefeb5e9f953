"""Coalesced tallies: each topic goes out at most once per its own interval."""

from dataclasses import replace

import pytest
from sqlalchemy.exc import OperationalError

from server import bootstrap
from server.app import create_app
from server.config import Config
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


def test_a_flush_gives_way_to_other_work_after_each_topics_pushes(app, slow_count):
    """A vote's flush pushes several topics to the whole room: in one run it held a
    worker 35–50 ms while a moderator's action waited."""
    core = app.extensions["baraza"]
    pushed = slow_count(core)
    core.tallies.mark(7, "slow-count", "a")
    core.tallies.mark(8, "slow-count", "b")
    pushed_before_giving_way = []
    tallies.flush(core, tick=400, give_way=lambda: pushed_before_giving_way.append(len(pushed)))
    assert pushed_before_giving_way == [1, 2]


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


def render_fast_count(_core, _consultation_id, keys):
    return [tallies.Push(("attendee",), "fast-count", sorted(keys))]


FAST = Feature("fast", topics={"fast-count": Topic(render_fast_count)})


def test_a_topic_goes_out_at_every_tick_up_to_2000_people_then_less_often():
    """One topic sends a room at most 8,000 messages a second by default: each push
    reaches everyone connected."""
    every_tick = tallies.Tallies(interval=0.25)

    def pushed_on(room):
        return [tick for tick in range(12) if every_tick.due(0.0, tick, room)]

    assert pushed_on(0) == pushed_on(2_000) == list(range(12))
    assert pushed_on(2_001) == [0, 2, 4, 6, 8, 10]
    assert pushed_on(5_000) == [0, 3, 6, 9]
    assert pushed_on(20_000) == [0, 10]
    assert [tick for tick in range(12) if every_tick.due(1.0, tick, 5_000)] == [0, 4, 8]


def test_a_big_room_is_pushed_less_often_and_loses_no_change(
    app, app_consultation, socket_client, monkeypatch
):
    """Here a topic may send 8 messages a second, 2 a quarter-second tick: five people
    connected are pushed every third tick."""
    core = core_of(app, tally_room_rate=8)
    core.wiring = bootstrap.wire((*bootstrap.FEATURES, FAST))
    pushed = []
    monkeypatch.setattr(
        tallies.emitter, "push_state", lambda cid, _roles, name, data: pushed.append(data)
    )
    room = app_consultation.id
    people = [socket_client(app_consultation.join_with_token()[1]) for _ in range(2)]
    core.tallies.mark(room, "fast-count", "a")
    assert tallies.flush(core, tick=301) == 1  # two people: every tick

    people += [socket_client(app_consultation.join_with_token()[1]) for _ in range(3)]
    core.tallies.dirty.take()  # their arrivals' head counts
    core.tallies.mark(room, "fast-count", "b")
    assert tallies.flush(core, tick=301) == 0
    core.tallies.mark(room, "fast-count", "c")
    assert tallies.flush(core, tick=302) == 0
    assert tallies.flush(core, tick=303) == 1
    assert pushed == [["a"], ["b", "c"]]


def test_the_room_rate_is_a_positive_number_of_messages(monkeypatch, tmp_path):
    monkeypatch.setenv("BARAZA_INSTANCE", str(tmp_path))
    monkeypatch.setenv("TALLY_ROOM_RATE", "0")
    with pytest.raises(ValueError, match="TALLY_ROOM_RATE must be a positive number"):
        Config.from_env()


class FlakyCount:
    """A topic's renderer that fails its first time, as one reading a database that is
    restarting does."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, _core, _consultation_id, keys):
        self.calls += 1
        if self.calls == 1:
            raise OperationalError("SELECT", {}, Exception("the database is restarting"))
        return [tallies.Push(("attendee",), "flaky-count", sorted(keys))]


def test_a_topic_that_fails_to_render_is_pushed_at_the_next_tick_and_the_others_go_out(
    app, slow_count
):
    core = app.extensions["baraza"]
    pushed = slow_count(core)
    flaky = Feature("flaky", topics={"flaky-count": Topic(FlakyCount())})
    core.wiring = bootstrap.wire((*bootstrap.FEATURES, SLOW, flaky))
    core.tallies.mark(7, "flaky-count", "a")
    core.tallies.mark(7, "slow-count", "x")
    assert tallies.flush(core, tick=400) == 1  # the other topic went out
    core.tallies.mark(7, "flaky-count", "b")
    assert tallies.flush(core, tick=401) == 1
    assert pushed == [(7, ["x"]), (7, ["a", "b"])]
