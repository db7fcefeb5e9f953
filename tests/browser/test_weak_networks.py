"""Weak networks: a light first load, WebSocket blocked, the link dropped and back."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.test_agenda_in_browsers import join_as_attendee

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
    page.goto(f"{server.url}/c/{code}")
    expect(page.locator("[data-field=title]")).to_have_text(re.compile("Cybercrime"))
    loaded = list(sizes)
    transferred = sum(s["responseBodySize"] + s["responseHeadersSize"] for _, s in loaded)
    print(f"\nattendee first load: {transferred / 1024:.1f} KB in {len(loaded)} requests")
    assert any(url.endswith("socket.io.esm.min.js") for url, _ in loaded)
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
