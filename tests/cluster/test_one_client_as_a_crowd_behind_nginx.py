"""One client tries to act as 500 attendees through `make cluster`'s nginx, two workers.

The same attack as tests/realtime/test_one_client_as_a_crowd.py: the join limit per
address holds across the workers (counted in Redis, on the address nginx saw, whatever
X-Forwarded-For the client sends), and staff connected through nginx hear the flags,
raised once whichever worker's clock saw the signal first.
"""

from __future__ import annotations

import shutil

import pytest
import requests

from tests.cluster.nginx import make_cluster_on_a_new_database
from tests.realtime.attack import Console, attack_and_check

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed"),
]


def test_one_client_through_nginx_gets_no_more_than_the_limit_in_and_staff_are_told(tmp_path):
    with make_cluster_on_a_new_database(tmp_path) as cluster:
        url, code = cluster.url, cluster.links["join_code"]
        claimed = requests.post(
            f"{url}/api/links/claim", json={"link": cluster.links["moderator"]}, timeout=20
        )
        moderator = claimed.json()["token"]
        console = Console(url, moderator)
        try:
            flags = attack_and_check(url, code, moderator, console).flags
            assert sum(f["kind"] == "join_burst" for f in flags.values()) == 1  # raised once
        finally:
            console.close()
