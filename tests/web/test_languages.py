"""Languages over HTTP: every page in the reader's language and direction, errors too."""

from __future__ import annotations

import html
import re

import pytest

from server.i18n import LANGUAGE_COOKIE
from tests.conftest import DEMO_SPEC, form_data

# What each language shows on the attendee page, and which way it reads.
LANGUAGES = {
    "en": ("ltr", "Raise my hand", "Reconnecting…"),
    "fr": ("ltr", "Lever la main", "Reconnexion…"),
    "pt": ("ltr", "Levantar a mão", "A restabelecer a ligação…"),
    "ar": ("rtl", "رفع اليد", "جارٍ إعادة الاتصال…"),
}


def html_tag(text: str) -> str:
    return re.search(r"<html[^>]*>", text).group(0)


def browser(app, lang=None):
    """A browser that picked `lang` with the switcher (or never picked one)."""
    client = app.test_client()
    if lang:
        client.get(f"/language/{lang}")
    return client


def attendee_in(app, consultation, lang):
    client = browser(app, lang)
    path = f"/j/{consultation.join_code}"
    client.post(
        path, data=form_data(client, path, display_name="Awa", stakeholder_group="academia")
    )
    return client


def staff_in(app, link_path, lang):
    client = browser(app, lang)
    client.post(link_path, data=form_data(client, link_path, display_name="Chair"))
    return client


def script_messages(text: str) -> dict[str, str]:
    """The foundation's sentences for scripts, as the page carries them (core/messages.js)."""
    block = re.search(r'<template data-messages="core">(.*?)</template>', text, re.DOTALL)
    assert block is not None
    pairs = re.findall(r'<span data-key="(\w+)">(.*?)</span>', block.group(1))
    return {key: html.unescape(value) for key, value in pairs}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_speaks_the_chosen_language_in_its_direction(app, app_consultation, lang):
    direction, raise_hand, reconnecting = LANGUAGES[lang]
    code = app_consultation.join_code
    attendee = attendee_in(app, app_consultation, lang)
    moderator = staff_in(app, f"/m/{app_consultation.moderator_link}", lang)
    rapporteur = staff_in(app, f"/r/{app_consultation.rapporteur_link}", lang)
    pages = [
        (attendee, "/"),
        (attendee, f"/j/{code}"),
        (attendee, f"/c/{code}"),
        (attendee, f"/c/{code}/present"),
        (moderator, f"/c/{code}/moderate"),
        (moderator, f"/c/{code}/new"),
        (rapporteur, f"/c/{code}/report"),
        (attendee, "/nowhere"),
    ]
    for client, path in pages:
        page = client.get(path)
        assert html_tag(page.text) == f'<html lang="{lang}" dir="{direction}">', path
        assert script_messages(page.text)["reconnecting"] == reconnecting, path
    assert raise_hand in attendee.get(f"/c/{code}").text


def test_the_pages_are_translated_down_to_their_titles_and_labels(app, app_consultation):
    code = app_consultation.join_code
    page = attendee_in(app, app_consultation, "pt").get(f"/c/{code}").text
    assert f"<title>Consulta {code} — Baraza</title>" in page
    assert 'aria-label="Ordenar as perguntas"' in page
    assert "Governo" in browser(app, "pt").get(f"/j/{code}").text
    console = staff_in(app, f"/m/{app_consultation.moderator_link}", "ar")
    page = console.get(f"/c/{code}/moderate").text
    assert "<title>لوحة الإشراف، " in page
    assert "<kbd>مسافة</kbd>" in page
    assert '<span data-key="state_open">مفتوح</span>' in page
    assert '<span data-key="open">فتح</span>' in page


@pytest.mark.parametrize(
    ("accept", "lang"),
    [
        ("fr-FR,fr;q=0.9,en;q=0.5", "fr"),
        ("pt-BR,pt;q=0.8", "pt"),
        ("ar-EG", "ar"),
        ("de-DE", "en"),
        # A regional variant alone counts as its language, before a less wanted exact match.
        ("pt-MZ,en;q=0.5", "pt"),
        ("fr-SN,en;q=0.8", "fr"),
        ("de-DE,ar-SA;q=0.9,en;q=0.5", "ar"),
    ],
)
def test_without_a_choice_the_browsers_language_is_used(app, accept, lang):
    page = app.test_client().get("/", headers={"Accept-Language": accept})
    assert f'lang="{lang}"' in html_tag(page.text)


def test_a_choice_made_on_the_page_wins_over_the_browsers_language(app):
    client = browser(app, "pt")
    page = client.get("/", headers={"Accept-Language": "fr"})
    assert 'lang="pt"' in html_tag(page.text)


def test_the_switcher_is_on_every_page_and_returns_to_it_in_the_new_language(app, app_consultation):
    code = app_consultation.join_code
    client = attendee_in(app, app_consultation, None)
    page = client.get(f"/c/{code}").text
    switcher = re.search(r'<nav class="languages".*?</nav>', page, re.S).group(0)
    targets = re.findall(r'href="(/language/\w+)\?next=([^"]+)"', switcher)
    assert [t[0] for t in targets] == [f"/language/{x}" for x in ("en", "fr", "pt", "ar")]
    assert 'aria-current="true">English' in switcher
    back = client.get(f"{targets[3][0]}?next={targets[3][1]}")
    assert back.status_code == 302 and back.location.startswith(f"/c/{code}")
    assert f"{LANGUAGE_COOKIE}=ar" in back.headers["Set-Cookie"]
    assert "Max-Age=31536000" in back.headers["Set-Cookie"]
    again = client.get(back.location).text
    assert 'dir="rtl"' in html_tag(again)
    assert 'aria-current="true">العربية' in again


