"""Accessibility: axe-core on every page and state (no violation of impact serious or
critical), every action by keyboard with a visible focus, announcements in polite live
regions, a table beside every chart."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot
from tests.browser.rehearsal import Person, rehearse
from tests.browser.test_agenda_in_browsers import join_as_attendee, open_console
from tests.browser.test_weak_networks import command, moderator_token, snapshot
from tests.realtime.servers import start_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

axe = Axe()


def serious_violations(page) -> list[str]:
    """axe on the page at rest: with motion reduced, as a reader may ask, nothing is caught
    part-way through a fade or a slide (a contrast measured mid-transition is no finding)."""
    page.emulate_media(reduced_motion="reduce")
    results = axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_public_pages_have_no_serious_violations(server, new_page, lang):
    page = new_page(viewport=PHONE, locale=lang)
    page.goto(f"{server.url}/")
    assert serious_violations(page) == []
    page.goto(f"{server.url}/j/{server.links['join_code']}")
    assert serious_violations(page) == []
    screenshot(page, f"join-phone-{lang}")
    page.goto(f"{server.url}/j/NOSUCH")
    expect(page.get_by_role("alert")).not_to_be_empty()
    assert serious_violations(page) == []
    page.goto(f"{server.url}/m/{server.links['moderator']}")  # the staff link's form
    assert serious_violations(page) == []


def test_the_sister_consultation_form_has_no_serious_violations(server, new_page):
    page = new_page()
    open_console(page, server)
    page.get_by_role("link", name="New consultation").click()
    expect(page.get_by_label("Title")).to_be_visible()
    assert serious_violations(page) == []


def test_the_live_pages_have_no_serious_violations(server, new_page):
    moderator = new_page()
    open_console(moderator, server)
    expect(moderator.locator("[data-agenda-items] li").first).to_be_visible()
    assert serious_violations(moderator) == []
    attendee = new_page(viewport=PHONE)
    join_as_attendee(attendee, server, name="Ama")
    expect(attendee.locator("[data-field=title]")).to_have_text(re.compile("Cybercrime"))
    assert serious_violations(attendee) == []
    present = moderator.context.new_page()
    present.goto(moderator.url.replace("/moderate", "/present"))
    expect(present.locator("[data-field=title]")).to_have_text(re.compile("Cybercrime"))
    assert serious_violations(present) == []
    screenshot(present, "present-desktop")


def test_a_confirmation_part_way_through_its_fade_is_judged_at_rest(server, new_page):
    """The "Sent" line fades out over a second; caught half-way, its text is pale on its
    background. axe judges what the page settles on, so the fade is no contrast failure."""
    attendee = new_page(viewport=PHONE)
    join_as_attendee(attendee, server, name="Ama")
    attendee.get_by_role("tab", name=re.compile("^Questions")).click()
    attendee.get_by_label("Your question", exact=True).fill("Who funds the regional centres?")
    attendee.get_by_role("button", name="Ask", exact=True).click()
    sent = attendee.locator("[data-q-sent]")
    expect(sent).not_to_be_empty()
    sent.evaluate(
        """(sent) => {
          sent.classList.add("fading");
          const [fade] = sent.getAnimations();
          fade.pause();
          fade.currentTime = 500;
        }"""
    )
    assert serious_violations(attendee) == []


@pytest.fixture
def fresh_server(tmp_path):
    """A server of its own: the rehearsal counts people from a consultation nobody used."""
    running = start_server(tmp_path / "instance")
    yield running
    running.stop()


def charts_without_tables(page) -> list[str]:
    """Charts whose numbers are not also in a table (the SVG itself is hidden from readers)."""
    return page.evaluate(
        """() => [...document.querySelectorAll(".poll-chart")].flatMap((chart) => {
          const svg = chart.querySelector("svg");
          const table = chart.closest(".poll-results").querySelector("table.poll-table");
          const marks = svg.querySelectorAll(".poll-bar-label, .poll-word").length;
          const problems = [];
          if (svg.getAttribute("aria-hidden") !== "true") problems.push("chart read aloud");
          if (!table || !table.caption?.textContent.trim()) problems.push("no table");
          else if (table.tBodies[0].rows.length < marks) problems.push("rows missing");
          return problems;
        })"""
    )


def test_every_state_of_a_rehearsed_consultation_has_no_serious_violations(fresh_server, new_page):
    """axe on every page at every state the rehearsal reaches (tests/browser/rehearsal.py):
    join, live poll open, results shown and withheld, question pinned, floor given, notes."""
    found: dict[str, list[str]] = {}

    def check(state: str, people: list[Person]) -> None:
        for person in people:
            problems = serious_violations(person.page) + charts_without_tables(person.page)
            if problems:
                found[f"{person.shot} at {state}"] = problems

    cast = rehearse(fresh_server, new_page, check)
    assert found == {}, "\n".join(f"{where}: {what}" for where, what in found.items())
    assert cast.errors == []


# Keyboard only ------------------------------------------------------------------------


def tab_to(page, target, limit: int = 120) -> None:
    """Press Tab, as a keyboard user does, until `target` has the focus; its ring must show."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        # The locator anew each time: live lists re-render their elements.
        if target.evaluate("(target) => document.activeElement === target"):
            assert_focus_ring_shows(page)
            return
    pytest.fail(f"Tab never reached {target}")


