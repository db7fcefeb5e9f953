"""Two people, two browsers: the agenda and its clock are the same on every screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def join_as_attendee(page, server, name="Amina", group="civil_society", country="NG"):
    page.goto(f"{server.url}/j/{server.links['join_code']}")
    page.fill("#display_name", name)
    page.select_option("#stakeholder_group", group)
    page.fill("#country", country)
    page.check("#consent")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/c/\w+$"))
    wait_until_live(page)


def open_console(page, server):
    page.goto(f"{server.url}/m/{server.links['moderator']}")
    page.fill("#display_name", "Chair")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/moderate$"))
    wait_until_live(page)


def wait_until_live(page):
    """Until the page's part is mounted and in step: a click before that has no listener
    yet (the part loads after the page does) and would be lost."""
    expect(page.locator("body")).to_have_attribute("data-live", "live")


def test_moderator_starts_the_agenda_and_the_attendee_sees_the_same_item_and_timer(
    server, new_page
):
    moderator = new_page()
    attendee = new_page(viewport=PHONE, timezone_id="Europe/Paris")
    open_console(moderator, server)
    join_as_attendee(attendee, server)
    expect(attendee.locator("[data-field=title]")).to_have_text(
        "Regional Cybercrime Consultations for Africa"
    )
    screenshot(attendee, "attendee-phone-before-start")

    moderator.click("[data-action=next_item]")

    for page in (moderator, attendee):
        expect(page.locator("[data-now-title]")).to_have_text("Opening and welcome")
        expect(page.locator("[data-now-remaining]")).to_have_text(re.compile(r"^[45]:\d\d$"))
    attendee.wait_for_timeout(1500)
    ours = moderator.locator("[data-now-elapsed]").inner_text()
    theirs = attendee.locator("[data-now-elapsed]").inner_text()
    assert abs(_seconds(ours) - _seconds(theirs)) <= 1
    screenshot(moderator, "moderator-desktop")
    screenshot(attendee, "attendee-phone")


def _seconds(text: str) -> int:
    minutes, seconds = text.split(":")
    return int(minutes) * 60 + int(seconds)


def test_the_moderator_runs_the_agenda_from_the_keyboard(server, new_page):
    moderator = new_page()
    open_console(moderator, server)
    third = moderator.locator("[data-start-item]").nth(2)
    title = third.inner_text()
    third.focus()
    moderator.keyboard.press("Enter")
    confirm = moderator.get_by_role("dialog")
    expect(confirm.get_by_role("button", name="Cancel")).to_be_focused()
    moderator.keyboard.press("Tab")
    expect(confirm.get_by_role("button", name="Start it")).to_be_focused()
    moderator.keyboard.press("Enter")
    expect(moderator.locator("[data-now-title]")).to_have_text(title)
    moderator.locator("[data-action=extend_item][data-minutes='5']").focus()
    moderator.keyboard.press("Enter")
    expect(moderator.locator("[data-agenda-items] li[data-state=active] .minutes")).to_have_text(
        re.compile(r"^20 min$")
    )
