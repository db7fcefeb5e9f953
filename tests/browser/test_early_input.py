"""Input made before a live page's own script has loaded is kept, not lost.

On a slow link the page shows its controls before its part (static/dist/<page>.js)
is there to listen: a question asked then would have reloaded the page with its
text in the address, and a tap on the console would have done nothing. The shared
core holds both and replays them once the part is mounted.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import PHONE
from tests.browser.test_agenda_in_browsers import join_as_attendee, open_console

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def reload_with_the_part_held(page: Page, part: str) -> list[Route]:
    """Reload `page`, its part's download held until the test lets it go."""
    held: list[Route] = []
    page.route(f"**/static/dist/{part}.js*", lambda route: held.append(route))
    with page.expect_request(re.compile(rf"/static/dist/{part}\.js")):
        page.reload(wait_until="domcontentloaded")  # the core has run; the part waits
    return held


def let_go(page: Page, held: list[Route]) -> None:
    assert held, "the part was never asked for"
    for route in held:
        route.continue_()
    expect(page.locator("body")).to_have_attribute("data-live", "live")


def test_a_question_asked_before_the_page_has_its_script_is_sent_once_it_has(server, new_page):
    page = new_page(viewport=PHONE)
    join_as_attendee(page, server, name="Thandiwe")
    address = page.url
    held = reload_with_the_part_held(page, "attendee")

    text = "Will small businesses have a say in the Convention's review?"
    page.fill("#q-text", text)
    page.get_by_role("button", name="Ask", exact=True).click()
    assert page.url == address  # no native submit: the text is not in the address

    let_go(page, held)
    mine = page.locator("[data-q-mine] li.q").filter(has_text=text)
    expect(mine).to_have_count(1)
    expect(mine.locator("[data-slot=state]")).to_have_text("Waiting for a moderator")
    assert page.url == address


def test_a_tap_on_the_console_before_its_script_is_there_takes_effect_once_it_is(server, new_page):
    console = new_page()
    open_console(console, server)
    held = reload_with_the_part_held(console, "moderator")

    console.click("[data-action=next_item]")
    expect(console.locator("[data-now-title]")).not_to_have_text(re.compile("Opening"))

    let_go(console, held)
    expect(console.locator("[data-now-title]")).to_have_text("Opening and welcome")