def _luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _rgb(css: str) -> tuple[float, ...]:
    return tuple(float(n) for n in re.findall(r"[\d.]+", css))


def assert_focus_ring_shows(page) -> None:
    """An outline at least 2 px wide, in a colour with 3:1 contrast to what is around it."""
    ring = page.evaluate(
        r"""() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          let around = "rgb(255, 255, 255)";
          for (let n = el.parentElement; n; n = n.parentElement) {
            const c = getComputedStyle(n).backgroundColor;
            if (c !== "transparent" && !/, 0\)$/.test(c)) { around = c; break; }
          }
          return { style: style.outlineStyle, width: parseFloat(style.outlineWidth),
                   color: style.outlineColor, around, what: el.outerHTML.slice(0, 80) };
        }"""
    )
    assert ring["style"] != "none" and ring["width"] >= 2, ring
    lighter, darker = sorted(
        (_luminance(_rgb(ring["color"])), _luminance(_rgb(ring["around"]))), reverse=True
    )
    assert (lighter + 0.05) / (darker + 0.05) >= 3, ring


def join_by_keyboard(page, server, name: str) -> None:
    page.goto(f"{server.url}/j/{server.links['join_code']}")
    tab_to(page, page.get_by_label("Your name (optional)"))
    page.keyboard.type(name)
    page.keyboard.press("Tab")  # the stakeholder group: arrows choose
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.type("KE")
    tab_to(page, page.locator("#consent"))  # past the notice's "Read the whole notice"
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Join"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/c/\w+$"))
    expect(page.locator("body")).to_have_attribute("data-live", "live")


