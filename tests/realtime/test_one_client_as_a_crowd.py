"""One client tries to act as 500 attendees against a real server (no proxy in front).

The join limit per address (200 a minute) bounds how many it gets in; every ballot
and upvote of those it got in counts until a moderator decides, and staff hear the
integrity flags that name them all: the burst of joins, the identical ballots and
upvotes, the ballots from people who joined after the poll opened. Excluding the
burst's flag takes every one of its ballots and upvotes out of the results.
"""

from __future__ import annotations

import pytest
import requests

from tests.realtime.attack import Console, attack_and_check, command, results
from tests.realtime.servers import start_server

pytestmark = pytest.mark.slow


def claim(url: str, link: str) -> str:
    answer = requests.post(f"{url}/api/links/claim", json={"link": link}, timeout=20)
    return answer.json()["token"]


def test_one_client_gets_no_more_than_the_limit_in_and_staff_are_told(tmp_path):
    server = start_server(tmp_path / "server")
    try:
        url, code = server.url, server.links["join_code"]
        moderator = claim(url, server.links["moderator"])
        console = Console(url, moderator)
        try:
            outcome = attack_and_check(url, code, moderator, console)
            burst = next(f for f in outcome.flags.values() if f["kind"] == "join_burst")
            with requests.Session() as session:
                done = command(
                    session,
                    url,
                    moderator,
                    "exclude_flagged",
                    flag_id=burst["id"],
                    reason="One client, 200 names",
                )
            assert done["ok"], done
            assert results(url, moderator, outcome.poll_id, outcome.question_id) == (0, 0)
        finally:
            console.close()
    finally:
        server.stop()
