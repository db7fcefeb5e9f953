"""The question queue in a real Chromium against a real server: what people see and press."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

XSS = "<img src=x onerror=\"document.title='pwned'\"><script>alert(1)</script> & \u202eevil"


class Person:
    """One browser page at phone width, with every script error it raises kept."""

    def __init__(self, browser, url: str) -> None:
        self.page = browser.new_page(viewport={"width": 375, "height": 800})
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", self._on_dialog)
        self.page.goto(url)

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def enter(self, name: str, lands_on: str) -> Person:
        self.page.fill("input[name=display_name]", name)
        if self.page.locator("#stakeholder_group").count():  # attendees choose; staff are not asked
            self.page.select_option("#stakeholder_group", "civil_society")
            self.page.check("#consent")
        self.page.click("main button[type=submit]")
        self.page.wait_for_url(re.compile(lands_on))
        # A function, not an expression: the pages' CSP forbids eval (no 'unsafe-eval').
        self.page.wait_for_function("() => document.body.dataset.live === 'live'")
        return self


def test_a_question_goes_from_an_attendee_through_the_console_to_every_screen(server, browser):
    url, links = server.url, server.links
    chair = Person(browser, f"{url}/m/{links['moderator']}").enter("Chair", r"/moderate$")
    asker = Person(browser, f"{url}/j/{links['join_code']}").enter("Amina Bello", r"/c/\w+$")
    voter = Person(browser, f"{url}/j/{links['join_code']}").enter("Kofi", r"/c/\w+$")
    rapporteur = Person(browser, f"{url}/r/{links['rapporteur']}").enter("Notes", r"/report$")

    page = asker.page
    page.fill("#q-text", XSS)
    page.check("[data-q-anonymous]")
    page.click("[data-q-ask] button[type=submit]")
    page.wait_for_selector("[data-q-mine] li.q")
    assert page.text_content("[data-q-mine] .q-text") == XSS

    console = chair.page
    pending = console.wait_for_selector("[data-q-list] li.q")
    assert "Amina Bello" in pending.text_content()  # anonymous to attendees, not to moderators
    pending.focus()
    console.keyboard.press("a")  # approve

    row = voter.page.wait_for_selector("[data-q-list] li.q")
    assert row.eval_on_selector(".q-text", "e => e.textContent") == XSS
    assert row.eval_on_selector_all("img, script", "found => found.length") == 0
    assert "Amina" not in row.text_content()
    voter.page.click("[data-q-list] [data-slot=vote]")
    # The asker's one card, under "Your questions", counts the votes too.
    asker.page.wait_for_function(
        "() => document.querySelector('[data-q-mine] [data-slot=votes]')?.textContent === '1 vote'"
    )
    assert asker.page.locator("[data-q-list] li.q").count() == 0

    console.click("[data-q-tab=approved]")
    console.focus("[data-q-list] li.q")
    console.keyboard.press("p")  # answer now
    voter.page.wait_for_selector("[data-q-now]:not([hidden])")
    assert voter.page.text_content("[data-q-now-text]") == XSS
    screen = browser.new_page()  # the chair shares their screen: the present view
    screen.context.add_cookies(console.context.cookies())
    screen.goto(console.url.replace("/moderate", "/present"))
    screen.wait_for_selector("[data-q-now]:not([hidden])")
    assert screen.text_content("[data-q-now-text]") == XSS
    assert "Amina" not in screen.text_content("[data-questions]")
    screen.close()

    console.focus("[data-q-list] li.q")
    console.keyboard.press("r")  # mark answered, with a written answer
    console.fill("[data-q-dialog-text]", "Yes — <b>next year</b>.")
    console.click("[data-q-dialog] button[value=ok]")
    voter.page.wait_for_selector("[data-q-list] [data-slot=answer]:not([hidden])")
    assert voter.page.text_content("[data-q-list] [data-slot=answer]") == "Yes — <b>next year</b>."

    record = rapporteur.page.wait_for_selector("[data-q-list] li.q")
    assert record.eval_on_selector(".q-text", "e => e.textContent") == XSS
    assert "Amina" not in record.text_content()

    for person in (chair, asker, voter, rapporteur):
        assert person.errors == []
        assert person.dialogs == []
        assert person.page.title() != "pwned"
        assert person.page.evaluate("() => document.documentElement.scrollWidth") <= 375
