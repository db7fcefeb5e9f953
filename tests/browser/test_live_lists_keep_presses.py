"""A press on a live list is not lost when the list changes under it.

The question queue re-renders whenever a question comes or a count moves: several
times a second in a vote burst (the counts are pushed four times a second). A press
is a mouse-down and a mouse-up on the same element; a list rebuilt between the two
had replaced the element, so the browser sent no click at all and the upvote was lost
without a word. CI once lost the upvote of the question test this way: the approval's
own count push re-rendered the list as the voter pressed.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.test_agenda_in_browsers import join_as_attendee, open_console
from tests.browser.test_questions_in_browsers import Person

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def ask(person: Person, text: str) -> None:
    person.page.fill("#q-text", text)
    person.page.click("[data-q-ask] button[type=submit]")
    person.page.wait_for_selector("[data-q-mine] li.q")


def press_and_hold(page, control):
    """The mouse down on `control`, held: the caller lets go with `page.mouse.up()`."""
    control.scroll_into_view_if_needed()
    box = control.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()


def raise_hand(page, topic: str) -> None:
    page.get_by_role("tab", name="Speak").click()
    page.fill("[data-topic]", topic)
    page.click("[data-raise]")
    expect(page.locator("[data-mine] li")).to_have_count(1)


def approve(console, text: str) -> None:
    card = console.locator("[data-q-list] li.q", has_text=text)
    card.focus()
    console.keyboard.press("a")
    card.wait_for(state="detached")


def test_an_upvote_pressed_while_the_queue_changes_still_counts(server, browser):
    url, links = server.url, server.links
    chair = Person(browser, f"{url}/m/{links['moderator']}").enter("Chair", r"/moderate$")
    first_asker = Person(browser, f"{url}/j/{links['join_code']}").enter("Amina", r"/c/\w+$")
    second_asker = Person(browser, f"{url}/j/{links['join_code']}").enter("Kwame", r"/c/\w+$")
    voter = Person(browser, f"{url}/j/{links['join_code']}").enter("Kofi", r"/c/\w+$")
    ask(first_asker, "Who pays for the training of judges?")
    ask(second_asker, "Will small firms have to report every incident?")
    chair.page.wait_for_selector("[data-q-list] li.q >> nth=1")
    approve(chair.page, "training of judges")

    page = voter.page
    card = page.locator("[data-q-list] li.q", has_text="training of judges")
    button = card.locator("[data-slot=vote]")
    press_and_hold(page, button)
    # While the voter's finger is down, the queue changes: a second question comes in.
    approve(chair.page, "small firms")
    page.wait_for_selector("[data-q-list] li.q >> nth=1")
    page.mouse.up()

    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-q-list] li.q')]
            .find((li) => li.textContent.includes('training of judges'))
            ?.querySelector('[data-slot=vote]').getAttribute('aria-pressed') === 'true'"""
    )
    first_asker.page.wait_for_function(
        "() => document.querySelector('[data-q-mine] [data-slot=votes]')?.textContent === '1 vote'"
    )
    for person in (chair, first_asker, second_asker, voter):
        assert person.errors == []


def test_the_floor_given_while_another_hand_goes_up_is_given(server, new_page):
    chair = new_page()
    open_console(chair, server)
    chair.click("[data-action=next_item]")
    first, second = new_page(viewport=PHONE), new_page(viewport=PHONE)
    join_as_attendee(first, server, name="Wanjiru", group="academia", country="KE")
    join_as_attendee(second, server, name="Tendai", group="private_sector", country="ZW")
    raise_hand(first, "Capacity building")
    queue = chair.locator("[data-queue] li")
    expect(queue).to_have_count(1)

    press_and_hold(chair, queue.first.get_by_role("button", name="Give the floor"))
    # While the chair's press is down, the queue changes: another hand goes up.
    raise_hand(second, "Data retention")
    expect(queue).to_have_count(2)
    chair.mouse.up()

    expect(chair.locator("[data-floor-name]")).to_have_text("Wanjiru")
    expect(first.locator("[data-my-floor]")).to_be_visible()


def test_a_menu_open_on_the_console_stays_open_while_the_counts_move(server, browser):
    url, links = server.url, server.links
    chair = Person(browser, f"{url}/m/{links['moderator']}").enter("Chair", r"/moderate$")
    voter = Person(browser, f"{url}/j/{links['join_code']}").enter("Ngozi", r"/c/\w+$")
    chair.page.get_by_role("tab", name=re.compile("^Live")).click()
    card = chair.page.locator("[data-q-list] li.q", has_text="small firms")
    card.get_by_text("More").click()
    expect(card.get_by_role("button", name="Edit")).to_be_visible()

    voter.page.locator("[data-q-list] li.q", has_text="small firms").locator(
        "[data-slot=vote]"
    ).click()
    expect(card.locator("[data-slot=votes]")).to_have_text("1 vote")  # the list re-rendered
    expect(card.get_by_role("button", name="Edit")).to_be_visible()
