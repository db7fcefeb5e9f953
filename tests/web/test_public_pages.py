"""The public pages: the published report and moderation counts, and a question's receipt.

Anyone with the link reads them, without joining; nobody is named on them; a page
not published (or withdrawn) and a link that names nothing are 404 pages saying so."""

import re

import pytest

from server.features.agenda import service as agenda
from server.features.publication import service as publication
from server.features.questions import asks
from server.features.questions import service as questions
from server.features.speakers import service as speakers


def _text(html):
    """The page's words as a reader sees them (tags gone, spaces folded)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def held(app_core, app_consultation):
    """A consultation held and ended: Amina asked under her name, Baraka's question was
    dismissed, Chidi spoke, Dede was banned."""
    core, c = app_core, app_consultation
    questions.change_settings(core, c.moderator, {"anonymity": "off", "moderation": "pre"})
    item = c.item_ids()[0]
    agenda.start_item(core, c.moderator, item)
    amina, baraka = c.join(display_name="Amina"), c.join(display_name="Baraka")
    chidi, dede = c.join(display_name="Chidi"), c.join(display_name="Dede")
    kept = asks.ask(core, amina, "Who pays for the new courts?", None, False)
    questions.approve(core, c.moderator, kept.reply["question"]["id"])
    dropped = asks.ask(core, baraka, "Buy my secret product now", None, False)
    questions.dismiss(core, c.moderator, dropped.reply["question"]["id"], "Off topic")
    speakers.raise_hand(core, chidi, item, "Budget")
    speakers.give_floor(core, c.moderator)
    speakers.end_turn(core, c.moderator)
    questions.ban(core, c.moderator, dede.participant_id)
    agenda.end_consultation(core, c.moderator)
    return c, dropped.reply["receipt"]


NAMES = ("Amina", "Baraka", "Chidi", "Dede", "Chair", "Ngozi")


def test_an_unpublished_report_is_a_404_page_that_says_so(app, app_core, held):
    c, _receipt = held
    moderation = publication.publish_moderation_page(app_core, c.moderator).reply["publication"][
        "moderation"
    ]
    report = moderation.removesuffix("/moderation")

    response = app.test_client().get(report)

    assert response.status_code == 404
    assert "This report is not published" in _text(response.text)
    assert "Buy my secret" not in response.text


def test_anyone_reads_the_published_report_without_a_name_on_it(app, app_core, held):
    c, _receipt = held
    c.rapporteur()
    path = publication.publish_report(app_core, c.moderator).reply["publication"]["report"]

    response = app.test_client().get(path)

    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex"
    page = _text(response.text)
    assert "Published report" in page
    assert "Regional Cybercrime Consultations for Africa" in page
    assert "Who pays for the new courts?" in page
    assert "Moderation" in page and "Off topic" in page
    assert "Buy my secret" not in page
    assert "Timeline" not in page
    for name in NAMES:
        assert name not in page, name
    assert c.join_code not in response.text


def test_the_published_report_is_in_the_readers_language(app, app_core, held):
    c, _receipt = held
    path = publication.publish_report(app_core, c.moderator).reply["publication"]["report"]
    client = app.test_client()
    client.get("/language/fr")
    page = _text(client.get(path).text)
    assert "Modération" in page
    assert 'lang="fr"' in client.get(path).text


def test_a_withdrawn_report_is_gone_at_once(app, app_core, held):
    c, _receipt = held
    path = publication.publish_report(app_core, c.moderator).reply["publication"]["report"]
    publication.withdraw_report(app_core, c.moderator)

    response = app.test_client().get(path)

    assert response.status_code == 404
    assert "This report is not published" in _text(response.text)
    assert response.headers["Cache-Control"] == "no-cache"


def test_a_link_that_names_nothing_is_a_404_page(app):
    client = app.test_client()
    for path in ("/p/not-a-link", "/p/not-a-link/moderation", "/q/not-a-receipt"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Back to the start" in response.text


def test_the_moderation_page_shows_counts_only(app, app_core, held):
    c, _receipt = held
    path = publication.publish_moderation_page(app_core, c.moderator).reply["publication"][
        "moderation"
    ]

    response = app.test_client().get(path)

    assert response.status_code == 200
    page = _text(response.text)
    assert "Moderation in figures" in page
    assert "Questions asked 2" in page
    assert "Dismissed 1" in page
    assert "People banned 1" in page
    assert "Off topic 1" in page
    for secret in (*NAMES, "Buy my secret", "Who pays"):
        assert secret not in page, secret
    assert "Read the report" not in page  # the report is not published

    publication.publish_report(app_core, c.moderator)
    assert "Read the report" in _text(app.test_client().get(path).text)
    publication.withdraw_moderation_page(app_core, c.moderator)
    withdrawn = app.test_client().get(path)
    assert withdrawn.status_code == 404
    assert "These figures are not published" in _text(withdrawn.text)


def test_the_moderation_page_may_be_on_before_any_question(app, app_core, app_consultation):
    path = publication.publish_moderation_page(app_core, app_consultation.moderator).reply[
        "publication"
    ]["moderation"]
    page = _text(app.test_client().get(path).text)
    assert "No question has been asked yet." in page
    assert "The consultation is in progress" in page


def test_a_receipt_shows_the_question_its_state_and_why_it_was_not_taken_up(app, held):
    _c, receipt = held

    response = app.test_client().get(f"/q/{receipt}")

    assert response.status_code == 200
    page = _text(response.text)
    assert "Buy my secret product now" in page
    assert "Not taken up" in page
    assert "Moderator’s note: Off topic" in page
    assert "Baraka" not in page


def test_a_receipt_follows_the_question_as_it_moves(app, app_core, app_consultation):
    c = app_consultation
    asked = asks.ask(app_core, c.join(display_name="Amina"), "Who <b>pays</b>?", None, True)
    receipt = asked.reply["receipt"]
    client = app.test_client()
    assert "Waiting for a moderator" in _text(client.get(f"/q/{receipt}").text)
    questions.approve(app_core, c.moderator, asked.reply["question"]["id"])
    page = client.get(f"/q/{receipt}").text
    assert "In the queue" in _text(page)
    assert "Who &lt;b&gt;pays&lt;/b&gt;?" in page
