"""The organiser's pages: the series' consultations, the next one in one step, the comparison."""

from __future__ import annotations

import json

from server.cli import demo_links_file, prepare


def organiser_link(app):
    prepare(app)
    return json.loads(demo_links_file(app).read_text())["organiser_token"]


def test_the_organiser_page_lists_every_consultation_with_its_state(app):
    token = organiser_link(app)
    page = app.test_client().get(f"/s/{token}").get_data(as_text=True)
    assert "Regional Cybercrime Consultations" in page
    assert page.count(">date to be set<") == 2  # the Americas and Asia
    assert page.count(">sample data<") == 3
    assert "Compare the regions" in page


def test_the_comparison_page_has_a_table_beside_each_chart(app):
    token = organiser_link(app)
    page = app.test_client().get(f"/s/{token}/comparison").get_data(as_text=True)
    assert page.count('role="img"') == page.count("<figcaption") >= 3
    assert "Borda count" in page and "Where regions differ most" in page
    assert "fewer than 5" in page
    assert "not opened yet" in page  # Africa's own consultation has not begun


def test_the_next_regional_consultation_is_made_from_the_form(app):
    token = organiser_link(app)
    client = app.test_client()
    client.get(f"/s/{token}")
    with client.session_transaction() as session:
        csrf = session["csrf"]
    form = {
        "csrf_token": csrf,
        "region": "Pacific",
        "title": "Regional Cybercrime Consultations for the Pacific",
        "short_name": "pacific-2024",
        "time_zone": "Pacific/Fiji",
        "start": "2024-07-01T09:00",
        "languages": ["en", "fr"],
    }
    answer = client.post(f"/s/{token}", data=form)
    assert answer.status_code == 201
    page = answer.get_data(as_text=True)
    assert "/m/" in page and "Pacific" in page


def test_an_unknown_organiser_link_opens_nothing(app):
    answer = app.test_client().get("/s/not-a-link")
    assert answer.status_code == 401


def test_the_comparison_downloads_show_what_the_page_shows(app):
    token = organiser_link(app)
    client = app.test_client()
    markdown = client.get(f"/s/{token}/comparison.md")
    assert markdown.status_code == 200 and markdown.mimetype == "text/markdown"
    text = markdown.get_data(as_text=True)
    assert text.startswith("# Shareable report: Comparison across regions")
    assert "Borda count" in text and "fewer than 5" in text
    docx = client.get(f"/s/{token}/comparison.docx")
    assert docx.status_code == 200 and docx.data[:2] == b"PK"
    lines = client.get(f"/s/{token}/comparison.csv").get_data(as_text=True).splitlines()
    assert lines[0].lstrip("\ufeff").startswith("poll_key,question,method,region")
    assert any(",<5," in line for line in lines)  # a small group, marked, its figures blank
    assert any(",not_opened," in line for line in lines)
    assert client.get(f"/s/{token}/comparison.pdf").status_code == 404


def test_the_organiser_opens_a_consoles_with_a_new_moderator_link(app):
    token = organiser_link(app)
    client = app.test_client()
    client.get(f"/s/{token}")
    with client.session_transaction() as session:
        csrf = session["csrf"]
    core = app.extensions["baraza"]
    from server.features.series import comparison, service

    series_id = service.series_of_link(core, token)
    first = comparison.organiser_view(core, series_id, token)["consultations"][0]
    answer = client.post(
        f"/s/{token}/consultations/{first['consultation_id']}/link", data={"csrf_token": csrf}
    )
    assert answer.status_code == 200
    link = answer.get_data(as_text=True).split("/m/", 1)[1].split("<", 1)[0]
    assert app.test_client().get(f"/m/{link}").status_code == 200
    assert (
        client.post(f"/s/{token}/consultations/99999/link", data={"csrf_token": csrf}).status_code
        == 404
    )
