"""Polls in real browsers: a moderator opens, phones vote, the present view draws SVG."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_agenda_in_browsers import join_as_attendee, open_console
from tests.browser.test_weak_networks import command, moderator_token

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def present_of(moderator):
    page = moderator.context.new_page()
    page.goto(moderator.url.replace("/moderate", "/present"))
    return page


def test_a_poll_made_on_the_console_is_voted_on_a_phone_and_drawn_on_the_present_view(
    server, new_page
):
    moderator = new_page()
    open_console(moderator, server)
    moderator.click("[data-poll-new] summary")
    moderator.fill("#poll-question", "Should your country ratify the Convention?")
    moderator.fill("#poll-options", "Yes\nNo\nNot yet")
    moderator.click("[data-submit=open]")
    expect(moderator.locator(".poll-badge-open")).to_be_visible()
    # The form closes above the new poll: the pane shows the poll from its top, not
    # scrolled to where the form's buttons were.
    made = moderator.get_by_role("heading", name="Should your country ratify the Convention?")
    expect(made).to_be_in_viewport(ratio=1)
    present = present_of(moderator)
    attendee = new_page(viewport=PHONE)
    join_as_attendee(attendee, server, name="Ngozi")

    expect(attendee.locator(".poll-live legend")).to_have_text(
        "Should your country ratify the Convention?"
    )
    attendee.locator(".poll-choice", has_text="Not yet").click()
    attendee.click(".poll-form button[type=submit]")
    expect(attendee.locator(".poll-status")).to_have_text("Your vote is recorded.")
    expect(attendee.locator(".poll-form button[type=submit]")).to_have_text("Change my vote")

    expect(present.locator(".poll-svg rect.poll-bar")).to_have_count(1)
    expect(present.locator(".poll-summary")).to_contain_text("Turnout: 1 of")
    expect(present.locator(".poll-table tbody tr").nth(2)).to_contain_text("Not yet")
    expect(moderator.locator(".poll-summary")).to_contain_text("Turnout: 1 of")
    moderator.select_option(".poll-by select", "stakeholder_group")
    expect(moderator.locator(".poll-breakdown")).to_contain_text("Civil society")
    screenshot(attendee, "polls-attendee-phone")
    screenshot(present, "polls-present")
    screenshot(moderator, "polls-moderator")
    for page in (attendee, present, moderator):
        assert serious_violations(page) == []


def test_after_close_results_stay_off_every_public_screen_until_the_close(server, new_page):
    token = moderator_token(server)
    poll = {
        "type": "word_cloud",
        "question": "One word for what your region needs",
        "visibility": "after_close",
        "open": True,
    }
    poll_id = command(server, token, "create_poll", poll)["poll_id"]
    moderator = new_page()
    open_console(moderator, server)
    present = present_of(moderator)
    attendee = new_page(viewport=PHONE)
    join_as_attendee(attendee, server, name="Kwame", group="government", country="GH")
    attendee.fill(f"#poll-{poll_id}-0", "Capacity building")
    attendee.fill(f"#poll-{poll_id}-1", "trust")
    attendee.click(".poll-form button[type=submit]")
    expect(attendee.locator(".poll-status")).to_have_text("Your vote is recorded.")

    hidden = "Results will be shown when the poll closes."
    expect(attendee.locator(".poll-live .poll-results")).to_have_text(hidden)
    expect(present.locator(".poll-results")).to_have_text(hidden)
    expect(moderator.locator(f"[data-poll-id='{poll_id}'] .poll-word")).to_have_count(2)
    attendee.wait_for_timeout(600)  # several tally ticks: still nothing public
    assert present.locator(".poll-word").count() == 0
    assert attendee.locator(".poll-word").count() == 0

    assert command(server, token, "close_poll", {"poll_id": poll_id})["ok"]
    expect(present.locator(".poll-word")).to_have_count(2)
    expect(present.locator(".poll-table")).to_contain_text("Capacity building")
    # The closed poll stays in the attendee's view, with its result, until the next one.
    expect(attendee.locator(".poll-live")).to_have_attribute("data-state", "closed")
    expect(attendee.locator(".poll-live .poll-table")).to_contain_text("Capacity building")
    screenshot(present, "polls-present-word-cloud")


def test_a_ranking_is_ordered_with_the_keyboard_and_counted_by_borda(server, new_page):
    token = moderator_token(server)
    poll = {
        "type": "ranking",
        "question": "Which matters most?",
        "options": ["Prevention", "Prosecution", "Cooperation"],
        "open": True,
    }
    assert command(server, token, "create_poll", poll)["ok"]
    attendee = new_page(viewport=PHONE)
    join_as_attendee(attendee, server, name="Aisha")
    expect(attendee.locator(".poll-ranking li").first).to_contain_text("Prevention")
    attendee.get_by_role("button", name="Move Cooperation up").click()
    attendee.keyboard.press("Enter")  # focus stays on the moved option's button
    expect(attendee.locator(".poll-ranking li").first).to_contain_text("Cooperation")
    expect(attendee.locator(".poll-status")).to_have_text("Cooperation is now number 1.")
    attendee.click(".poll-form button[type=submit]")
    expect(attendee.locator(".poll-status")).to_have_text("Your vote is recorded.")
    expect(attendee.locator(".poll-method")).to_contain_text("Borda count")
    expect(attendee.locator(".poll-table tbody tr").first).to_contain_text(
        re.compile(r"Cooperation\s*2")
    )
    screenshot(attendee, "polls-ranking-phone")


def test_an_open_answer_reaches_the_present_view_only_once_the_moderator_shows_it(server, new_page):
    token = moderator_token(server)
    poll = {"type": "open_text", "question": "What should the Convention protect?", "open": True}
    poll_id = command(server, token, "create_poll", poll)["poll_id"]
    moderator = new_page()
    open_console(moderator, server)
    present = present_of(moderator)
    attendee = new_page(viewport=PHONE)
    join_as_attendee(attendee, server, name="Fatou", group="academia", country="SN")
    attendee.fill(f"#poll-{poll_id}-text", "Journalists and their sources")
    attendee.click(".poll-form button[type=submit]")
    expect(attendee.locator(".poll-status")).to_have_text("Your vote is recorded.")

    answer = moderator.locator(f"[data-poll-id='{poll_id}'] .poll-answers li")
    expect(answer).to_contain_text("Journalists and their sources")
    expect(present.locator(".poll-results")).to_contain_text("No answers shown yet.")
    answer.get_by_role("button", name="Show").click()
    expect(present.locator(".poll-answers")).to_have_text("Journalists and their sources")
    expect(answer.get_by_role("button", name="Hide")).to_be_focused()

    rapporteur = new_page()
    rapporteur.goto(f"{server.url}/r/{server.links['rapporteur']}")
    rapporteur.click("button[type=submit]")
    expect(rapporteur.locator(".poll-question").first).to_be_visible()
    expect(rapporteur.locator(".poll-breakdown caption").first).to_contain_text(
        "By stakeholder group: Which matters most?"
    )
    expect(rapporteur.locator(".poll-breakdown").nth(1)).to_contain_text("Country")
    assert serious_violations(rapporteur) == []
    screenshot(rapporteur, "polls-rapporteur")


def test_a_word_excluded_on_the_console_leaves_the_present_views_cloud(server, new_page):
    token = moderator_token(server)
    poll = {"type": "word_cloud", "question": "One word for the Convention", "open": True}
    poll_id = command(server, token, "create_poll", poll)["poll_id"]
    moderator = new_page()
    open_console(moderator, server)
    present = present_of(moderator)
    for name, word in (("Kofi", "Cooperation"), ("Ama", "Nonsenseword")):
        attendee = new_page(viewport=PHONE)
        join_as_attendee(attendee, server, name=name)
        attendee.fill(f"#poll-{poll_id}-0", word)
        attendee.click(".poll-form button[type=submit]")
        expect(attendee.locator(".poll-status")).to_have_text("Your vote is recorded.")
    expect(present.locator(".poll-word")).to_have_count(2)

    card = moderator.locator(f"[data-poll-id='{poll_id}']")
    card.get_by_role("button", name="Answers one by one").click()
    answer = card.locator(".poll-answers li", has_text="Nonsenseword")
    answer.get_by_role("button", name="Exclude").click()

    expect(present.locator(".poll-word")).to_have_count(1)
    expect(present.locator(".poll-chart")).not_to_contain_text("Nonsenseword")
    expect(answer).to_contain_text("Excluded")
    expect(answer.get_by_role("button", name="Include again")).to_be_focused()
    assert serious_violations(moderator) == []
    screenshot(moderator, "polls-moderator-excluded-answer")
    screenshot(present, "polls-present-after-exclusion")
