"""Publishing: staff put the shareable report and the moderation counts on public pages,
attendees hear of it live, and everyone's snapshot says what is published and where."""

import pytest

from server.core.errors import DomainError
from server.features.agenda import service as agenda
from server.features.consultations.snapshots import snapshot
from server.features.publication import service as publication


def _refused(call, code):
    with pytest.raises(DomainError) as refused:
        call()
    assert refused.value.code == code
    return refused.value


def _ended(create_consultation, core):
    c = create_consultation()
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    agenda.end_consultation(core, c.moderator)
    return c


def test_a_rapporteur_publishes_the_report_once_the_consultation_has_ended(
    create_consultation, core
):
    c = create_consultation()
    rapporteur = c.rapporteur()
    refused = _refused(lambda: publication.publish_report(core, rapporteur), "not_ended")
    assert refused.message == "The report is published once the consultation has ended."
    agenda.end_consultation(core, c.moderator)

    published = publication.publish_report(core, rapporteur)

    path = published.reply["publication"]["report"]
    assert path.startswith("/p/") and len(path) > 40
    assert c.join_code not in path
    [event] = published.events
    assert (event.type, event.visibility, event.payload) == (
        "report_published",
        "public",
        {"path": path},
    )
    attendee = c.join(display_name="Amina")
    for viewer in (attendee, c.moderator, rapporteur):
        assert snapshot(core, viewer)["publication"] == {"report": path, "moderation": None}


def test_the_report_is_published_once_and_withdrawn_once(create_consultation, core):
    c = _ended(create_consultation, core)
    path = publication.publish_report(core, c.moderator).reply["publication"]["report"]
    _refused(lambda: publication.publish_report(core, c.moderator), "already_published")

    withdrawn = publication.withdraw_report(core, c.moderator)

    assert [(e.type, e.visibility, e.payload) for e in withdrawn.events] == [
        ("report_withdrawn", "public", {})
    ]
    assert snapshot(core, c.moderator)["publication"]["report"] is None
    _refused(lambda: publication.withdraw_report(core, c.moderator), "not_published")
    # Published again, the same link comes back: whoever kept it reads the report again.
    assert publication.publish_report(core, c.moderator).reply["publication"]["report"] == path


def test_attendees_may_not_publish_nor_withdraw(create_consultation, core):
    c = _ended(create_consultation, core)
    attendee = c.join(display_name="Amina")
    for command in (
        publication.publish_report,
        publication.withdraw_report,
        publication.publish_moderation_page,
        publication.withdraw_moderation_page,
    ):
        _refused(lambda command=command: command(core, attendee), "forbidden")


def test_only_a_moderator_switches_the_moderation_page_on_during_the_consultation(
    create_consultation, core
):
    c = create_consultation()
    _refused(lambda: publication.publish_moderation_page(core, c.rapporteur()), "forbidden")

    published = publication.publish_moderation_page(core, c.moderator)

    path = published.reply["publication"]["moderation"]
    assert path.startswith("/p/") and path.endswith("/moderation")
    assert [e.type for e in published.events] == ["moderation_page_published"]
    assert snapshot(core, c.join(display_name="Amina"))["publication"] == {
        "report": None,
        "moderation": path,
    }
    _refused(lambda: publication.publish_moderation_page(core, c.moderator), "already_published")
    assert [e.type for e in publication.withdraw_moderation_page(core, c.moderator).events] == [
        "moderation_page_withdrawn"
    ]
    _refused(lambda: publication.withdraw_moderation_page(core, c.moderator), "not_published")


def test_the_report_and_the_moderation_page_share_one_public_link(create_consultation, core):
    c = create_consultation()
    moderation = publication.publish_moderation_page(core, c.moderator).reply["publication"][
        "moderation"
    ]
    agenda.end_consultation(core, c.moderator)
    report = publication.publish_report(core, c.moderator).reply["publication"]["report"]
    assert moderation == f"{report}/moderation"


def test_each_consultation_has_its_own_unguessable_link(create_consultation, core):
    paths = {
        publication.publish_report(core, _ended(create_consultation, core).moderator).reply[
            "publication"
        ]["report"]
        for _ in range(3)
    }
    assert len(paths) == 3
