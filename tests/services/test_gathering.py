"""A group commit's batches gather: one close behind the previous waits out the window.

Each batch costs one transaction whatever it holds, so when commands of one
consultation come close together a leader waits until the window after the
previous batch began; a command after a quiet window is taken at once.
"""

import pytest

from server.config import Config
from server.core import gathering as gathering_module
from server.core.gathering import Gathering
from server.core.group_commit import GroupCommit
from server.core.store import Store
from tests.conftest import app_for

WINDOW = 0.02


class Stopwatch:
    """A monotonic timer that moves when told to, or when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


@pytest.fixture
def store(sqlite_url):
    """The mechanism needs no particular database: one SQLite file."""
    return Store(sqlite_url)


@pytest.fixture
def stopwatch():
    return Stopwatch()


@pytest.fixture
def gathering(stopwatch):
    return Gathering(WINDOW, timer=stopwatch, sleep=stopwatch.sleep)


def test_a_first_batch_and_one_after_a_quiet_window_are_taken_at_once(gathering, stopwatch):
    gathering.wait(1)
    stopwatch.now += 0.5
    gathering.wait(1)

    assert stopwatch.slept == [0.0, 0.0]  # a yield only: what was already received joins


def test_a_batch_close_behind_the_previous_one_waits_out_the_window(gathering, stopwatch):
    gathering.wait(1)  # begins at 100.000
    stopwatch.now += 0.005
    gathering.wait(1)  # 5 ms later: waits 15 ms, begins at 100.020
    gathering.wait(1)  # at once: waits the whole window

    assert stopwatch.slept == [0.0, 0.015, 0.02]


def test_each_consultation_gathers_apart(gathering, stopwatch):
    gathering.wait(1)
    gathering.wait(2)

    assert stopwatch.slept == [0.0, 0.0]


def test_with_no_window_a_batch_never_waits(stopwatch):
    gathering = Gathering(0.0, timer=stopwatch, sleep=stopwatch.sleep)
    gathering.wait(1)
    gathering.wait(1)

    assert stopwatch.slept == [0.0, 0.0]


def test_past_the_consultations_it_knows_only_those_whose_window_is_over_are_forgotten(
    gathering, stopwatch, monkeypatch
):
    monkeypatch.setattr(gathering_module, "KNOWN", 3)
    gathering.wait(1)
    gathering.wait(2)
    stopwatch.now += 0.015
    gathering.wait(3)  # began 15 ms after the first two
    stopwatch.now += 0.01
    gathering.wait(4)  # the fourth: 1 and 2 are forgotten, 3 is still in its window
    gathering.wait(3)

    assert stopwatch.slept[-1] == pytest.approx(0.01)  # 3 began at 100.015, now 100.025


def test_the_leader_waits_before_it_takes_its_batch(store, stopwatch):
    happened = []

    def sleep(seconds):
        happened.append(("waited", round(seconds, 6)))
        stopwatch.sleep(seconds)

    def commit(_store, batch):
        happened.append(("committed", [pending.command for pending in batch]))
        return [pending.command for pending in batch]

    gathering = Gathering(WINDOW, timer=stopwatch, sleep=sleep)
    group = GroupCommit(store, commit, gathering=gathering)
    group.run(1, "first")
    stopwatch.now += 0.005
    group.run(1, "second")

    assert happened == [
        ("waited", 0.0),
        ("committed", ["first"]),
        ("waited", 0.015),
        ("committed", ["second"]),
    ]


def test_the_application_gathers_as_configured(tmp_path, sqlite_url, monkeypatch):
    monkeypatch.setenv("GATHER_WINDOW", "0.05")
    assert Config.from_env(secret_key="x", database_url="sqlite://").gather_window == 0.05
    monkeypatch.delenv("GATHER_WINDOW")
    assert Config.from_env(secret_key="x", database_url="sqlite://").gather_window == 0.02

    app = app_for(sqlite_url, tmp_path, gather_window=0.05)

    assert app.extensions["baraza"].groups.window == 0.05
