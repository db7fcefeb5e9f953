"""The join limits hold behind `make cluster`'s nginx, counted per client address.

nginx adds the address it saw to X-Forwarded-For and the workers trust that one
entry (TRUSTED_PROXIES=1): a client cannot pretend to be another by sending its
own X-Forwarded-For, and the two workers share the counts through Redis.
"""

from __future__ import annotations

import shutil

import pytest
import requests

from tests.cluster.nginx import make_cluster_on_a_new_database

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed"),
]

PERSON = {"display_name": "Amina", "stakeholder_group": "academia"}


def test_one_client_through_nginx_joins_no_more_than_the_limit(tmp_path):
    settings = {"JOIN_LIMIT_PER_ADDRESS": "5", "WRONG_CODE_LIMIT": "3"}
    with make_cluster_on_a_new_database(tmp_path, **settings) as cluster:
        code = cluster.links["join_code"]
        answers = []
        for n in range(8):  # each with another made-up address, each on either worker
            headers = {"X-Forwarded-For": f"10.0.0.{n}", "User-Agent": f"crowd/{n}"}
            answers.append(
                requests.post(
                    f"{cluster.url}/api/consultations/{code}/join",
                    json=PERSON,
                    headers=headers,
                    timeout=10,
                )
            )
        assert [a.status_code for a in answers] == [200] * 5 + [429] * 3
        assert answers[-1].json()["error"]["code"] == "too_many_joins"
        assert int(answers[-1].headers["Retry-After"]) <= 60

        for guess in ("AAAAAA", "BBBBBB", "CCCCCC"):
            assert requests.get(f"{cluster.url}/j/{guess}", timeout=10).status_code == 404
        locked = requests.get(f"{cluster.url}/api/consultations/{code}", timeout=10)
        assert locked.status_code == 429
        assert locked.json()["error"]["code"] == "too_many_wrong_codes"
