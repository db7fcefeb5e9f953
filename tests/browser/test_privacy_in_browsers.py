"""Consent at join and "my data" in Chromium, on a phone: the notice is short, the box
must be ticked, and an attendee finds, downloads and erases what Baraza holds on them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot
from tests.browser.test_accessibility import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_join_form_asks_to_accept_the_privacy_notice_before_joining(server, new_page):
    page = new_page(viewport=PHONE)
    page.goto(f"{server.url}/j/{server.links['join_code']}")
    notice = page.locator(".privacy-notice")
    expect(notice).to_contain_text("to run this consultation")
    expect(notice.locator("details")).not_to_have_attribute("open", "")
    page.fill("#display_name", "Awa")
    page.select_option("#stakeholder_group", "academia")
    page.get_by_role("button", name="Join").click()
    error = page.locator("#consent-error")
    expect(error).to_be_visible()
    box = page.locator("#consent")
    expect(box).to_be_focused()
    expect(box).to_have_attribute("aria-invalid", "true")
    assert page.url.endswith(f"/j/{server.links['join_code']}")
    assert serious_violations(page) == []
    screenshot(page, "join-phone-consent-missing")
    notice.locator("summary").click()
    expect(notice).to_contain_text("days after the consultation ends")
    screenshot(page, "join-phone-notice-open")
    page.get_by_label("I have read the privacy notice and agree").check()
    expect(error).to_be_hidden()
    page.get_by_role("button", name="Join").click()
    page.wait_for_url(re.compile(r"/c/\w+$"))

    page.get_by_role("tab", name="Agenda").click()
    page.get_by_role("link", name="My data").click()
    page.wait_for_url(re.compile(r"/my-data$"))
    expect(page.locator("main")).to_contain_text("Awa")
    expect(page.locator("main")).to_contain_text("You accepted the privacy notice")
    assert serious_violations(page) == []
    screenshot(page, "my-data-phone")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download my data (JSON)").click()
    data = json.loads(Path(downloading.value.path()).read_text())
    assert data["profile"]["display_name"] == "Awa" and data["consent"]["given"]
    page.get_by_role("button", name="Erase my name").click()
    expect(page.get_by_role("status")).to_have_text("Your name has been erased.")
    expect(page.locator("main")).not_to_contain_text("Awa")
    screenshot(page, "my-data-phone-erased")
