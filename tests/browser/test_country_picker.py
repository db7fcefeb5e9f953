"""The country picker in the reader's language: a name not on the list is refused on
the form, never guessed ("Nigeri" is not taken for Nigeria, nor for Nicaragua), and the
country's own name in that language is taken."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize(
    ("lang", "nigeria", "refusal"),
    [
        ("en", "Nigeria", "Choose a country from the list"),
        ("fr", "Nigeria", "Choisissez un pays dans la liste"),
        ("pt", "Nigéria", "Escolha um país da lista"),
        ("ar", "نيجيريا", "اختر بلدًا من القائمة"),
    ],
)
def test_a_partial_name_is_refused_and_the_full_name_taken(
    server, new_page, lang, nigeria, refusal
):
    page = new_page(viewport=PHONE)
    code = server.links["join_code"]
    page.goto(f"{server.url}/language/{lang}?next=/j/{code}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.fill("#display_name", "Amina")
    page.select_option("#stakeholder_group", "civil_society")
    page.fill("#country", "Nigeri")
    page.check("#consent")
    page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text(refusal)
    assert re.search(r"/j/\w+$", page.url)
    expect(page.locator("#country")).to_have_value("Nigeri")
    screenshot(page, f"join-country-refused-{lang}")

    page.fill("#country", nigeria)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/c/\w+$"))
