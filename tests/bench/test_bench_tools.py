"""The in-process benchmarks still run: they print the figures docs/performance.md quotes.

Tiny sizes, to show each tool works on today's code, not to measure anything.
"""

from __future__ import annotations

from bench import ballots


def test_the_database_path_benchmark_casts_one_ballot_per_voter(sqlite_url):
    for grouped in (False, True):
        rate, rows = ballots.measure(sqlite_url, voters=12, threads=3, grouped=grouped)

        assert rows == 12
        assert rate > 0
