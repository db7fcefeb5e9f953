"""Integrity flags on the console in a real Chromium: a burst of joins from one address
appears with its evidence, and the moderator excludes its ballots with a reason.

The server's own thresholds are lowered (INTEGRITY_JOIN_BURST=3) so that three joins
from the test's address make a burst.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_agenda_in_browsers import open_console
from tests.realtime.attack import command
from tests.realtime.servers import RunningServer, start_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("integrity-server"), INTEGRITY_JOIN_BURST="3")
    yield running
    running.stop()


def test_a_burst_of_joins_is_flagged_and_its_ballots_excluded_with_a_reason(server, new_page):
    page = new_page(viewport={"width": 1440, "height": 900})
    open_console(page, server)
    page.wait_for_function("() => document.body.dataset.live === 'live'")
    pane = page.locator("[data-integrity]")
    expect(pane.locator("[data-integrity-empty]")).to_be_visible()

    url, code = server.url, server.links["join_code"]
    with requests.Session() as session:
        chair = session.post(
            f"{url}/api/links/claim", json={"link": server.links["moderator"]}, timeout=10
        ).json()["token"]
        opened = command(
            session,
            url,
            chair,
            "create_poll",
            type="single",
            question="Ratify?",
            options=["Yes", "No"],
            visibility="live",
            open=True,
        )
        tokens = [
            session.post(
                f"{url}/api/consultations/{code}/join",
                json={"display_name": f"Voter {n}"},
                timeout=10,
            ).json()["token"]
            for n in range(3)
        ]
    with requests.Session() as session:
        for token in tokens:
            ballot = command(
                session, url, token, "cast_ballot", poll_id=opened["poll_id"], answer=0
            )
            assert ballot["ok"], ballot
    flag = pane.locator(".integrity-flag")
    expect(flag).to_have_count(1, timeout=30_000)  # the clock checks every 10 s
    expect(flag).to_contain_text("Many joins from one address")
    expect(flag).to_contain_text("3 attendees joined from one address within 60 s.")
    expect(pane.locator("[data-integrity-count]")).to_have_text("(1)")

    flag.get_by_role("button", name="Exclude these ballots and votes from the results").click()
    expect(pane.locator("[data-integrity-error]")).not_to_be_empty()  # a reason is required
    flag.get_by_label("Reason (required to exclude or include)").fill("One laptop, three names")
    flag.get_by_role("button", name="Exclude these ballots and votes from the results").click()
    expect(flag).to_contain_text("Excluded: 3 ballots, 0 upvotes")
    expect(flag).to_contain_text("Reason: One laptop, three names")
    expect(flag.get_by_role("button", name="Count them again")).to_be_visible()
    screenshot(page, "console-integrity")
    with requests.Session() as session:
        assert command(session, url, tokens[0], "dismiss_flag", flag_id=1)["ok"] is False
