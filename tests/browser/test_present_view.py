"""The present view in real browsers: one subject at a time, full screen, following the
action or the moderator's choice, fitting a projector and a shared call screen in every
language, with the join details always in sight and a QR code that decodes."""

from __future__ import annotations

import io
import re

import pytest
import requests
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_agenda_in_browsers import open_console
from tests.browser.test_weak_networks import block_websocket, command, moderator_token

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FULL_HD = {"width": 1920, "height": 1080}
HD = {"width": 1280, "height": 720}
CALL = {"width": 1024, "height": 576}  # a 16:9 share shown in a call's window
POLL = {
    "type": "single",
    "question": "Should the region ratify the Convention on Cybercrime this year?",
    "options": ["Yes, this year", "Yes, but later", "No", "Not sure yet"],
    "open": True,
}
QUESTION = (
    "How will the Convention protect journalists and security researchers "
    "who handle leaked data in the public interest?"
)
MEASURE = """() => ({
  height: document.scrollingElement.scrollHeight, innerHeight,
  width: document.scrollingElement.scrollWidth, innerWidth,
})"""


def fits(page) -> None:
    """Nothing to scroll, either way."""
    size = page.evaluate(MEASURE)
    assert size["height"] <= size["innerHeight"], f"scrolls down: {size}"
    assert size["width"] <= size["innerWidth"], f"scrolls sideways: {size}"


def font_px(locator) -> float:
    return float(locator.evaluate("(node) => getComputedStyle(node).fontSize").removesuffix("px"))


def decoded(locator) -> list[str]:
    picture = Image.open(io.BytesIO(locator.screenshot()))
    return [barcode.text for barcode in zxingcpp.read_barcodes(picture)]


def on_screen(page, subject: str) -> None:
    expect(page.locator("body")).to_have_attribute("data-screen", subject)
    expect(page.locator(f"[data-subject={subject}]")).to_be_visible()
    expect(page.locator("[data-fresh]")).to_have_count(0)  # bars grown in


def join_attendee(server, name: str) -> str:
    response = requests.post(
        f"{server.url}/api/consultations/{server.links['join_code']}/join",
        json={"display_name": name, "stakeholder_group": "academia", "country": "KE"},
        timeout=10,
    )
    return response.json()["token"]


def present_pages(context, server, viewports):
    pages = []
    for viewport in viewports:
        page = context.new_page()
        page.set_viewport_size(viewport)
        page.goto(f"{server.url}/c/{server.links['join_code']}/present")
        expect(page.locator("body")).to_have_attribute("data-live", "live")
        pages.append(page)
    return pages


