"""One store of the consultation's state on every page: no feature keeps a copy that drifts.

Each feature used to track the agenda on its own; two copies drifted from the
server's: the questions' item list ignored a reordering, and the polls kept an
ended item as the current one.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot
from tests.browser.test_agenda_in_browsers import join_as_attendee, open_console
from tests.browser.test_weak_networks import command, moderator_token, snapshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_reordered_agenda_reorders_the_items_a_question_can_be_about(server, new_page):
    attendee = new_page(viewport=PHONE)
    join_as_attendee(attendee, server, name="Kwame")
    token = moderator_token(server)
    items = snapshot(server, token)["agenda"]["items"]
    titles = [item["title"] for item in items]
    about = attendee.locator("#q-item option")
    expect(about).to_have_count(len(items) + 1)
    expect(about.nth(1)).to_have_text(titles[0])

    reversed_ids = [item["id"] for item in reversed(items)]
    assert command(server, token, "reorder_items", {"order": reversed_ids})["ok"]

    expect(attendee.locator("[data-agenda-items] li .title").first).to_have_text(titles[-1])
    expect(about).to_have_text(["The agenda item running now", *reversed(titles)])
    expect(attendee.locator("[data-q-filter] option")).to_have_text(
        ["All items", "General", *reversed(titles)]
    )
    screenshot(attendee, "attendee-phone-agenda-reordered")


def test_a_draft_poll_is_no_longer_for_the_current_item_once_that_item_ends(server, new_page):
    token = moderator_token(server)
    item = snapshot(server, token)["agenda"]["items"][1]
    poll = {
        "type": "single",
        "question": "Is a regional contact point enough?",
        "options": ["Yes", "No"],
        "item_id": item["id"],
    }
    poll_id = command(server, token, "create_poll", poll)["poll_id"]
    console = new_page()
    open_console(console, server)
    meta = console.locator(f"article[data-poll-id='{poll_id}'] .poll-meta", has_text="Agenda item")
    expect(meta).to_have_text(f"Agenda item: {item['title']}")

    assert command(server, token, "start_item", {"item_id": item["id"]})["ok"]
    expect(meta).to_have_text(f"Agenda item: {item['title']} · For the current item")

    assert command(server, token, "end_consultation")["ok"]
    expect(console.locator("[data-now-title]")).to_have_text("Ended")
    expect(meta).to_have_text(f"Agenda item: {item['title']}")
    screenshot(console, "moderator-desktop-ended-draft-poll")
