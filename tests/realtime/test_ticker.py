"""The server's clock: which timed checks each tick runs, and that one failing is alone."""

from __future__ import annotations

import logging
from dataclasses import replace

from server.features.integrity import service as integrity
from server.realtime import ticker
from server.realtime.ticker import TimedCheck, tick


def recording(check: TimedCheck, ran: list[object]) -> TimedCheck:
    """`check` as the clock schedules it, noting each run in `ran` instead of checking."""

    def run(_core):
        ran.append(check.run)
        return []

    return replace(check, run=run)


def test_the_integrity_check_runs_every_fifth_tick_the_others_on_every_tick(core):
    runs_by_tick = []
    for number in range(1, 11):
        ran: list[object] = []
        tick(core, number, [recording(check, ran) for check in ticker.CHECKS])
        runs_by_tick.append(ran)

    every_fifth = [False, False, False, False, True] * 2
    assert [integrity.check_due in ran for ran in runs_by_tick] == every_fifth
    others = [check.run for check in ticker.CHECKS if check.run is not integrity.check_due]
    assert all([run for run in ran if run in others] == others for ran in runs_by_tick)


def test_a_check_that_fails_leaves_the_others_to_run(core, caplog):
    ran = []

    def failing(_core):
        raise RuntimeError("database blip")

    def working(_core):
        ran.append("working")
        return []

    with caplog.at_level(logging.ERROR):
        tick(core, 1, [TimedCheck(failing), TimedCheck(working)])

    assert ran == ["working"]
    assert "timed check" in caplog.text and "failing" in caplog.text
