"""A name or title holding a bidi override (U+202E) stays inside its own run in Chromium:
the words after it on the same line keep their place and order."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Right-to-left override, never closed: unisolated, it turns the rest of the line around.
NAME = "Amina \u202eBello"
QUESTION = "Who \u202eratifies first? And when?"


def enter(page, url: str, name: str, lands_on: str) -> None:
    page.goto(url)
    page.fill("input[name=display_name]", name)
    if page.locator("#stakeholder_group").count():  # attendees choose a group; staff are not asked
        page.select_option("#stakeholder_group", "civil_society")
        page.check("#consent")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(lands_on))
    page.wait_for_function("() => document.body.dataset.live === 'live'")


def boxes(row, *slots: str) -> list[dict[str, float]]:
    return [row.eval_on_selector(f"[data-slot={slot}]", BOX) for slot in slots]


BOX = "e => { const r = e.getBoundingClientRect(); return {left: r.left, right: r.right}; }"


def test_an_override_in_a_name_does_not_turn_the_author_line_around(server, new_page):
    url, links = server.url, server.links
    chair = new_page()
    enter(chair, f"{url}/m/{links['moderator']}", "Chair", r"/moderate$")
    asker = new_page()
    enter(asker, f"{url}/j/{links['join_code']}", NAME, r"/c/\w+$")

    asker.fill("#q-text", QUESTION)
    asker.click("[data-q-ask] button[type=submit]")
    row = chair.wait_for_selector("[data-q-list] li.q")
    row.wait_for_selector("[data-slot=votes]")

    # Left to right, as written: the name, then the agenda item, then the votes.
    author, item, votes = boxes(row, "author", "item", "votes")
    assert author["right"] <= item["left"] <= item["right"] <= votes["left"], (author, item, votes)
    assert row.eval_on_selector("[data-slot=author]", "e => e.textContent") == NAME
    # Each run of someone's words is isolated, as <bdi> and dir="auto" make it.
    bidi = row.evaluate(
        """row => ['author', 'item', 'text'].map(slot =>
             getComputedStyle(row.querySelector(`[data-slot=${slot}]`)).unicodeBidi)"""
    )
    assert set(bidi) <= {"isolate", "plaintext"}, bidi  # Chromium gives a <p dir=auto> plaintext
    screenshot(chair, "bidi-override-in-a-name-console")
