"""The shared screen in the report: the moderator's choices, said in the timeline."""

from server.features.agenda import service as agenda
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
