"""axe-core on every page: no violation of impact serious or critical."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot
from tests.browser.test_agenda_in_browsers import join_as_attendee, open_console

pytestmark = [pytest.mark.browser, pytest.mark.slow]

axe = Axe()


def serious_violations(page) -> list[str]:
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