def test_an_unknown_language_is_not_remembered(app):
    client = app.test_client()
    response = client.get("/language/xx?next=/")
    assert "Set-Cookie" not in response.headers
    assert 'lang="en"' in html_tag(client.get("/").text)


def bearer(token: str, lang: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept-Language": lang}


def test_a_refused_command_over_http_comes_in_the_readers_language(app, app_consultation):
    client = app.test_client()
    token = app_consultation.moderator_token
    payload = {"item_id": 999999, "minutes": 3}
    refused = client.post("/api/commands/extend_item", json=payload, headers=bearer(token, "fr"))
    assert refused.status_code == 404
    assert refused.json["error"] == {
        "code": "unknown_item",
        "message": "Ce point de l’ordre du jour n’existe pas.",
    }
    in_arabic = client.post("/api/commands/extend_item", json=payload, headers=bearer(token, "ar"))
    assert in_arabic.json["error"]["message"] == "هذا البند من جدول الأعمال غير موجود."


def test_field_names_and_question_states_are_translated_inside_the_message(app, app_consultation):
    client = app.test_client()
    _, token = app_consultation.join_with_token(display_name="Awa")
    empty = client.post(
        "/api/commands/ask_question", json={"text": "  "}, headers=bearer(token, "fr")
    )
    assert empty.json["error"]["message"] == "La question ne doit pas être vide."
    asked = client.post(
        "/api/commands/ask_question", json={"text": "Qui coordonne ?"}, headers=bearer(token, "fr")
    )
    question = {"question_id": asked.json["question"]["id"]}
    chair = bearer(app_consultation.moderator_token, "fr")
    assert client.post("/api/commands/approve_question", json=question, headers=chair).json["ok"]
    again = client.post("/api/commands/approve_question", json=question, headers=chair)
    assert again.json["error"]["message"] == (
        "Seule une question en attente peut être approuvée\u00a0; "
        "celle-ci est à l’état «\u00a0approuvée\u00a0»."
    )


def test_a_bad_agenda_file_says_where_in_the_readers_language(app, app_consultation):
    agenda = [dict(item) for item in DEMO_SPEC["agenda"]]
    agenda[1]["speakers"] = {"time_limit_seconds": 5}
    response = app.test_client().post(
        "/api/consultations",
        json={**DEMO_SPEC, "short_name": "sister", "agenda": agenda},
        headers=bearer(app_consultation.moderator_token, "pt"),
    )
    assert response.status_code == 422
    assert response.json["error"]["message"] == (
        "Ponto 2 da ordem do dia, oradores: O número de segundos tem de estar entre 15 e 3600."
    )


def test_http_errors_are_in_the_readers_language_not_werkzeugs_english(app):
    client = app.test_client()
    page = client.get("/nowhere", headers={"Accept-Language": "pt"})
    assert page.status_code == 404
    assert "Não existe nada neste endereço. Verifique a ligação." in page.text
    api = client.get("/api/nowhere", headers={"Accept-Language": "fr"})
    assert api.json == {
        "ok": False,
        "error": {
            "code": "not_found",
            "message": "Il n’y a rien à cette adresse. Vérifiez le lien.",
        },
    }
    wrong_method = client.delete("/api/health", headers={"Accept-Language": "ar"})
    assert wrong_method.json["error"]["message"] == "هذا العنوان لا يقبل هذا النوع من الطلبات."


def test_the_join_form_shows_its_refusal_in_the_readers_language(app, app_consultation):
    client = browser(app, "ar")
    path = f"/j/{app_consultation.join_code}"
    response = client.post(path, data=form_data(client, path, stakeholder_group="aliens"))
    assert response.status_code == 422
    assert "اختر فئة من فئات أصحاب المصلحة من القائمة." in response.text


def test_a_report_downloads_in_the_readers_language(app, app_consultation):
    rapporteur = staff_in(app, f"/r/{app_consultation.rapporteur_link}", "fr")
    report = rapporteur.get(f"/c/{app_consultation.join_code}/report/download/markdown")
    assert report.status_code == 200
    text = report.get_data(as_text=True)
    assert "À propos de la consultation" in text and "Ordre du jour" in text
    assert "About the consultation" not in text


def test_ended_is_a_state_on_the_page_and_a_heading_in_the_report(app, app_consultation):
    """One English word in two senses: each has its own context, so its own translation."""
    code = app_consultation.join_code
    page = attendee_in(app, app_consultation, "fr").get(f"/c/{code}").text
    assert script_messages(page)["ended"] == "Terminée"  # la consultation
    rapporteur = staff_in(app, f"/r/{app_consultation.rapporteur_link}", "fr")
    report = rapporteur.get(f"/c/{code}/report/download/markdown").get_data(as_text=True)
    assert "| N° | Point | Prévu | Début | Fin |" in report
    assert "Terminé" not in report
