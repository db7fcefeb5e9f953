"""The organiser's page and the comparison of the demo series, in English and in French."""

from __future__ import annotations

import shutil

from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, screenshot

DOCS = SCREENSHOTS.parents[2] / "docs" / "screenshots"


def keep(name: str) -> None:
    """The screenshot in docs/screenshots/ too (the README shows it)."""
    shutil.copy(SCREENSHOTS / f"{name}.png", DOCS / f"{name}.png")


def test_the_organiser_page_and_the_comparison_in_two_languages(server, new_page):
    page = new_page()
    organiser = f"{server.url}/s/{server.links['organiser']}"
    page.goto(organiser)
    expect(page.get_by_role("heading", name="Consultations of the series")).to_be_visible()
    expect(page.get_by_text("date to be set", exact=True)).to_have_count(2)
    screenshot(page, "series-organiser-desktop")
    keep("series-organiser-desktop")

    page.get_by_role("link", name="Compare the regions").click()
    expect(page.get_by_role("heading", name="Where regions differ most")).to_be_visible()
    expect(page.get_by_role("img").first).to_be_visible()
    screenshot(page, "series-comparison-desktop")
    keep("series-comparison-desktop")

    page.get_by_role("link", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    screenshot(page, "series-comparison-desktop-french")
    keep("series-comparison-desktop-french")


def test_the_comparison_reads_right_to_left_in_arabic(server, new_page):
    page = new_page()
    page.goto(f"{server.url}/language/ar?next=/s/{server.links['organiser']}/comparison")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("img").first).to_be_visible()
    screenshot(page, "series-comparison-desktop-arabic")


def test_the_series_pages_have_no_serious_accessibility_violations(server, new_page):
    from tests.browser.test_accessibility import serious_violations

    page = new_page()
    for path in ("", "/comparison"):
        page.goto(f"{server.url}/s/{server.links['organiser']}{path}")
        expect(page.locator("main")).to_be_visible()
        assert serious_violations(page) == [], path
