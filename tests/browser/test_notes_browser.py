"""A rapporteur's notes in a real Chromium: saved as they type, kept through a reload and
through the server going away and coming back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.realtime import servers

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GENERAL = "[data-note]:has(#note-general)"


def _open_report_page(browser, server):
    page = browser.new_context(viewport={"width": 375, "height": 900}).new_page()
    page.goto(f"{server.url}/r/{server.links['rapporteur']}")
    page.fill("input[name=display_name]", "Ngozi")
    page.click("button[type=submit]")
    page.wait_for_url("**/report")
    page.wait_for_selector(f"{GENERAL} textarea")
    return page


def _status(page):
    return page.locator(f"{GENERAL} [data-note-status]")


def test_a_note_survives_a_reload_before_it_was_sent(browser, tmp_path):
    server = servers.start_server(tmp_path / "instance")
    try:
        page = _open_report_page(browser, server)
        page.locator(f"{GENERAL} textarea").type("Typed just before a reload")
        page.reload()  # sooner than the 800 ms pause that sends it
        expect(_status(page)).to_have_text("Saved", timeout=10_000)
        assert page.locator(f"{GENERAL} textarea").input_value() == "Typed just before a reload"
        report = page.request.get(f"{page.url}/download/markdown").text()
        assert "Typed just before a reload" in report
    finally:
        server.stop()


def test_a_note_typed_while_the_server_is_away_is_saved_when_it_returns(
    browser, tmp_path, monkeypatch
):
    instance = tmp_path / "instance"
    server = servers.start_server(instance)
    try:
        page = _open_report_page(browser, server)
        box = page.locator(f"{GENERAL} textarea")
        box.type("Before the cut.")
        expect(_status(page)).to_have_text("Saved", timeout=10_000)
        server.stop()
        box.type(" Typed while offline.")
        expect(_status(page)).to_have_text("Offline — kept on this device", timeout=15_000)
        port = int(re.search(r":(\d+)$", server.url).group(1))
        monkeypatch.setattr(servers, "free_port", lambda: port)
        server = servers.start_server(instance)  # the same database, the same address
        expect(_status(page)).to_have_text("Saved", timeout=30_000)
        report = page.request.get(f"{page.url}/download/markdown").text()
        assert "Before the cut. Typed while offline." in report
    finally:
        server.stop()