def test_an_attendee_and_the_moderator_do_everything_by_keyboard(server, new_page):
    token = moderator_token(server)
    item = snapshot(server, token)["agenda"]["items"][5]
    assert command(server, token, "start_item", {"item_id": item["id"]})["ok"]

    attendee = new_page(viewport=PHONE)
    join_by_keyboard(attendee, server, "Kibet")
    neighbour = new_page()
    join_by_keyboard(neighbour, server, "Wairimu")
    moderator = new_page()
    open_console(moderator, server)

    # The home link in the green bar: its focus ring shows against the green.
    tab_to(attendee, attendee.locator(".top .brand"))

    question = "Can the Convention fund cybercrime units outside the capitals?"
    tab_to(attendee, attendee.get_by_label("Your question", exact=True))
    attendee.keyboard.type(question)
    tab_to(attendee, attendee.get_by_role("button", name="Ask", exact=True))
    attendee.keyboard.press("Enter")
    expect(attendee.locator("[data-q-sent]")).to_have_text(
        "Sent. It will appear once a moderator approves it."
    )

    pending = moderator.locator("[data-q-list] li.q").filter(has_text=question)
    tab_to(moderator, pending)
    moderator.keyboard.press("a")  # the console's shortcut: approve
    mine = attendee.locator("[data-q-mine] li.q").filter(has_text=question)  # one's own card
    expect(mine.locator("[data-slot=state]")).to_have_text("In the queue")
    tab_to(moderator, moderator.get_by_role("tab", selected=True))
    moderator.keyboard.press("ArrowRight")  # the queues are tabs: arrows go from one to the next
    live_tab = moderator.get_by_role("tab", name=re.compile("^Live"))
    expect(live_tab).to_be_focused()
    expect(live_tab).to_have_attribute("aria-selected", "true")
    expect(
        moderator.get_by_role("tabpanel").locator("li.q").filter(has_text=question)
    ).to_be_visible()

    vote = (
        neighbour.locator("[data-q-list] li.q")
        .filter(has_text=question)
        .locator("[data-slot=vote]")
    )
    tab_to(neighbour, vote)
    neighbour.keyboard.press("Space")
    expect(vote).to_have_attribute("aria-pressed", "true")
    expect(mine.locator("[data-slot=votes]")).to_have_text("1 vote")

    poll = {
        "type": "single",
        "question": "Is a regional training centre needed?",
        "options": ["Yes", "No", "Not sure"],
        "open": True,
    }
    assert command(server, token, "create_poll", poll)["ok"]
    live_poll = attendee.locator(".poll-live")
    expect(live_poll.locator("legend")).to_have_text(poll["question"])
    tab_to(attendee, live_poll.get_by_label("Yes", exact=True))
    attendee.keyboard.press("ArrowDown")  # arrows move the choice within the group
    expect(live_poll.get_by_label("No", exact=True)).to_be_checked()
    tab_to(attendee, live_poll.get_by_role("button", name="Vote"))
    attendee.keyboard.press("Enter")
    expect(live_poll.locator(".poll-status")).to_have_text("Your vote is recorded.")

    # The poll took the view; the tabs lead to the rest (arrows move between them).
    tab_to(attendee, attendee.get_by_role("tab", selected=True))
    attendee.keyboard.press("ArrowRight")
    expect(attendee.get_by_role("tab", name="Speak")).to_be_focused()
    tab_to(attendee, attendee.get_by_label("Your topic, in one line (optional)"))
    attendee.keyboard.type("Units outside the capitals")
    tab_to(attendee, attendee.get_by_role("button", name="Raise my hand"))
    attendee.keyboard.press("Enter")
    expect(attendee.locator("[data-mine] .mine-place")).to_have_text("You are next")

    tab_to(moderator, moderator.get_by_role("button", name="Give the floor to the next"))
    moderator.keyboard.press("Enter")
    expect(attendee.locator("[data-my-floor]")).to_be_visible()
    screenshot(attendee, "keyboard-attendee-phone-floor")


def test_new_questions_and_poll_results_are_announced_in_polite_live_regions(server, new_page):
    moderator = new_page()
    open_console(moderator, server)
    attendee = new_page(viewport=PHONE)
    join_as_attendee(attendee, server, name="Abena", group="private_sector", country="GH")
    present = moderator.context.new_page()
    present.goto(moderator.url.replace("/moderate", "/present"))
    regions = [
        (attendee, "[data-live-status]"),
        (attendee, "[data-q-announce]"),  # new questions in the queue
        (attendee, "[data-poll-announce]"),  # polls opened, results in, polls closed
        (attendee, "[data-my-announce]"),  # your turn to speak ended, time nearly up
        (attendee, "[data-mine]"),  # your place in the speakers' queue
        (moderator, "[data-q-announce]"),  # new questions waiting
        (moderator, "[data-announce]"),  # hands raised
        (present, "[data-poll-announce]"),
    ]
    for page, region in regions:
        expect(page.locator(region)).to_have_attribute("aria-live", "polite")

    token = moderator_token(server)
    question = "Who reads the results aloud?"
    poll = {"type": "single", "question": question, "options": ["Yes", "No"], "open": True}
    poll_id = command(server, token, "create_poll", poll)["poll_id"]
    said = attendee.locator("[data-poll-announce]")
    expect(said).to_have_text(f"A poll is open: {question}")
    live_poll = attendee.locator(".poll-live")
    live_poll.get_by_label("Yes", exact=True).check()
    live_poll.get_by_role("button", name="Vote").click()
    expect(said).to_have_text(f"Results are in: {question}")
    # The figures themselves change four times a second: not a live region, or it would chatter.
    expect(live_poll.locator(".poll-results")).not_to_have_attribute("aria-live", re.compile("."))
    assert command(server, token, "close_poll", {"poll_id": poll_id})["ok"]
    expect(said).to_have_text(f"The poll is closed: {question} In the lead: Yes, 100%.")
    expect(present.locator("[data-poll-announce]")).to_have_text(
        f"The poll is closed: {question} In the lead: Yes, 100%."
    )
