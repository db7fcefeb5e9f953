"""The moderator's console in a real Chromium: the status strip and the frequent controls
in view without scrolling, the agenda edited live by mouse and keyboard, confirmations in
the page for what cannot be taken back, a new poll about the running item."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, SCREENSHOTS, screenshot
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_agenda_in_browsers import join_as_attendee, open_console

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDE = {"width": 1440, "height": 900}
LAPTOP = {"width": 1280, "height": 720}
TABLET = {"width": 820, "height": 1180}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def live_console(new_page, server, viewport=WIDE):
    page = new_page(viewport=viewport)
    page.on("dialog", lambda d: pytest.fail(f"a browser dialog opened: {d.message}"))
    open_console(page, server)
    page.wait_for_function("() => document.body.dataset.live === 'live'")
    return page


def running_title(page) -> str:
    return page.locator("[data-now-title]").inner_text()


def ensure_running(page) -> None:
    """Start the agenda if nothing runs yet (tests of this module share one server)."""
    if page.locator("[data-agenda-items] li[data-state=active]").count() == 0:
        page.get_by_role("button", name="Start next item").click()
        expect(page.locator("[data-agenda-items] li[data-state=active]")).to_have_count(1)


def item_titles(page) -> list[str]:
    return page.locator("[data-agenda-items] li .title").all_inner_texts()


def whole_page_fits(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollHeight <= window.innerHeight && window.scrollY === 0"
    )


def show_questions(attendee) -> None:
    """The Questions tab, once the page is live: an open poll takes the view when the
    snapshot arrives, so a tab chosen before that would be taken back."""
    expect(attendee.locator("body")).to_have_attribute("data-live", "live")
    attendee.get_by_role("tab", name="Questions").click()
    expect(attendee.get_by_label("Your question", exact=True)).to_be_visible()


def keep(name: str) -> None:
    """Copy a screenshot of tests/artifacts into docs/screenshots (the README shows them)."""
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copy(SCREENSHOTS / f"{name}.png", DOCS / f"{name}.png")


def test_the_strip_and_the_frequent_controls_are_in_view_at_1440_by_900(server, new_page):
    console = live_console(new_page, server)
    ensure_running(console)
    attendee = new_page(viewport=PHONE)
    join_as_attendee(attendee, server, name="Ngozi Okafor", group="civil_society", country="NG")
    attendee.get_by_label("Your question", exact=True).fill(
        "How will the convention protect journalists and their sources?"
    )
    attendee.get_by_role("button", name="Ask", exact=True).click()
    attendee.get_by_role("tab", name="Speak").click()
    attendee.fill("[data-topic]", "Data protection")
    attendee.click("[data-raise]")
    expect(console.locator("[data-strip-hands]")).to_have_text("1 waiting")

    console.get_by_text("New poll").click()
    console.get_by_label("Question", exact=True).fill("Is the draft ready for signature?")
    console.get_by_label("Options, one per line").fill("Yes\nNot yet\nNeed more time")
    console.get_by_role("button", name="Open now").click()
    expect(console.locator("[data-strip-poll-question]")).to_have_text(
        "Is the draft ready for signature?"
    )
    expect(console.locator("[data-strip-poll]")).to_have_text(re.compile(r"^0 of \d+ voted"))

    strip = console.locator("[data-strip]")
    approve = console.locator("[data-q-list] li.q").first.get_by_role("button", name="Approve")
    for control in (
        strip,
        console.get_by_role("button", name="Start next item"),
        console.get_by_role("button", name="Give the floor to the next"),
        approve,
        console.locator("[data-connection]"),
    ):
        expect(control).to_be_in_viewport()
    expect(console.locator("[data-connection]")).to_have_text("Connected")
    expect(console.get_by_role("button", name="Popular")).to_have_attribute("aria-pressed", "true")
    # The one waiting to speak shows whole in the speakers' card, their badge included.
    waiting = console.locator(".speakers-console [data-queue] li").first
    for part in (waiting.locator(".badge"), waiting.get_by_role("button", name="Give the floor")):
        expect(part).to_be_in_viewport(ratio=1)
    screenshot(console, "moderator-1440")
    keep("moderator-1440")
    assert whole_page_fits(console), "the console itself must not scroll at 1440×900"
    assert serious_violations(console) == []

    console.set_viewport_size(LAPTOP)
    for control in (strip, console.get_by_role("button", name="Start next item"), approve):
        expect(control).to_be_in_viewport()
    expect(console.get_by_role("button", name="Give the floor to the next")).to_be_in_viewport()
    screenshot(console, "moderator-1280")
    keep("moderator-1280")

    console.set_viewport_size(TABLET)
    console.locator("[data-q-list]").scroll_into_view_if_needed()
    expect(strip).to_be_in_viewport()  # sticks to the top while the panes scroll by
    screenshot(console, "moderator-tablet")

    console.get_by_role("button", name="Give the floor to the next").click()
    expect(console.locator("[data-floor-name]")).to_have_text("Ngozi Okafor")
    expect(console.locator("[data-strip-floor-clock]")).to_have_text(re.compile(r"^\d:\d\d left$"))
    console.get_by_role("button", name="End turn").click()
    expect(console.locator("[data-floor-name]")).to_have_text("Nobody has the floor.")


@pytest.mark.parametrize("viewport", [WIDE, LAPTOP], ids=["1440", "1280"])
def test_the_console_in_arabic_reads_right_to_left_and_still_fits(server, new_page, viewport):
    console = new_page(viewport=viewport, locale="ar")
    open_console(console, server)
    console.wait_for_function("() => document.body.dataset.live === 'live'")
    assert console.evaluate("() => document.documentElement.dir") == "rtl"
    expect(console.locator("[data-strip] [data-action=next_item]")).to_be_in_viewport()
    expect(console.locator("[data-strip-action=next]")).to_be_in_viewport()
    name = f"moderator-{viewport['width']}-arabic"
    screenshot(console, name)
    keep(name)


def test_the_agenda_is_reordered_by_dragging_and_edited_live(server, new_page):
    console = live_console(new_page, server)
    before = item_titles(console)
    rows = console.locator("[data-agenda-items] li")
    rows.nth(3).drag_to(rows.nth(1), target_position={"x": 40, "y": 2})
    expect(console.locator("[data-agenda-items] li .title").nth(1)).to_have_text(before[3])
    assert item_titles(console) == [before[0], before[3], before[1], before[2], *before[4:]]

    row = console.locator("[data-agenda-items] li").nth(1)
    row.get_by_role("button", name=re.compile("^Edit")).click()
    title = console.locator("[data-item-form] input[name=title]")
    expect(title).to_be_focused()
    title.fill("Questions from the floor")
    console.locator("[data-item-form] input[name=minutes]").fill("25")
    console.locator("[data-item-form]").get_by_role("button", name="Save").click()
    renamed = console.locator("[data-agenda-items] li").nth(1)
    expect(renamed.locator(".title")).to_have_text("Questions from the floor")
    expect(renamed.locator(".minutes")).to_have_text("25 min")
    expect(renamed.get_by_role("button", name=re.compile("^Edit"))).to_be_focused()

    console.get_by_label("Add an item").fill("Any other business")
    console.get_by_role("button", name="Add", exact=True).click()
    expect(console.locator("[data-agenda-items] li .title").last).to_have_text("Any other business")


def test_the_agenda_is_reordered_from_the_keyboard_with_the_move_handle(server, new_page):
    console = live_console(new_page, server)
    before = item_titles(console)
    handle = console.get_by_role("button", name=f"Move “{before[2]}”")
    handle.focus()
    console.keyboard.press("ArrowUp")
    expect(console.locator("[data-agenda-items] li .title").nth(1)).to_have_text(before[2])
    expect(console.get_by_role("button", name=f"Move “{before[2]}”")).to_be_focused()
    expect(console.locator("[data-agenda-announce]")).to_have_text(
        f"“{before[2]}” is now number 2 of {len(before)}."
    )
    console.keyboard.press("ArrowDown")
    expect(console.locator("[data-agenda-items] li .title").nth(2)).to_have_text(before[2])
    assert item_titles(console) == before


def test_starting_another_item_asks_first_in_the_page(server, new_page):
    console = live_console(new_page, server)
    ensure_running(console)
    now = running_title(console)
    target = console.locator(
        "[data-agenda-items] li:not([data-state=active]) [data-start-item]"
    ).last
    title = target.inner_text()
    target.click()
    dialog = console.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text(f"Start “{title}” now?")
    expect(dialog).to_contain_text(f"“{now}” stops")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()  # the safe choice
    screenshot(console, "moderator-jump-confirmation")
    console.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert running_title(console) == now

    target.click()
    dialog.get_by_role("button", name="Start it").click()
    expect(console.locator("[data-now-title]")).to_have_text(title)


def test_banning_an_author_is_confirmed_in_the_page(server, new_page):
    console = live_console(new_page, server)
    attendee = new_page(viewport=PHONE)
    join_as_attendee(attendee, server, name="Spammer", group="other", country="")
    show_questions(attendee)  # an earlier test's poll may be open, and take the view
    attendee.get_by_label("Your question", exact=True).fill("Buy cheap followers now")
    attendee.get_by_role("button", name="Ask", exact=True).click()
    console.get_by_role("tab", name=re.compile("^Pending")).click()
    question = console.locator("[data-q-list] li.q").filter(has_text="Buy cheap followers")
    expect(question).to_have_count(1)
    dismiss = question.get_by_role("button", name="Dismiss")
    ban = question.get_by_role("button", name="Ban author")
    # Apart from the everyday actions, and not alike.
    assert dismiss.evaluate("b => getComputedStyle(b).color") != ban.evaluate(
        "b => getComputedStyle(b).color"
    )
    assert question.locator(".q-destructive button").count() == 2

    ban.click()
    dialog = console.get_by_role("dialog")
    expect(dialog.get_by_role("heading")).to_have_text("Ban Spammer?")
    screenshot(console, "moderator-ban-confirmation")
    dialog.get_by_role("button", name="Cancel").click()
    expect(question).to_have_count(1)

    ban.click()
    dialog.get_by_role("button", name="Ban", exact=True).click()
    expect(question).to_have_count(0)


def test_edit_merge_and_archive_are_in_a_menu_the_keyboard_opens(server, new_page):
    console = live_console(new_page, server)
    attendee = new_page(viewport=PHONE)
    join_as_attendee(attendee, server, name="Kofi", group="academia", country="GH")
    show_questions(attendee)  # an earlier test's poll may be open, and take the view
    attendee.get_by_label("Your question", exact=True).fill("Who funds the training?")
    attendee.get_by_role("button", name="Ask", exact=True).click()
    console.get_by_role("tab", name=re.compile("^Pending")).click()
    question = console.locator("[data-q-list] li.q").filter(has_text="Who funds the training?")
    expect(question.get_by_role("button", name="Edit")).to_be_hidden()
    more = question.get_by_text("More")
    more.focus()
    console.keyboard.press("Enter")
    expect(question.get_by_role("button", name="Edit")).to_be_visible()
    console.keyboard.press("Escape")
    expect(question.get_by_role("button", name="Edit")).to_be_hidden()
    expect(more).to_be_focused()


def test_a_new_poll_is_about_the_running_item_unless_another_is_chosen(server, new_page):
    console = live_console(new_page, server)
    ensure_running(console)
    running = console.locator("[data-agenda-items] li[data-state=active]").get_attribute(
        "data-item-id"
    )
    console.get_by_text("New poll").click()
    item = console.get_by_label("Agenda item", exact=True).last
    expect(item).to_have_value(running)

    console.get_by_label("Question", exact=True).fill("Which topic next?")
    console.get_by_label("Options, one per line").fill("Training\nFunding")
    console.get_by_role("button", name="Save as draft").click()
    draft = console.locator("[data-poll-list] .poll").filter(has_text="Which topic next?")
    title = console.locator("[data-agenda-items] li[data-state=active] .title").inner_text()
    expect(draft).to_contain_text(f"Agenda item: {title}")

    console.get_by_text("New poll").click()  # the form closed once the draft was saved
    expect(item).to_have_value(running)
    item.select_option("")  # outside the agenda items, chosen on purpose: kept
    console.locator("[data-agenda-items] [data-start-item]").first.click()
    console.get_by_role("dialog").get_by_role("button", name="Start it").click()
    expect(console.locator("[data-now-title]")).not_to_have_text(title)
    expect(item).to_have_value("")


def test_the_join_form_makes_the_person_choose_a_group(server, new_page):
    page = new_page(viewport=PHONE)
    page.goto(f"{server.url}/j/{server.links['join_code']}")
    group = page.get_by_label("Stakeholder group")
    expect(group).to_have_value("")
    page.fill("#display_name", "Awa")
    page.get_by_role("button", name="Join").click()
    error = page.locator("#stakeholder_group-error")
    expect(error).to_have_text("Choose your stakeholder group.")
    expect(group).to_be_focused()
    expect(group).to_have_attribute("aria-invalid", "true")
    assert page.url.endswith(f"/j/{server.links['join_code']}")
    assert serious_violations(page) == []
    screenshot(page, "join-phone-group-missing")
    group.select_option("academia")
    expect(error).to_be_hidden()
    page.locator("#consent").check()
    page.get_by_role("button", name="Join").click()
    page.wait_for_url(re.compile(r"/c/\w+$"))
