"""The poll parts of every page: rendered, with their sentences ready for the scripts."""

import re

import pytest


def _page(app, consultation, path, token):
    client = app.test_client()
    client.set_cookie(f"bz_{consultation.join_code}", token)
    return client.get(path.format(code=consultation.join_code))


@pytest.mark.parametrize(
    ("path", "who"),
    [
        ("/c/{code}", "attendee"),
        ("/c/{code}/moderate", "moderator"),
        ("/c/{code}/report", "rapporteur"),
        ("/c/{code}/present", "moderator"),
    ],
)
def test_every_page_carries_the_poll_part_and_its_messages(app, app_consultation, path, who):
    c = app_consultation
    token = {
        "attendee": lambda: c.join_with_token()[1],
        "moderator": lambda: c.moderator_token,
        "rapporteur": lambda: (
            app.test_client()
            .post("/api/links/claim", json={"link": c.rapporteur_link})
            .json["token"]
        ),
    }[who]()
    page = _page(app, c, path, token)
    assert page.status_code == 200
    assert "data-polls" in page.text
    assert '<template data-messages="polls">' in page.text
    # Placeholders survive translation as {name}, for the script to fill.
    assert re.search(r"Turnout: \{voters\} of \{present\} present \(\{percent\}\)", page.text)
    assert "Ranked by Borda count" in page.text
    block = page.text.split('<template data-messages="polls">', 1)[1].split("</template>", 1)[0]
    assert "%(" not in block


def test_the_moderator_console_has_the_poll_form(app, app_consultation):
    page = _page(app, app_consultation, "/c/{code}/moderate", app_consultation.moderator_token)
    for kind in ("single", "multiple", "rating", "word_cloud", "open_text", "ranking"):
        assert f'<option value="{kind}">' in page.text
    for visibility in ("live", "after_close", "moderators"):
        assert f'<option value="{visibility}">' in page.text
