"""The question queue's page parts: rendered by the server, filled in by scripts as text."""

import re
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[2] / "static" / "js" / "questions"


def page(app, path, token):
    response = app.test_client().get(path, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return response.text


def test_every_page_carries_its_questions_part(app, app_consultation):
    c = app_consultation
    _, attendee = c.join_with_token()
    code = c.join_code
    assert "data-q-ask" in page(app, f"/c/{code}", attendee)
    assert "data-q-settings" in page(app, f"/c/{code}/moderate", c.moderator_token)
    assert "q-present" in page(app, f"/c/{code}/present", attendee)
    from server.features.consultations import service as consultations

    rapporteur = consultations.claim_link(c.core, c.rapporteur_link, {}).token
    assert "q-record" in page(app, f"/c/{code}/report", rapporteur)


def test_the_console_documents_every_keyboard_shortcut_it_handles(app, app_consultation):
    c = app_consultation
    html = page(app, f"/c/{c.join_code}/moderate", c.moderator_token)
    documented = {key.lower() for key in re.findall(r"<kbd>(\w+)</kbd>", html)}
    source = (SCRIPTS / "moderator.js").read_text()
    handled = set(re.findall(r"(\w): \"\w+\"", source.split("const KEYS = {")[1].split("}")[0]))
    assert handled == {"a", "d", "p", "r", "e", "m", "o", "x"}
    assert handled | {"j", "k", "space"} <= documented


def test_no_question_script_writes_html():
    for script in SCRIPTS.glob("*.js"):
        source = script.read_text()
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
            assert sink not in source, f"{script.name} uses {sink}"


def test_sentences_live_in_the_templates_for_translation():
    for script in SCRIPTS.glob("*.js"):
        code = "\n".join(
            line for line in script.read_text().splitlines() if not line.lstrip().startswith("//")
        )
        strings = re.findall(r"\"([^\"]*)\"|`([^`]*)`", code)
        for quoted in (a or b for a, b in strings):
            assert not re.search(r"[A-Z][a-z]+ [a-z]+ [a-z]+", quoted), (script.name, quoted)
