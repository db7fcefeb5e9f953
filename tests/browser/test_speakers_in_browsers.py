"""The speakers' queue in real browsers: a hand raised on a phone, the floor given from
the console, and the attendee told — visibly and to a screen reader — with a countdown."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_agenda_in_browsers import join_as_attendee, open_console

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_an_attendee_raises_a_hand_and_is_told_when_they_have_the_floor(server, new_page):
    moderator = new_page()
    open_console(moderator, server)
    moderator.click("[data-action=next_item]")
    expect(moderator.locator("[data-now-title]")).to_have_text("Opening and welcome")

    attendee = new_page(viewport=PHONE)
    join_as_attendee(attendee, server, name="Wanjiru", group="academia", country="KE")
    attendee.get_by_role("tab", name="Speak").click()
    attendee.fill("[data-topic]", "Capacity building")
    attendee.click("[data-raise]")
    expect(attendee.locator("[data-mine] li")).to_have_count(1)
    expect(attendee.locator("[data-mine] .mine-place")).to_have_text("You are next")

    queue = moderator.locator("[data-queue] li")
    expect(queue).to_have_count(1)
    expect(queue.first).to_contain_text("Wanjiru")
    expect(queue.first).to_contain_text("Academia · Kenya")
    expect(queue.first).to_contain_text("Capacity building")
    expect(queue.first).to_contain_text("First time")

    moderator.locator("summary", has_text="Order of speakers").click()  # folded away on the console
    moderator.check("input[name=speakers-ordering][value=balanced]")
    for page in (moderator, attendee):
        expect(page.locator("[data-ordering]").first).to_have_text("Balanced by stakeholder group")

    expect(moderator.locator("[data-strip-hands]")).to_have_text("1 waiting")
    moderator.get_by_role("button", name="Give the floor to the next").click()
    banner = attendee.locator("[data-my-floor]")
    expect(banner).to_be_visible()
    expect(attendee.locator("[data-my-alert]")).to_have_text(
        re.compile(r"^You have the floor: [23]:\d\d to speak\.$")
    )
    expect(attendee.locator("[data-my-alert]")).to_have_attribute("role", "alert")
    expect(attendee.locator("[data-my-remaining]")).to_have_text(re.compile(r"^[23]:\d\d left$"))
    expect(attendee).to_have_title(re.compile("^You have the floor"))
    expect(moderator.locator("[data-floor-name]")).to_have_text("Wanjiru")
    screenshot(attendee, "speakers-attendee-has-the-floor-phone")

    present = moderator.context.new_page()
    present.goto(moderator.url.replace("/moderate", "/present"))
    expect(present.locator("[data-floor-name]")).to_have_text("Wanjiru")
    expect(present.locator("[data-floor-topic]")).to_be_hidden()
    assert serious_violations(attendee) == []
    assert serious_violations(moderator) == []
    assert serious_violations(present) == []
    screenshot(present, "speakers-present-desktop")

    moderator.get_by_role("button", name="+1 min").click()
    expect(attendee.locator("[data-my-remaining]")).to_have_text(re.compile(r"^[34]:\d\d left$"))
    attendee.click("[data-action=yield]")
    expect(banner).to_be_hidden()
    expect(moderator.locator("[data-floor-name]")).to_have_text("Nobody has the floor.")
    totals = moderator.locator("[data-totals-group] tbody tr")
    expect(totals).to_have_count(1)
    expect(totals.first).to_contain_text("Academia")
    screenshot(moderator, "speakers-moderator-desktop")

    rapporteur = new_page()
    rapporteur.goto(f"{server.url}/r/{server.links['rapporteur']}")
    rapporteur.fill("#display_name", "Rapporteur")
    rapporteur.click("button[type=submit]")
    rapporteur.wait_for_url(re.compile(r"/report$"))
    expect(rapporteur.locator("[data-record] li")).to_contain_text(["Wanjiru (Academia · Kenya)"])
    expect(rapporteur.locator("[data-totals-country] tbody tr")).to_contain_text(["Kenya"])
    assert serious_violations(rapporteur) == []
    screenshot(rapporteur, "speakers-rapporteur-desktop")
