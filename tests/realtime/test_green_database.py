"""Why the driver choice: a slow query must not freeze every attendee on a worker.

psycopg2 is a C driver. eventlet's monkey_patch() installs a wait callback for it
(eventlet.support.psycopg2_patcher); gevent does not, and Baraza installs its own
(server/green.py) in every mode.
psycopg 3's C wait loop yields to neither without extra work, so Baraza uses
psycopg2 and these probes keep that choice honest.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PROBE = Path(__file__).with_name("green_probe.py")
ROOT = PROBE.parents[2]


def ticks_during_slow_query(pg_url: str, mode: str) -> int:
    result = subprocess.run(
        [sys.executable, "-W", "ignore", str(PROBE), pg_url, mode],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    return int(result.stdout.strip().splitlines()[-1])


def test_under_eventlet_other_green_threads_run_during_a_slow_query(pg_url):
    assert ticks_during_slow_query(pg_url, "eventlet") >= 20


def test_under_gevent_without_psycogreen_a_slow_query_blocks_everyone(pg_url):
    assert ticks_during_slow_query(pg_url, "gevent") <= 2


def test_under_gevent_barazas_wait_callback_lets_other_green_threads_run(pg_url):
    assert ticks_during_slow_query(pg_url, "gevent+baraza") >= 20
