"""The Chatham House switch in real browsers: ticked on the console, every attendee's
phone and the present view drop the speaker's name at once and say the rule; unticked,
the name comes back. (Its own module: the switch changes the module's consultation.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot
from tests.browser.test_agenda_in_browsers import join_as_attendee, open_console

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_switch_hides_the_speakers_name_on_phones_and_the_present_view(server, new_page):
    moderator = new_page()
    open_console(moderator, server)
    moderator.click("[data-action=next_item]")
    speaker = new_page(viewport=PHONE)
    join_as_attendee(speaker, server, name="Wanjiru", group="academia", country="KE")
    speaker.get_by_role("tab", name="Speak").click()
    speaker.click("[data-raise]")
    expect(speaker.locator("[data-mine] li")).to_have_count(1)
    moderator.get_by_role("button", name="Give the floor to the next").click()
    watcher = new_page(viewport=PHONE)
    join_as_attendee(watcher, server, name="Kofi")
    watcher.get_by_role("tab", name="Speak").click()
    present = moderator.context.new_page()
    present.goto(moderator.url.replace("/moderate", "/present"))
    for page in (watcher, present):
        expect(page.locator("[data-floor-name]").first).to_have_text("Wanjiru")
    notice = watcher.locator("[data-chatham-notice]")
    expect(notice).to_be_hidden()

    moderator.locator("[data-chatham-switch]").check()
    for page in (watcher, present):
        expect(page.locator("[data-floor-name]").first).to_have_text("A participant")
        expect(page.locator("[data-chatham-notice]")).to_be_visible()
        assert "Wanjiru" not in page.content()
    expect(present.locator("[data-floor-who]").first).to_contain_text("Academia")
    expect(moderator.locator("[data-floor-name]").first).to_have_text("Wanjiru")
    screenshot(watcher, "chatham-attendee-phone")
    screenshot(present, "chatham-present-desktop")

    moderator.locator("[data-chatham-switch]").uncheck()
    expect(watcher.locator("[data-floor-name]").first).to_have_text("Wanjiru")
    expect(notice).to_be_hidden()
    moderator.locator("[data-chatham-switch]").check()
    expect(notice).to_be_visible()
    join = new_page(viewport=PHONE)
    join.goto(f"{server.url}/j/{server.links['join_code']}")
    expect(join.locator("[data-chatham-notice]")).to_be_visible()
    screenshot(join, "chatham-join-phone")