def test_the_present_view_follows_the_action_and_fits_the_screen(server, new_page):
    console = new_page()
    open_console(console, server)
    token = moderator_token(server)
    big, small = present_pages(console.context, server, [FULL_HD, HD])
    screens = (big, small)
    link = f"{server.url}/j/{server.links['join_code']}"

    # Before the start: the join card, its QR code big.
    for page in screens:
        on_screen(page, "join")
        expect(page.locator(".join-corner")).to_be_hidden()
        fits(page)
        assert decoded(page.locator(".join-qr")) == [link]
        assert font_px(page.locator(".join-code-big")) >= 48
    screenshot(big, "present-1920-join")
    screenshot(small, "present-1280-join")

    # An item runs: its title and clock, big; the join details in their corner.
    console.click("[data-action=next_item]")
    for page in screens:
        on_screen(page, "agenda")
        expect(page.locator("[data-now-title]")).to_have_text("Opening and welcome")
        expect(page.locator("[data-now-remaining]")).to_have_text(re.compile(r"^\d+:\d\d$"))
        assert font_px(page.locator("[data-now-title]")) >= 48
        assert font_px(page.locator("[data-now-remaining]")) >= 48
        expect(page.locator("[data-agenda-next]")).to_contain_text("Regional")
        expect(page.locator(".join-corner")).to_be_visible()
        expect(page.locator(".join-corner .join-code")).to_have_text(server.links["join_code"])
        fits(page)
    assert decoded(big.locator(".join-corner img")) == [link]
    screenshot(big, "present-1920-agenda")
    screenshot(small, "present-1280-agenda")

    # A poll opened takes the screen; votes come in as bars, nothing to press.
    poll_id = command(server, token, "create_poll", POLL)["poll_id"]
    for name, answer in (("Wanjiru", 0), ("Kofi", 0), ("Amina", 1)):
        voted = command(
            server,
            join_attendee(server, name),
            "cast_ballot",
            {"poll_id": poll_id, "answer": answer},
        )
        assert voted["ok"], voted
    for page in screens:
        on_screen(page, "poll")
        expect(page.locator(".poll-question")).to_have_text(POLL["question"])
        expect(page.locator(".poll-svg rect.poll-bar")).to_have_count(2)
        expect(page.locator(".poll-summary")).to_contain_text("3")
        expect(page.locator("[data-subject=poll] button")).to_have_count(0)
        expect(page.locator(".poll-table")).to_have_count(1)  # for screen readers, out of sight
        fits(page)
    screenshot(big, "present-1920-poll")
    screenshot(small, "present-1280-poll")
    assert serious_violations(big) == []

    # Closed, its result stays until something else takes the screen.
    command(server, token, "close_poll", {"poll_id": poll_id})
    for page in screens:
        expect(page.locator(".poll-badge")).to_have_text("Closed")
        on_screen(page, "poll")
    screenshot(big, "present-1920-poll-closed")

    # The floor given takes the screen, with the speaker's clock.
    speaker = join_attendee(server, "Wanjiru Kamau")
    assert command(server, speaker, "raise_hand", {"topic": "Capacity building"})["ok"]
    assert command(server, token, "give_floor", {})["ok"]
    for page in screens:
        on_screen(page, "floor")
        expect(page.locator("[data-floor-name]")).to_have_text("Wanjiru Kamau")
        expect(page.locator("[data-floor-remaining]")).to_have_text(re.compile(r"\d:\d\d"))
        assert font_px(page.locator("[data-floor-name]")) >= 48
        assert font_px(page.locator("[data-floor-remaining]")) >= 48
        fits(page)
    screenshot(big, "present-1920-floor")
    screenshot(small, "present-1280-floor")
    assert serious_violations(big) == []

    # The turn over, the screen returns to the running item.
    assert command(server, token, "end_turn", {})["ok"]
    for page in screens:
        on_screen(page, "agenda")

    # The question pinned is the one being answered, big, until it is answered.
    asked = command(server, join_attendee(server, "Amina"), "ask_question", {"text": QUESTION})
    question_id = asked["question"]["id"]
    assert command(server, token, "approve_question", {"question_id": question_id})["ok"]
    assert command(server, token, "pin_question", {"question_id": question_id})["ok"]
    for page in screens:
        on_screen(page, "question")
        expect(page.locator("[data-q-now-text]")).to_have_text(QUESTION)
        expect(page.locator("[data-q-now-author]")).to_have_text("Amina")
        fits(page)
    screenshot(big, "present-1920-question")
    screenshot(small, "present-1280-question")
    answered = {"question_id": question_id, "answer": ""}
    assert command(server, token, "answer_question", answered)["ok"]
    for page in screens:
        on_screen(page, "agenda")

    # The moderator clears the screen, shows the last poll's result, then follows again.
    control = console.locator("[data-screen-control]")
    control.get_by_label("On the shared screen").select_option("join")
    for page in screens:
        on_screen(page, "join")
        fits(page)
    expect(control.locator("[data-screen-now]")).to_contain_text("On screen now: Join card")
    command(server, token, "create_poll", {**POLL, "question": "A second poll?"})
    on_screen(big, "join")  # a choice holds the screen whatever happens
    control.get_by_label("On the shared screen").select_option("follow")
    for page in screens:
        on_screen(page, "poll")
        expect(page.locator(".poll-question")).to_have_text("A second poll?")
    expect(control.locator("[data-screen-now]")).to_contain_text("Following the action.")
    assert command(server, token, "show_on_screen", {"subject": "poll", "id": poll_id})["ok"]
    for page in screens:
        on_screen(page, "poll")
        expect(page.locator(".poll-question")).to_have_text(POLL["question"])
    expect(control.get_by_label("On the shared screen")).to_have_value("poll")
    assert serious_violations(console) == []
    screenshot(console, "present-console-control")


@pytest.mark.parametrize("lang", ["en", "fr", "pt", "ar"])
def test_every_subject_fits_in_every_language(server, new_page, lang):
    console = new_page(locale=lang)
    open_console(console, server)
    token = moderator_token(server)
    pages = present_pages(console.context, server, [FULL_HD, HD, CALL])
    expect(pages[0].locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    command(server, token, "next_item")
    for subject in ("agenda", "poll", "floor", "question", "join"):
        assert command(server, token, "show_on_screen", {"subject": subject})["ok"]
        for page in pages:
            on_screen(page, subject)
            fits(page)
        if subject in ("agenda", "join") or lang == "ar":
            screenshot(pages[0], f"present-1920-{lang}-{subject}")
    if lang == "ar":
        assert command(server, token, "show_on_screen", {"subject": "agenda"})["ok"]
        on_screen(pages[0], "agenda")
        assert font_px(pages[0].locator("[data-now-title]")) >= 48
        screenshot(pages[0], "present-1920-arabic")
        assert serious_violations(pages[0]) == []
    assert command(server, token, "show_on_screen", {"subject": "follow"})["ok"]


def test_a_present_view_back_from_a_cut_shows_what_the_action_brought(server, new_page):
    console = new_page()
    open_console(console, server)
    token = moderator_token(server)
    assert command(server, token, "show_on_screen", {"subject": "agenda"})["ok"]
    present = console.context.new_page()
    present.set_viewport_size(HD)
    block_websocket(present)  # polling only, so going offline really drops the link
    present.goto(f"{server.url}/c/{server.links['join_code']}/present")
    on_screen(present, "agenda")
    assert command(server, token, "show_on_screen", {"subject": "follow"})["ok"]
    expect(present.locator("body")).to_have_attribute("data-follow", "true")
    console.context.set_offline(True)
    expect(present.locator("[data-live-status]")).to_have_text(
        re.compile("Reconnecting"), timeout=30_000
    )
    poll = {**POLL, "question": "Asked while the screen was away?"}
    assert command(server, token, "create_poll", poll)["ok"]
    console.context.set_offline(False)
    on_screen(present, "poll")
    expect(present.locator(".poll-question")).to_have_text(poll["question"])
    fits(present)
