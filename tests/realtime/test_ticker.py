"""The server's clock: which timed checks each tick runs, and that one failing is alone."""

from __future__ import annotations

import logging

from server.features.integrity import service as integrity
from server.realtime import ticker
from server.realtime.ticker import TimedCheck, tick


def recording(check: TimedCheck, ran: list[tuple[int, str]], number: list[int]) -> TimedCheck:
    def run(_core):
        ran.append((number[0], check.run.__qualname__))
        return []

    return TimedCheck(run, check.every)


def test_the_integrity_check_runs_every_fifth_tick_the_others_on_every_tick(core):
    ran: list[tuple[int, str]] = []
    number = [0]
    checks = [recording(check, ran, number) for check in ticker.CHECKS]

    for number[0] in range(1, 11):
        tick(core, number[0], checks)

    integrity_runs = [at for at, name in ran if name == integrity.check_due.__qualname__]
    assert integrity_runs == [5, 10]
    others = [check for check in ticker.CHECKS if check.run is not integrity.check_due]
    assert len(ran) == 2 + 10 * len(others)


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
