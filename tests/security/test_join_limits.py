"""Limits on the way in: one client cannot join as a crowd nor find a code by trying.

The limits are the application's own (web/join_limits.py), so they hold on every way
in — the JSON API and the HTML forms — whatever proxy stands in front. Time is the
core's injected clock: a window ends when the test says so.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
import redis

from server.core.errors import TooManyRequests
from server.seed.series import Clock
from server.web.join_limits import JoinLimits, MemoryCounters, limits_for
from tests.conftest import form_data

START = datetime(2027, 1, 18, 8, 30, 5, tzinfo=UTC)
PERSON = {"display_name": "Amina", "stakeholder_group": "academia"}


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def limited(make_app, clock):
    """Factory: the application with some limits set, on the test's clock."""

    def build(**limits):
        app = make_app(**limits)
        app.extensions["baraza"].clock = clock
        return app

    return build


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def api_join(client, code: str):
    return client.post(f"/api/consultations/{code}/join", json=PERSON)


def test_an_address_joins_no_more_than_its_limit_in_any_sixty_seconds(
    limited, clock, app_consultation
):
    app = limited(join_limit_per_address=3)
    code = app_consultation.join_code
    crowd = client_at(app, "203.0.113.7")
    answers = []
    for _ in range(3):
        answers.append(api_join(crowd, code).status_code)
        clock.advance(10)
    assert answers == [200, 200, 200]

    refused = api_join(crowd, code)
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "too_many_joins"
    assert refused.headers["Retry-After"] == "30"  # when the first join is a minute old
    assert api_join(client_at(app, "198.51.100.1"), code).status_code == 200

    clock.advance(29)
    assert api_join(crowd, code).status_code == 429  # refusals are not counted
    clock.advance(1)
    assert api_join(crowd, code).status_code == 200
    assert api_join(crowd, code).headers["Retry-After"] == "10"


def test_the_limit_holds_across_the_turn_of_the_clocks_minute(limited, clock, app_consultation):
    app = limited(join_limit_per_address=3)
    code = app_consultation.join_code
    crowd = client_at(app, "203.0.113.7")
    clock.advance(53)  # 08:30:58
    assert [api_join(crowd, code).status_code for _ in range(3)] == [200, 200, 200]
    clock.advance(3)  # 08:31:01
    assert api_join(crowd, code).status_code == 429


def test_the_html_join_form_counts_against_the_same_limit(limited, app_consultation):
    app = limited(join_limit_per_address=2)
    code = app_consultation.join_code
    browser = client_at(app, "203.0.113.7")
    sent = [
        browser.post(f"/j/{code}", data=form_data(browser, f"/j/{code}", **PERSON))
        for _ in range(3)
    ]
    assert [answer.status_code for answer in sent] == [302, 302, 429]
    assert "Too many people are joining from here at once" in sent[2].text
    assert 'name="display_name"' in sent[2].text  # the form again, what was typed kept
    assert api_join(browser, code).json["error"]["code"] == "too_many_joins"


def test_joins_of_one_consultation_are_limited_whatever_their_addresses(limited, app_consultation):
    app = limited(join_limit_per_address=0, join_limit_per_consultation=3)
    code = app_consultation.join_code
    answers = [api_join(client_at(app, f"192.0.2.{n}"), code) for n in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]


def test_a_limit_of_zero_is_no_limit(limited, app_consultation):
    app = limited(join_limit_per_address=0, join_limit_per_consultation=0, wrong_code_limit=0)
    client = client_at(app, "203.0.113.7")
    assert all(api_join(client, "WRONG1").status_code == 404 for _ in range(40))
    assert all(api_join(client, app_consultation.join_code).status_code == 200 for _ in range(40))


def test_wrong_codes_lock_the_address_out_of_every_code_until_they_are_ten_minutes_old(
    limited, clock, app_consultation
):
    app = limited(wrong_code_limit=3)
    code = app_consultation.join_code
    guesser = client_at(app, "203.0.113.7")
    wrong = [guesser.get(f"/api/consultations/{guess}") for guess in ("AAAAAA", "BBBBBB")]
    wrong.append(api_join(guesser, "CCCCCC"))
    assert [answer.status_code for answer in wrong] == [404, 404, 404]

    refused = guesser.get(f"/api/consultations/{code}")
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "too_many_wrong_codes"
    assert refused.headers["Retry-After"] == "600"
    assert api_join(guesser, code).json["error"]["code"] == "too_many_wrong_codes"
    assert guesser.get(f"/j/{code}").status_code == 429
    assert client_at(app, "198.51.100.1").get(f"/api/consultations/{code}").status_code == 200

    clock.advance(599)
    assert guesser.get(f"/api/consultations/{code}").status_code == 429
    clock.advance(1)
    assert guesser.get(f"/api/consultations/{code}").status_code == 200


