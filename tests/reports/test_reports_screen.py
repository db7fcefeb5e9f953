"""The shared screen in the report: the moderator's choices, said in the timeline."""

import json

from server.archive.restore import restore
from server.features.agenda import service as agenda
from server.features.polls import service as polls
from server.features.screen import service as screen


def test_the_timeline_says_what_the_moderator_put_on_the_shared_screen(
    create_consultation, core, download
):
    c = create_consultation()
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    screen.show_on_screen(core, c.moderator, "join", None)
    screen.show_on_screen(core, c.moderator, "follow", None)
    report = download(c.id, "markdown").decode()
    assert "| Screen chosen | Chair | Join card |" in report
    assert "| Screen chosen | Chair | Follow the action: Agenda item |" in report


def test_the_archive_renumbers_the_poll_a_choice_names_and_restores_it(
    create_consultation, core, download
):
    c = create_consultation()
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    for question in ("First?", "Second?"):
        poll = {"type": "single", "question": question, "options": ["Yes", "No"], "open": True}
        poll_id = polls.create_poll(core, c.moderator, poll).reply["poll_id"]
    screen.show_on_screen(core, c.moderator, "poll", poll_id)
    archive = json.loads(download(c.id, "json", "full"))
    (chosen,) = [e["payload"] for e in archive["events"] if e["type"] == "screen_chosen"]
    numbered = {p["question"]: p["id"] for p in archive["tables"]["polls"]}
    assert chosen["id"] == numbered["Second?"] == 2
    restored = restore(core, download(c.id, "json", "full"))
    again = json.loads(download(restored.consultation_id, "json", "full"))
    assert [e["payload"] for e in again["events"] if e["type"] == "screen_chosen"] == [chosen]
