"""The in-process benchmarks still run: they print the figures docs/performance.md quotes.

Tiny sizes, to show each tool works on today's code, not to measure anything.
"""

from __future__ import annotations

import inspect
import tracemalloc
from pathlib import Path

from bench import ballots, integrity_reads, join_phases, memory
from bench.report import results_path
from server.features.consultations import service as consultations
from server.features.consultations.rules import parse_spec


def test_the_database_path_benchmark_casts_one_ballot_per_voter(sqlite_url):
    for way in (ballots.ALONE, ballots.GROUPED, ballots.WITH_IDS):
        rate, cpu, rows = ballots.measure(sqlite_url, voters=12, threads=3, way=way)

        assert rows == 12
        assert rate > 0 and cpu > 0


def test_the_join_profile_times_every_phase_and_every_snapshot_part(tmp_path):
    with join_phases.application(tmp_path) as app:
        core = app.extensions["baraza"]
        join_code = consultations.create(core, parse_spec(join_phases.SPEC)).join_code
        phases = join_phases.Phases()

        client = join_phases.attend(app, join_code, 1, phases)
        parts = join_phases.by_part(app, join_code)
        log_grows = join_phases.as_the_log_grows(app, join_code, ballots=600, lengths=(700,))

        client.disconnect()
    assert set(phases.seconds) == set(join_phases.PHASES)
    assert all(seconds > 0 for seconds in phases.seconds.values())
    ((length, caught_up, snapshot),) = log_grows
    assert length == 700 and caught_up > 0 and snapshot > 0
    whole, *each = parts
    assert whole[0] == "the whole snapshot" and whole[1] > 0
    assert [name.rsplit(".", 1)[1] for name, _, _ in each] == [
        part.__name__ for part in core.wiring.snapshot_parts
    ]


def test_a_run_named_without_an_extension_is_written_as_json_beside_its_markdown():
    assert results_path("bench/results/soak/run3") == Path("bench/results/soak/run3.json")
    assert results_path("bench/results/soak/run3.5") == Path("bench/results/soak/run3.5.json")
    assert results_path("bench/results/latest.json") == Path("bench/results/latest.json")


def test_memory_growth_names_the_line_whose_allocations_are_still_alive(tmp_path):
    tracemalloc.start(8)
    try:
        tracemalloc.take_snapshot().dump(str(tmp_path / "first"))
        held = [bytearray(1024) for _ in range(2000)]  # about 2 MB, alive at the second
        line = inspect.currentframe().f_lineno - 1
        tracemalloc.take_snapshot().dump(str(tmp_path / "last"))
    finally:
        tracemalloc.stop()

    biggest = memory.growth(tmp_path / "first", tmp_path / "last")[0]

    assert biggest["allocated_at"] == f"tests/bench/test_bench_tools.py:{line}"
    assert biggest["kb"] >= 2000 and biggest["objects"] >= 2000
    assert biggest["from_baraza"] is None  # nothing under server/ asked for it
    assert len(held) == 2000


def test_the_integrity_profile_times_every_signal_as_the_consultation_goes_on():
    checkpoints = integrity_reads.run(attendees=60, checks=1)

    assert [point.minutes for point in checkpoints] == list(integrity_reads.CHECKPOINTS)
    assert checkpoints[-1].attendees == 60
    for point in checkpoints:
        assert list(point.reads) == [read.__name__ for read in integrity_reads.READS]
        assert all(ms > 0 for ms, _ in point.reads.values())
    # Five minutes in, everyone is new: the check reads them all.
    assert checkpoints[0].reads["identical_upvotes"][1] > 0
