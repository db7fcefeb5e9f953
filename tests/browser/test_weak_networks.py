"""Weak networks: a light first load, WebSocket blocked, the link dropped and back."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot
from tests.browser.test_agenda_in_browsers import join_as_attendee, open_console

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIRST_LOAD_BUDGET = 150 * 1024


def moderator_token(server) -> str:
    response = requests.post(
        f"{server.url}/api/links/claim", json={"link": server.links["moderator"]}, timeout=10
    )
    return response.json()["token"]


def command(server, token, name, payload=None):
    response = requests.post(
        f"{server.url}/api/commands/{name}",
        json=payload or {},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    return response.json()


def snapshot(server, token) -> dict:
    """What the moderator's page would start from."""
    response = requests.get(
        f"{server.url}/api/snapshot", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    return response.json()["snapshot"]


def finished(path: str):
    """Whether a finished request is the one for `path` (`expect_request_finished`)."""
    return lambda request: request.url.endswith(path)


def block_websocket(page):
    """Like a filtered network: every WebSocket is closed as it opens."""
    page.route_web_socket(re.compile(r".*/socket\.io/.*"), lambda ws: ws.close())


def test_the_attendee_page_first_load_fits_the_budget(server, new_page):
    """A cold cache: everything the page needs until it shows the live agenda."""
    page = new_page(viewport=PHONE)
    code = server.links["join_code"]
    page.context.request.post(f"{server.url}/api/consultations/{code}/join", data={})
    sizes = []
    page.on("requestfinished", lambda request: sizes.append((request.url, request.sizes())))
    # The browser may run a script, and the page go live, before Playwright reports the
    # script's request finished: wait for that report, not for the page alone.
    with page.expect_request_finished(finished("/static/dist/core.js")):
        with page.expect_request_finished(finished("/static/dist/attendee.js")):
            page.goto(f"{server.url}/c/{code}")
    expect(page.locator("[data-field=title]")).to_have_text(re.compile("Cybercrime"))
    expect(page.locator("body")).to_have_attribute("data-live", "live")
    loaded = list(sizes)
    transferred = sum(s["responseBodySize"] + s["responseHeadersSize"] for _, s in loaded)
    print(f"\nattendee first load: {transferred / 1024:.1f} KB in {len(loaded)} requests")
    # The shared core (the Socket.IO client within it) and the page's part, then, once the
    # page is live, perhaps already the poll results' drawing; nothing from another server.
    scripts = {url.removeprefix(server.url) for url, _ in loaded if url.endswith(".js")}
    needed = {"/static/dist/attendee.js", "/static/dist/core.js"}
    assert needed <= scripts <= needed | {"/static/dist/attendee-results.js"}
    assert all(url.startswith(server.url) for url, _ in loaded)
    assert transferred <= FIRST_LOAD_BUDGET


def test_with_websocket_blocked_the_page_works_over_long_polling(server, new_page):
    page = new_page(viewport=PHONE)
    block_websocket(page)
    join_as_attendee(page, server, name="Filtered")
    expect(page.locator("[data-field=title]")).to_have_text(re.compile("Cybercrime"))
    token = moderator_token(server)
    target = snapshot(server, token)["agenda"]["items"][2]
    assert command(server, token, "start_item", {"item_id": target["id"]})["ok"]
    expect(page.locator("[data-now-title]")).to_have_text(target["title"])
    # The device remembers: its next pages start on long-polling, not on a WebSocket.
    assert page.evaluate("() => localStorage.getItem('baraza:polling-first')") == "1"


def test_a_dropped_link_shows_reconnecting_and_catches_up_on_return(server, new_page):
    page = new_page(viewport=PHONE)
    block_websocket(page)  # polling only, so going offline really drops the link
    join_as_attendee(page, server, name="Offline")
    expect(page.locator("[data-field=title]")).to_have_text(re.compile("Cybercrime"))
    token = moderator_token(server)
    page.context.set_offline(True)
    expect(page.locator("[data-live-status]")).to_have_text(
        re.compile("Reconnecting"), timeout=30_000
    )
    items = snapshot(server, token)["agenda"]["items"]
    assert command(server, token, "start_item", {"item_id": items[4]["id"]})["ok"]
    assert command(server, token, "extend_item", {"item_id": items[4]["id"], "minutes": 3})["ok"]
    page.context.set_offline(False)
    expect(page.locator("[data-now-title]")).to_have_text(items[4]["title"], timeout=30_000)
    expect(page.locator("[data-now-remaining]")).to_have_text(re.compile(r"^1[45]:\d\d$"))
    expect(page.locator("[data-live-status]")).to_have_text("")


def test_a_question_and_a_vote_made_offline_wait_and_are_sent_once_on_return(server, new_page):
    token = moderator_token(server)
    poll = {"type": "single", "question": "Vote from a train?", "options": ["Yes", "No"]}
    poll_id = command(server, token, "create_poll", {**poll, "open": True})["poll_id"]
    moderator = new_page()
    open_console(moderator, server)
    page = new_page(viewport=PHONE)
    block_websocket(page)  # polling only, so going offline really drops the link
    join_as_attendee(page, server, name="Nomvula", group="academia", country="ZA")
    live_poll = page.locator(".poll-live")
    expect(live_poll.locator("legend")).to_have_text(poll["question"])

    page.context.set_offline(True)
    status = page.locator("[data-live-status]")
    expect(status).to_have_text(re.compile("Reconnecting"), timeout=30_000)
    question = "Asked between two tunnels: who funds the training?"
    page.get_by_role("tab", name="Questions").click()  # the open poll took the view
    page.get_by_label("Your question", exact=True).fill(question)
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(status).to_contain_text(re.compile(r"\b1 action.* waiting to be sent"))
    page.get_by_role("tab", name="Poll").click()
    live_poll.get_by_label("No", exact=True).check()
    live_poll.get_by_role("button", name="Vote").click()
    expect(status).to_contain_text(re.compile(r"\b2 action.* waiting to be sent"))
    page.get_by_role("tab", name="Questions").click()
    expect(page.get_by_role("button", name="Ask", exact=True)).to_be_disabled()
    expect(page.locator("[data-q-sent]")).to_have_text("")
    screenshot(page, "attendee-phone-offline-waiting")

    page.context.set_offline(False)
    expect(page.locator("[data-q-sent]")).to_have_text(
        "Sent. It will appear once a moderator approves it.", timeout=30_000
    )
    expect(live_poll.locator(".poll-status")).to_have_text("Your vote is recorded.")
    expect(status).to_have_text("")
    expect(page.locator("[data-q-mine] li.q")).to_have_count(1)

    pending = moderator.locator("[data-q-list] li.q").filter(has_text=question)
    expect(pending).to_have_count(1)
    results = moderator.locator(f"[data-poll-id='{poll_id}'] .poll-results")
    expect(results.locator(".poll-summary")).to_contain_text("Turnout: 1 of")
    expect(results.locator(".poll-table tbody tr").nth(1)).to_contain_text(re.compile(r"No\s*1"))


def lose_the_first_acknowledgement_of(page, command_reply: str) -> list[str]:
    """Like a link that dies just after the server acted: the long-poll answer carrying the
    acknowledgement (a Socket.IO ACK packet, `43<id>[...]`) never reaches the page."""
    lost: list[str] = []
    ack = re.compile(r"(^|\x1e)43\d+\[\{" + re.escape(command_reply))

    def handle(route):
        response = route.fetch()
        if not lost and ack.search(response.text()):
            lost.append(response.text())
            route.abort()
        else:
            route.fulfill(response=response)

    page.route(re.compile(r".*/socket\.io/.*transport=polling.*"), handle)
    return lost


def test_a_question_whose_acknowledgement_was_lost_is_asked_once(server, new_page):
    token = moderator_token(server)
    settings = {"min_interval_seconds": 0}  # else the resend is refused as too soon
    assert command(server, token, "set_question_settings", settings)["ok"]
    moderator = new_page()
    open_console(moderator, server)
    page = new_page(viewport=PHONE)
    block_websocket(page)
    lost = lose_the_first_acknowledgement_of(page, '"ok":true,"question"')
    try:
        join_as_attendee(page, server, name="Thandiwe", group="academia", country="ZA")
        expect(page.locator("body")).to_have_attribute("data-live", "live")
        page.get_by_role("tab", name="Questions").click()  # a poll left open takes the view
        question = "Asked as the link died: is the ack lost?"
        page.get_by_label("Your question", exact=True).fill(question)
        page.get_by_role("button", name="Ask", exact=True).click()
        expect(page.locator("[data-q-sent]")).to_have_text(
            "Sent. It will appear once a moderator approves it.", timeout=30_000
        )
        assert len(lost) == 1
        pending = moderator.locator("[data-q-list] li.q").filter(has_text=question)
        expect(pending.first).to_be_visible()
        expect(pending).to_have_count(1)
    finally:
        page.unroute_all(behavior="ignoreErrors")  # a long poll may still be in the handler
        assert command(server, token, "set_question_settings", {"min_interval_seconds": 15})["ok"]