def test_wrong_codes_typed_on_the_home_page_count_and_the_lockout_is_said_inline(
    limited, app_consultation
):
    app = limited(wrong_code_limit=2)
    browser = client_at(app, "203.0.113.7")
    for guess in ("AAAAAA", "BBBBBB"):
        answer = browser.post("/", data=form_data(browser, "/", code=guess))
        assert answer.status_code == 404
    locked = browser.post("/", data=form_data(browser, "/", code=app_consultation.join_code))
    assert locked.status_code == 429
    assert "Too many wrong codes from this network" in locked.text
    assert 'name="code"' in locked.text
    assert locked.headers["Retry-After"].isdigit()


def test_behind_a_trusted_proxy_each_client_address_counts_on_its_own(limited, app_consultation):
    app = limited(join_limit_per_address=1, trusted_proxies=1)
    proxy = client_at(app, "127.0.0.1")
    code = app_consultation.join_code

    def via_proxy(address: str):
        headers = {"X-Forwarded-For": address}
        return proxy.post(f"/api/consultations/{code}/join", json=PERSON, headers=headers)

    assert via_proxy("203.0.113.7").status_code == 200
    assert via_proxy("198.51.100.1").status_code == 200
    assert via_proxy("203.0.113.7").status_code == 429


def test_without_a_trusted_proxy_a_forwarded_address_cannot_dodge_the_limit(
    limited, app_consultation
):
    app = limited(join_limit_per_address=1)
    client = client_at(app, "203.0.113.7")
    code = app_consultation.join_code
    for pretended in ("10.0.0.1", "10.0.0.2"):
        headers = {"X-Forwarded-For": pretended}
        last = client.post(f"/api/consultations/{code}/join", json=PERSON, headers=headers)
    assert last.status_code == 429


@pytest.mark.redis
def test_workers_sharing_redis_share_the_counts_and_keep_no_address(app, tmp_path):
    prefix = f"limits-test-{tmp_path.name}"
    config = replace(
        app.config["BARAZA"],
        redis_url="redis://127.0.0.1:6379/0",
        redis_prefix=prefix,
        join_limit_per_address=3,
    )
    workers = [limits_for(config), limits_for(config)]
    now = START.timestamp()

    def join_at(worker: JoinLimits, seconds: float) -> str:
        try:
            worker.admit("203.0.113.7", "ABCDEF", now + seconds)
        except TooManyRequests as refused:
            return f"{refused.code}, retry after {refused.retry_after}"
        return "admitted"

    answers = [join_at(workers[n % 2], seconds) for n, seconds in enumerate([0, 20, 40, 41])]
    assert answers == ["admitted"] * 3 + ["too_many_joins, retry after 19"]
    assert join_at(workers[0], 59.5) == "too_many_joins, retry after 1"
    assert join_at(workers[1], 60) == "admitted"

    shared = redis.Redis.from_url(config.redis_url)
    keys = [key.decode() for key in shared.keys(f"{prefix}:limits:*")]
    assert keys and not any("203.0.113" in key for key in keys)
    assert all(0 < shared.ttl(key) <= 61 for key in keys)
    shared.delete(*keys)


def test_one_process_forgets_keys_gone_quiet():
    counters = MemoryCounters(keep=3)
    for n in range(3):
        counters.take([(f"join-address:{n}", 5)], 60, START.timestamp())
    counters.take([("join-address:late", 5)], 60, START.timestamp() + 60)
    assert len(counters) == 1


def test_one_process_keeps_each_key_for_its_own_window():
    """A lockout's ten minutes outlive a sweep made for a join's minute."""
    counters = MemoryCounters(keep=2)
    start = START.timestamp()
    counters.take([("wrong-address:a", 1)], 600, start)
    for n in range(2):
        counters.take([(f"join-address:{n}", 5)], 60, start + 120)
    assert counters.wait([("wrong-address:a", 1)], 600, start + 120) == 480
