"""The registration list in a browser: a moderator imports it and prints the links; an
invited person opens theirs on a phone, accepts the privacy notice and is in, by name,
without a form. (English: the new strings are not translated yet.)"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot

LIST = (
    "name,email,stakeholder_group,country,language\n"
    "Amina Diallo,amina@example.org,civil_society,SN,en\n"
    "João Silva,,government,MZ,en\n"
    "Wrong Line,,astronauts,,\n"
).encode()


def test_a_moderator_imports_the_list_and_an_invited_person_joins_by_link(server, new_page):
    page = new_page()
    page.goto(f"{server.url}/m/{server.links['moderator']}")
    page.fill("#display_name", "Chair")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/moderate$"))
    code = server.links["join_code"]

    page.goto(f"{server.url}/c/{code}/invitations")
    page.set_input_files("#registration-file", files=[_file(LIST)])
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert")).to_contain_text("nothing was imported")
    expect(page.locator(".invitation-errors td").first).to_have_text("4")
    screenshot(page, "invitations-refused-desktop")

    page.set_input_files("#registration-file", files=[_file(LIST.rsplit(b"Wrong", 1)[0])])
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("2")
    expect(page.locator("table.invitations tbody tr")).to_have_count(2)
    screenshot(page, "invitations-desktop")
    page.emulate_media(media="print")
    screenshot(page, "invitations-print")

    link = page.locator(".invitation-link").first.inner_text()
    phone = new_page(viewport=PHONE)
    phone.goto(link)
    expect(phone.get_by_text("You will take part as Amina Diallo.")).to_be_visible()
    expect(phone.locator(".privacy-notice")).to_be_visible()
    screenshot(phone, "invitation-phone")
    phone.get_by_role("button", name="Join").click()  # the privacy notice not yet accepted
    expect(phone.locator("#consent-error")).to_be_visible()
    expect(phone.locator("#consent")).to_be_focused()
    phone.locator("#consent").check()
    phone.get_by_role("button", name="Join").click()
    phone.wait_for_url(re.compile(rf"/c/{code}$"))
    screenshot(phone, "invitation-joined-phone", full_page=False)


def _file(data: bytes) -> dict[str, object]:
    return {"name": "registration.csv", "mimeType": "text/csv", "buffer": data}
