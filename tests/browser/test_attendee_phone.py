"""The attendee's phone (375 × 667): what is live comes first, feedback is where the finger is.

A sticky bar with the running item and its clock, tabs one tap away (Questions, Poll, Speak,
Agenda); a poll that opens takes the view; a question sent shows at once under "Your
questions"; a ranking is ordered before it is sent; after the end, thanks and nothing to press.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_agenda_in_browsers import join_as_attendee
from tests.browser.test_weak_networks import command, moderator_token, snapshot
from tests.realtime.servers import start_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def fresh(tmp_path):
    """A consultation of its own for each test: polls, questions and the end do not leak."""
    running = start_server(tmp_path / "instance")
    yield running
    running.stop()


def phone(new_page, server, lang="en", name="Amina", **options):
    page = new_page(viewport=PHONE, locale=lang, **options)
    page.on("pageerror", lambda error: pytest.fail(f"page error: {error}"))
    join_as_attendee(page, server, name=name)
    expect(page.locator("body")).to_have_attribute("data-live", "live")
    return page


def start_first_item(server, token):
    items = snapshot(server, token)["agenda"]["items"]
    assert command(server, token, "start_item", {"item_id": items[0]["id"]})["ok"]
    return items[0]


def test_the_running_item_and_its_clock_stay_in_sight_above_the_tabs(fresh, new_page):
    token = moderator_token(fresh)
    item = start_first_item(fresh, token)
    page = phone(new_page, fresh)
    expect(page.locator("[data-bar-title]")).to_have_text(item["title"])
    expect(page.locator("[data-bar-remaining]")).to_have_text(re.compile(r"\d+:\d\d"))
    page.mouse.wheel(0, 2000)
    expect(page.locator("[data-live-bar]")).to_be_in_viewport()
    expect(page.get_by_role("tab", name="Questions")).to_be_in_viewport()
    page.evaluate("scrollTo(0, 0)")
    screenshot(page, "attendee-phone-en", full_page=False)
    assert serious_violations(page) == []


def test_a_poll_that_opens_takes_the_view_within_a_second_and_leads_back(fresh, new_page):
    token = moderator_token(fresh)
    page = phone(new_page, fresh)
    page.get_by_role("tab", name="Agenda").click()
    poll = {"type": "single", "question": "Should your country ratify?", "options": ["Yes", "No"]}
    poll_id = command(fresh, token, "create_poll", poll)["poll_id"]
    assert command(fresh, token, "open_poll", {"poll_id": poll_id})["ok"]

    first = page.locator(".poll-live .poll-choice").first
    expect(first).to_be_in_viewport(timeout=1000)
    expect(page.get_by_role("tab", name="Poll")).to_have_attribute("aria-selected", "true")
    expect(page.locator("[data-poll-announce]")).to_have_text(
        "A poll is open: Should your country ratify?"
    )
    # Before voting, no bars to follow; after, the live results.
    expect(page.locator(".poll-live .poll-results")).to_have_text(
        "The results show once you have voted."
    )
    screenshot(page, "attendee-phone-poll", full_page=False)
    first.click()
    page.click(".poll-form button[type=submit]")
    expect(page.locator(".poll-status")).to_have_text("Your vote is recorded.")
    expect(page.locator(".poll-live .poll-summary")).to_contain_text("1 of")

    # Closed: the result stays on the stage until the next poll.
    assert command(fresh, token, "close_poll", {"poll_id": poll_id})["ok"]
    expect(page.locator(".poll-live")).to_have_attribute("data-state", "closed")
    expect(page.locator(".poll-live .poll-summary")).to_be_visible()
    expect(page.locator(".poll-live .poll-form input").first).to_be_disabled()

    page.get_by_role("button", name="Back to Agenda").click()
    expect(page.get_by_role("tab", name="Agenda")).to_have_attribute("aria-selected", "true")
    expect(page.locator("[data-agenda]")).to_be_visible()


def test_a_change_in_another_tab_shows_a_badge_until_it_is_opened(fresh, new_page):
    token = moderator_token(fresh)
    page = phone(new_page, fresh)
    badge = page.get_by_role("tab", name="Agenda").locator("[data-tab-badge]")
    expect(badge).to_be_hidden()
    start_first_item(fresh, token)
    expect(badge).to_be_visible()
    page.get_by_role("tab", name="Agenda").click()
    expect(badge).to_be_hidden()
    # The tabs pattern: arrows move between tabs.
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Questions")).to_be_focused()


def test_a_question_sent_shows_at_once_under_your_questions_with_its_state(fresh, new_page):
    page = phone(new_page, fresh)
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.locator("[data-q-error]")).to_have_text("Write your question first.")
    expect(page.locator("[data-q-error]")).to_be_in_viewport()

    text = "How will the Convention protect journalists' sources?"
    page.get_by_label("Your question", exact=True).fill(text)
    page.get_by_role("button", name="Ask", exact=True).click()
    sent = page.locator("[data-q-sent]")
    card = page.locator("[data-q-mine] li.q").filter(has_text=text)
    expect(sent).to_have_text("Sent. It will appear once a moderator approves it.")
    expect(sent).to_be_in_viewport()
    expect(card).to_be_in_viewport()
    expect(card.locator("[data-slot=state]")).to_have_text("Waiting for a moderator")
    screenshot(page, "attendee-phone-asked", full_page=False)
    expect(sent).to_be_empty(timeout=10_000)  # the confirmation fades

    # Approved and voted for: one card, one state, the author's own count.
    token = moderator_token(fresh)
    question_id = int(card.get_attribute("data-question-id"))
    assert command(fresh, token, "approve_question", {"question_id": question_id})["ok"]
    expect(card.locator("[data-slot=state]")).to_have_text("In the queue")
    other = phone(new_page, fresh, name="Kwame")
    other.locator("[data-q-list] li.q").filter(has_text=text).locator("[data-slot=vote]").click()
    expect(card.locator("[data-slot=votes]")).to_have_text("1 vote")
    assert command(fresh, token, "pin_question", {"question_id": question_id})["ok"]
    expect(card.locator("[data-slot=state]")).to_have_text("Being answered now")
    expect(page.locator("li.q").filter(has_text=text)).to_have_count(1)
    expect(page.locator("[data-q-list] li.q")).to_have_count(0)


def test_a_merged_question_names_the_question_it_was_merged_into(fresh, new_page):
    token = moderator_token(fresh)
    page = phone(new_page, fresh)
    other = phone(new_page, fresh, name="Kwame")
    for person, text in (
        (other, "Who protects whistleblowers?"),
        (page, "Whistleblowers: who protects them?"),
    ):
        person.get_by_label("Your question", exact=True).fill(text)
        person.get_by_role("button", name="Ask", exact=True).click()
        expect(person.locator("[data-q-mine] li.q")).to_have_count(1)
    ids = {q["text"]: q["id"] for q in snapshot(fresh, token)["questions"]["list"]}
    target, source = ids["Who protects whistleblowers?"], ids["Whistleblowers: who protects them?"]
    assert command(fresh, token, "approve_question", {"question_id": target})["ok"]
    assert command(fresh, token, "merge_questions", {"question_id": source, "into_id": target})[
        "ok"
    ]
    expect(page.locator("[data-q-mine] [data-slot=state]")).to_have_text(
        "Merged into «Who protects whistleblowers?»"
    )


def test_a_ranking_cannot_be_sent_untouched_and_is_ordered_with_the_keyboard(fresh, new_page):
    token = moderator_token(fresh)
    options = ["International cooperation on electronic evidence", "Prevention", "Prosecution"]
    poll = {"type": "ranking", "question": "Which matters most?", "options": options, "open": True}
    assert command(fresh, token, "create_poll", poll)["ok"]
    page = phone(new_page, fresh)
    rows = page.locator(".poll-ranking li")
    expect(rows.first.locator(".poll-rank-place")).to_have_text("1")
    expect(rows.first.locator(".poll-rank-name")).to_have_text(options[0])  # the full label
    assert rows.first.locator(".poll-rank-name").evaluate("(n) => n.scrollWidth <= n.clientWidth")

    page.click(".poll-form button[type=submit]")
    expect(page.locator(".poll-status")).to_have_text(
        "Put the options in your order first, or press “Keep this order”."
    )
    page.get_by_role("button", name="Move Prosecution up").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # the focus stays on the moved option's button
    expect(rows.first).to_contain_text("Prosecution")
    expect(rows.first.locator(".poll-rank-place")).to_have_text("1")
    expect(page.locator(".poll-status")).to_have_text("Prosecution is now number 1.")
    screenshot(page, "attendee-phone-ranking", full_page=False)
    page.click(".poll-form button[type=submit]")
    expect(page.locator(".poll-status")).to_have_text("Your vote is recorded.")


def test_keep_this_order_sends_the_order_as_shown(fresh, new_page):
    token = moderator_token(fresh)
    poll = {"type": "ranking", "question": "Order?", "options": ["A", "B", "C"], "open": True}
    assert command(fresh, token, "create_poll", poll)["ok"]
    page = phone(new_page, fresh)
    page.get_by_role("button", name="Keep this order").click()
    page.click(".poll-form button[type=submit]")
    expect(page.locator(".poll-status")).to_have_text("Your vote is recorded.")


def test_a_ranking_is_reordered_by_dragging(fresh, new_page):
    token = moderator_token(fresh)
    poll = {"type": "ranking", "question": "Order?", "options": ["A", "B", "C"], "open": True}
    assert command(fresh, token, "create_poll", poll)["ok"]
    page = phone(new_page, fresh)
    rows = page.locator(".poll-ranking li")
    handle = rows.nth(2).locator(".poll-rank-handle")
    target = rows.first.bounding_box()
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, target["y"] + 2, steps=8)
    page.mouse.up()
    expect(rows.first.locator(".poll-rank-name")).to_have_text("C")


def test_the_end_screen_thanks_and_disables_every_input(fresh, new_page):
    token = moderator_token(fresh)
    start_first_item(fresh, token)
    page = phone(new_page, fresh)
    expect(page.locator("[data-agenda-next]")).not_to_be_empty()
    assert command(fresh, token, "end_consultation")["ok"]
    expect(page.locator("[data-end]")).to_be_visible()
    expect(page.locator("[data-end]")).to_be_in_viewport()
    expect(page.locator("[data-end] h2")).to_have_text(
        "The consultation has ended. Thank you for taking part."
    )
    enabled = page.locator(
        "[data-panels] :is(input, textarea, select, button[type=submit]):enabled"
    )
    expect(enabled).to_have_count(0)
    expect(page.locator("[data-bar-clock]")).to_be_hidden()
    page.get_by_role("tab", name="Agenda").click()
    expect(page.locator("[data-agenda-next]")).to_be_hidden()
    expect(page.locator("[data-whole-end]")).to_be_hidden()
    page.get_by_role("tab", name="Questions").click()
    page.evaluate("scrollTo(0, 0)")
    screenshot(page, "attendee-phone-ended", full_page=False)
    assert serious_violations(page) == []


def test_the_end_screen_leads_to_the_report_once_published_live_and_on_reload(fresh, new_page):
    token = moderator_token(fresh)
    start_first_item(fresh, token)
    page = phone(new_page, fresh)
    assert command(fresh, token, "end_consultation")["ok"]
    read = page.get_by_role("link", name="Read the report")
    expect(page.locator("[data-end]")).to_be_visible()
    expect(read).to_be_hidden()

    published = command(fresh, token, "publish_report")  # long after the end: still live
    path = published["publication"]["report"]

    expect(read).to_be_visible()
    expect(read).to_have_attribute("href", path)
    expect(page.locator("[data-tab-announce]")).to_have_text("The report is published.")
    page.evaluate("scrollTo(0, 0)")
    screenshot(page, "attendee-phone-ended-report", full_page=False)
    assert serious_violations(page) == []
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-live", "live")
    expect(read).to_be_visible()
    read.click()
    page.wait_for_url(re.compile(re.escape(path) + "$"))
    expect(page.locator("h1")).to_have_text("Regional Cybercrime Consultations for Africa")
    assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
    screenshot(page, "published-report-phone", full_page=False)
    assert serious_violations(page) == []

    assert command(fresh, token, "publish_moderation_page")["ok"]
    page.go_back()
    expect(page.locator("body")).to_have_attribute("data-live", "live")
    figures = page.get_by_role("link", name="Moderation in figures")
    expect(figures).to_be_visible()
    figures.click()
    expect(page.locator(".published-moderation h1")).to_be_visible()
    screenshot(page, "published-moderation-phone", full_page=False)
    assert serious_violations(page) == []

    assert command(fresh, token, "withdraw_report")["ok"]
    page.go_back()
    expect(page.locator("body")).to_have_attribute("data-live", "live")
    expect(read).to_be_hidden()
    page.goto(f"{fresh.url}{path}")
    expect(page.locator("h1")).to_have_text("This report is not published")


def test_a_question_s_receipt_opens_its_state_on_another_device(fresh, new_page):
    token = moderator_token(fresh)
    start_first_item(fresh, token)
    page = phone(new_page, fresh)
    page.get_by_label("Your question", exact=True).fill("Who pays for the training?")
    page.get_by_role("button", name="Ask", exact=True).click()
    mine = page.locator("[data-q-mine] li.q").filter(has_text="Who pays for the training?")
    receipt = mine.get_by_role("link", name="Follow this question from any device")
    expect(receipt).to_be_visible()
    screenshot(page, "attendee-phone-receipt-link", full_page=False)
    address = fresh.url + receipt.get_attribute("href")
    question_id = snapshot(fresh, token)["questions"]["list"][0]["id"]
    dismissed = command(
        fresh, token, "dismiss_question", {"question_id": question_id, "reason": "Asked already"}
    )
    assert dismissed["ok"], dismissed

    other = new_page(viewport=PHONE, locale="ar")  # another device, in Arabic, never joined
    other.goto(address)
    expect(other.locator(".receipt-text")).to_have_text("Who pays for the training?")
    expect(other.locator(".receipt-state")).to_have_attribute("data-state", "dismissed")
    expect(other.locator(".receipt-reason")).to_contain_text("Asked already")
    screenshot(other, "receipt-phone-arabic", full_page=False)
    assert serious_violations(other) == []
    other.goto(f"{fresh.url}/q/not-a-receipt")
    expect(other.locator("h1")).to_be_visible()


@pytest.mark.parametrize(
    ("theme", "options"),
    [
        ("light", {"color_scheme": "light"}),
        ("dark", {"color_scheme": "dark"}),
        ("contrast", {"forced_colors": "none", "color_scheme": "light"}),
    ],
)
def test_light_dark_and_high_contrast_have_no_serious_violations(fresh, new_page, theme, options):
    token = moderator_token(fresh)
    start_first_item(fresh, token)
    poll = {"type": "single", "question": "Ready?", "options": ["Yes", "No"], "open": True}
    assert command(fresh, token, "create_poll", poll)["ok"]
    page = phone(new_page, fresh, **options)
    if theme == "contrast":
        page.get_by_role("tab", name="Agenda").click()
        page.get_by_role("button", name="High contrast").click()
        expect(page.locator("html")).to_have_attribute("data-contrast", "more")
        assert serious_violations(page) == []
        page.get_by_role("tab", name="Poll").click()
    expect(page.locator(".poll-live .poll-choice").first).to_be_visible()
    screenshot(page, f"attendee-phone-{theme}", full_page=False)
    assert serious_violations(page) == []
    page.get_by_role("tab", name="Questions").click()
    assert serious_violations(page) == []


def test_the_phone_in_arabic_is_mirrored(fresh, new_page):
    token = moderator_token(fresh)
    start_first_item(fresh, token)
    page = phone(new_page, fresh, lang="ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    tabs = page.locator("[role=tab]")
    first, last = tabs.first.bounding_box(), tabs.last.bounding_box()
    assert first["x"] > last["x"]  # the first tab on the right
    screenshot(page, "attendee-phone-ar-tabs", full_page=False)
    assert serious_violations(page) == []


def test_targets_are_at_least_44_px(fresh, new_page):
    page = phone(new_page, fresh)
    small = page.evaluate(
        """() => [...document.querySelectorAll(
             ".languages a, [role=tab], .q-ask button, label.check, .contrast-toggle, summary")]
           .filter((n) => n.offsetParent !== null)
           .map((n) => [n.textContent.trim().slice(0, 20), n.getBoundingClientRect()])
           .filter(([, box]) => box.width < 44 || box.height < 44)
           .map(([name, box]) => `${name}: ${Math.round(box.width)}×${Math.round(box.height)}`)"""
    )
    assert small == []
