"""Languages in a real browser: Arabic right to left, a language switched and kept,
refusals from the server (over Socket.IO) in the page's language, times readable."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot
from tests.browser.test_agenda_in_browsers import join_as_attendee, open_console
from tests.browser.test_weak_networks import command, moderator_token

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARABIC_INDIC_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")

# Where the text of an element sits inside its box: gaps to its left and right edges.
TEXT_GAPS = """(selector) => {
  const element = document.querySelector(selector);
  const range = document.createRange();
  range.selectNodeContents(element);
  const text = range.getBoundingClientRect();
  const box = element.getBoundingClientRect();
  return { left: text.left - box.left, right: box.right - text.right };
}"""


def test_the_attendee_page_in_arabic_reads_right_to_left_in_arabic(server, new_page):
    page = new_page(viewport=PHONE, locale="ar", timezone_id="Africa/Cairo")
    join_as_attendee(page, server, name="ليلى", group="academia", country="EG")

    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.locator("#agenda-heading")).to_have_text("جدول الأعمال")
    expect(page.locator("#questions-heading")).to_have_text("الأسئلة")
    expect(page.locator("#polls-heading")).to_have_text("الاستطلاعات")
    expect(page.locator("[data-raise]")).to_have_text("رفع اليد")
    expect(page.locator("[data-now-title]")).to_have_text("لم تبدأ بعد")
    expect(page.locator("[data-present]")).to_have_text(re.compile("حاضر"))
    gaps = page.evaluate(TEXT_GAPS, "#questions-heading")
    assert gaps["right"] < 2 and gaps["left"] > 100, gaps  # the heading hugs the right edge

    # The schedule: the consultation's zone and the reader's own, in digits all can read.
    schedule = page.locator("[data-field=schedule]")
    expect(schedule).to_contain_text("بتوقيتك")
    assert re.search(r"\d\d:\d\d", schedule.inner_text())
    assert not ARABIC_INDIC_DIGITS.search(page.locator("main").inner_text())

    # Buttons are verbal nouns, as the glossary has it.
    expect(page.locator(".q-ask button[type=submit]")).to_have_text("طرح السؤال")
    expect(page.locator("[data-q-sort=popular]")).to_have_text("الأكثر تأييدًا")

    # A refusal from the server, over Socket.IO, in Arabic (spaces only: the page itself
    # stops an empty box before sending).
    page.fill("#q-text", "   ")
    page.click(".q-ask button[type=submit]")
    expect(page.locator("[data-q-error]")).to_have_text("السؤال: لا يجوز ترك هذا الحقل فارغًا.")
    screenshot(page, "attendee-phone-ar")


def test_poll_bars_grow_from_the_right_in_arabic(server, new_page):
    question = "Has your country ratified the Convention?"  # a chair writing in English
    poll = {
        "type": "single",
        "question": question,
        "options": ["نعم", "لا", "ليس بعد"],
        "visibility": "live",
        "open": True,
    }
    assert command(server, moderator_token(server), "create_poll", poll)["ok"]
    page = new_page(viewport=PHONE, locale="ar")
    join_as_attendee(page, server, name="Omar", group="government", country="MA")
    expect(page.locator(".poll-live legend")).to_have_text(question)
    # An English question keeps its question mark at its end on the Arabic page.
    ends = page.evaluate(
        """() => {
      const text = document.querySelector('.poll-live legend').firstChild;
      const at = (i) => { const r = document.createRange(); r.setStart(text, i);
        r.setEnd(text, i + 1); return r.getBoundingClientRect().left; };
      return [at(0), at(text.length - 1)];
    }"""
    )
    assert ends[0] < ends[1], ends
    page.locator(".poll-choice", has_text="ليس بعد").click()
    page.click(".poll-form button[type=submit]")
    expect(page.locator(".poll-status")).to_have_text("سُجّل تصويتك.")
    expect(page.locator(".poll-live .poll-svg rect.poll-bar")).to_have_count(1)

    drawn = page.evaluate("""() => {
      const svg = document.querySelector('.poll-live .poll-svg');
      const frame = svg.getBoundingClientRect();
      const edges = (el) => {
        const r = el.getBoundingClientRect();
        return [r.left - frame.left, frame.right - r.right];
      };
      const bar = svg.querySelector('rect.poll-bar');
      return {
        width: svg.viewBox.baseVal.width,
        bar_end: bar.x.baseVal.value + bar.width.baseVal.value,
        label: edges(svg.querySelector('.poll-bar-label')),
        figure: edges(svg.querySelector('.poll-bar-figure')),
      };
    }""")
    assert drawn["bar_end"] == pytest.approx(drawn["width"])  # the bar starts at the right
    assert drawn["label"][1] < 2 and drawn["label"][0] > 20  # labels at the start: the right
    assert drawn["figure"][0] < 2 and drawn["figure"][1] > 20  # figures at the end: the left
    expect(page.locator(".poll-live .poll-bar-figure").nth(2)).to_have_text(
        "صوت واحد · \u2068100\u200e%\u200e\u2069"  # the figure isolated, as Intl writes it
    )
    assert (
        page.evaluate("document.documentElement.scrollWidth") == PHONE["width"]
    )  # no sideways scroll
    screenshot(page, "polls-attendee-phone-ar")


def test_a_language_switched_on_the_live_page_is_kept_and_spoken_by_the_server(server, new_page):
    page = new_page(viewport=PHONE)
    join_as_attendee(page, server, name="Aminata", country="SN")
    expect(page.locator("[data-raise]")).to_have_text("Raise my hand")

    page.click("nav.languages a[lang=fr]")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("[data-raise]")).to_have_text("Lever la main")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("nav.languages a[aria-current]")).to_have_text("Français")
    expect(page.locator("[data-now-title]")).to_have_text("Pas encore commencée")

    expect(page.locator("body")).to_have_attribute("data-live", "live")
    page.click("#tab-questions")  # a poll left open by another test takes the view
    page.fill("#q-text", " ")  # spaces only: the server's refusal, in French
    page.click(".q-ask button[type=submit]")
    expect(page.locator("[data-q-error]")).to_have_text("La question ne doit pas être vide.")
    expect(page.locator("[data-q-sort=popular]")).to_have_text("Les plus votées")
    expect(page.locator("label[for=q-item]")).to_have_text("Objet")
    screenshot(page, "attendee-phone-fr")


def test_the_attendee_page_in_portuguese_uses_the_reviewed_terms(server, new_page):
    """European Portuguese, reached from a browser set to pt-PT."""
    text = "Quem coordena a cooperação entre as autoridades centrais?"
    asker = join_by_api(server, "Nuno")
    asked = command(server, asker, "ask_question", {"text": text})
    question = {"question_id": asked["question"]["id"]}
    assert command(server, moderator_token(server), "approve_question", question)["ok"]
    assert command(server, join_by_api(server, "Celeste"), "vote_question", question)["ok"]

    page = new_page(viewport=PHONE, locale="pt-PT")
    join_as_attendee(page, server, name="Nélia", group="academia", country="MZ")
    expect(page.locator("html")).to_have_attribute("lang", "pt")
    expect(page.locator("[data-q-sort=popular]")).to_have_text("As mais votadas")
    expect(page.locator("[data-q-sort=recent]")).to_have_text("As mais recentes")
    card = page.locator("li", has_text=text)
    expect(card.locator("[data-slot=votes]")).to_have_text("1 voto")
    expect(card.locator("[data-slot=vote-label]")).to_have_text("Votar a favor")
    # Dates and numbers in the European norm too, as the catalogue is written.
    locale = "async () => (await import('/static/js/core/format.js')).locale()"
    assert page.evaluate(locale) == "pt-PT"
    screenshot(page, "attendee-phone-pt")


def join_by_api(server, name: str) -> str:
    """An attendee who joined without a page: their token."""
    joined = requests.post(
        f"{server.url}/api/consultations/{server.links['join_code']}/join",
        json={"display_name": name},
        timeout=10,
    ).json()
    return joined["token"]


def test_the_chairs_shortcuts_work_on_an_arabic_keyboard(server, new_page):
    asked = command(
        server, join_by_api(server, "Samir"), "ask_question", {"text": "What about e-evidence?"}
    )
    moderator = new_page(locale="ar")
    open_console(moderator, server)
    question = moderator.locator(f"li.q[data-question-id='{asked['question']['id']}']")
    expect(question).to_have_attribute("data-state", "pending")
    question.focus()
    # The key marked A on an Arabic keyboard types "ش".
    question.dispatch_event("keydown", {"key": "ش", "code": "KeyA", "bubbles": True})
    expect(question).to_have_count(0)  # approved: it left the pending queue
    moderator.click("[data-q-tab=approved]")
    expect(question).to_have_attribute("data-state", "approved")
