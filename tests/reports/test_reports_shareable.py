"""Shareable or full: which one a file is, whom it names, and no group of fewer than 5.

The crowd: 6 civil society (NG), 5 academia (GH), 2 government (NG), 1 private
sector (KE). Government and private sector are small; together they are 3, so
academia (the smallest group shown) joins them, or the 3 could be read off as the
total minus the groups shown. Countries: KE is small, GH joins it.
"""

import io
import uuid

from docx import Document

from server.features.agenda import service as agenda
from server.features.polls import ballots
from server.features.polls import service as polls
from server.features.presence import service as presence
from server.features.questions import asks
from server.features.questions import service as questions
from server.features.speakers import service as speakers
from tests.reports.reading import csv_files, markdown_of, part, table_rows

CROWD = (
    *[("civil_society", "NG", 0)] * 6,
    *[("academia", "GH", 1)] * 5,
    *[("government", "NG", 1)] * 2,
    ("private_sector", "KE", 0),
)


def _crowd(core, clock, c):
    """Everyone arrives and votes; one of the government delegates speaks for a minute."""
    opening = c.item_ids()[0]
    agenda.start_item(core, c.moderator, opening)
    poll = {"type": "single", "question": "Ratify?", "options": ["Yes", "No"], "open": True}
    poll_id = polls.create_poll(core, c.moderator, {**poll, "item_id": opening}).reply["poll_id"]
    people = []
    for group, country, answer in CROWD:
        person = c.join(
            display_name=f"{group}-{len(people)}", stakeholder_group=group, country=country
        )
        presence.arrive(core, person, f"sid-{uuid.uuid4().hex}", "test-worker")
        ballots.cast_ballot(core, person, poll_id, answer)
        people.append(person)
    polls.close_poll(core, c.moderator, poll_id)
    speakers.raise_hand(core, people[11], opening, "Budget")
    speakers.give_floor(core, c.moderator)
    clock.advance(60)
    speakers.end_turn(core, c.moderator)
    return people


SHAREABLE_POLL_GROUPS = [
    "| Civil society | 6 | 6 | 0 |",
    "| Academia | counted in smaller groups |  |  |",
    "| Government | fewer than 5 |  |  |",
    "| Private sector | fewer than 5 |  |  |",
    "| Smaller groups together | 8 | 1 | 7 |",
]
SHAREABLE_POLL_COUNTRIES = [
    "| NG | 8 | 6 | 2 |",
    "| GH | counted in smaller groups |  |  |",
    "| KE | fewer than 5 |  |  |",
    "| Smaller groups together | 6 | 1 | 5 |",
]


def test_the_shareable_markdown_shows_no_group_of_fewer_than_5(
    create_consultation, core, clock, download
):
    c = create_consultation()
    _crowd(core, clock, c)
    shareable = markdown_of(download, c.id, "shareable")
    poll = part(shareable, "##### Poll 1: Ratify?")
    assert table_rows(part(poll, "###### By stakeholder group")) == SHAREABLE_POLL_GROUPS
    assert table_rows(part(poll, "###### By country")) == SHAREABLE_POLL_COUNTRIES
    attendance = part(shareable, "## Attendance")
    assert table_rows(part(attendance, "### By stakeholder group")) == [
        "| Civil society | 6 | 6 |",
        "| Academia | counted in smaller groups |  |",
        "| Government | fewer than 5 |  |",
        "| Private sector | fewer than 5 |  |",
        "| Smaller groups together | 8 | 8 |",
    ]
    assert table_rows(part(attendance, "### By country")) == [
        "| NG | 8 | 8 |",
        "| GH | counted in smaller groups |  |",
        "| KE | fewer than 5 |  |",
        "| Smaller groups together | 6 | 6 |",
    ]
    # One speaker: everyone together is fewer than 5, so no row repeats the totals.
    floor = part(shareable, "## Speaking time")
    assert table_rows(part(floor, "### By stakeholder group")) == [
        "| Government | fewer than 5 |  |  |"
    ]
    assert table_rows(part(floor, "### By country")) == ["| NG | fewer than 5 |  |  |"]


def test_the_full_record_keeps_every_group_for_staff(create_consultation, core, clock, download):
    c = create_consultation()
    _crowd(core, clock, c)
    full = markdown_of(download, c.id, "full")
    poll = part(full, "##### Poll 1: Ratify?")
    assert table_rows(part(poll, "###### By stakeholder group")) == [
        "| Civil society | 6 | 6 | 0 |",
        "| Academia | 5 | 0 | 5 |",
        "| Government | 2 | 0 | 2 |",
        "| Private sector | 1 | 1 | 0 |",
    ]
    floor = part(full, "## Speaking time")
    assert table_rows(part(floor, "### By stakeholder group")) == [
        "| Government | 1 | 1 min | 100.0% |"
    ]
    attendance = part(full, "## Attendance")
    assert "| KE | 1 | 1 |" in table_rows(part(attendance, "### By country"))


def test_the_shareable_word_report_shows_no_group_of_fewer_than_5(
    create_consultation, core, clock, download
):
    c = create_consultation()
    _crowd(core, clock, c)
    document = Document(io.BytesIO(download(c.id, "docx", "shareable")))
    tables = [[[cell.text for cell in row.cells] for row in t.rows] for t in document.tables]
    poll_groups = next(t for t in tables if t[0][:2] == ["Stakeholder group", "Voters"])
    assert poll_groups[1:] == [
        ["Civil society", "6", "6", "0"],
        ["Academia", "counted in smaller groups", "", ""],
        ["Government", "fewer than 5", "", ""],
        ["Private sector", "fewer than 5", "", ""],
        ["Smaller groups together", "8", "1", "7"],
    ]
    attendance = next(t for t in tables if t[0] == ["Country", "Joined", "Peak at once"])
    assert attendance[1:] == [
        ["NG", "8", "8"],
        ["GH", "counted in smaller groups", ""],
        ["KE", "fewer than 5", ""],
        ["Smaller groups together", "6", "6"],
    ]
    floor = next(t for t in tables if t[0][:2] == ["Stakeholder group", "Turns"])
    assert floor[1:] == [["Government", "fewer than 5", "", ""]]


def test_the_shareable_csv_marks_small_groups_and_counts_them_together(
    create_consultation, core, clock, download
):
    c = create_consultation()
    _crowd(core, clock, c)
    files = csv_files(download(c.id, "csv", "shareable"))
    polls_csv = [
        (r["breakdown"], r["group"], r["group_voters"], r["label"], r["value"])
        for r in files["polls.csv"]
        if r["breakdown"] != "all"
    ]
    assert polls_csv == [
        ("stakeholder_group", "civil_society", "6", "Yes", "6"),
        ("stakeholder_group", "civil_society", "6", "No", "0"),
        ("stakeholder_group", "academia", "(other groups)", "", ""),
        ("stakeholder_group", "government", "<5", "", ""),
        ("stakeholder_group", "private_sector", "<5", "", ""),
        ("stakeholder_group", "(other groups)", "8", "Yes", "1"),
        ("stakeholder_group", "(other groups)", "8", "No", "7"),
        ("country", "NG", "8", "Yes", "6"),
        ("country", "NG", "8", "No", "2"),
        ("country", "GH", "(other groups)", "", ""),
        ("country", "KE", "<5", "", ""),
        ("country", "(other groups)", "6", "Yes", "1"),
        ("country", "(other groups)", "6", "No", "5"),
    ]
    attendance = [tuple(r.values()) for r in files["attendance.csv"]]
    assert attendance == [
        ("all", "", "14", "14"),
        ("stakeholder_group", "civil_society", "6", "6"),
        ("stakeholder_group", "academia", "(other groups)", ""),
        ("stakeholder_group", "government", "<5", ""),
        ("stakeholder_group", "private_sector", "<5", ""),
        ("stakeholder_group", "(other groups)", "8", "8"),
        ("country", "NG", "8", "8"),
        ("country", "GH", "(other groups)", ""),
        ("country", "KE", "<5", ""),
        ("country", "(other groups)", "6", "6"),
    ]
    assert [tuple(r.values()) for r in files["speaking_time.csv"]] == [
        ("all", "", "1", "60"),
        ("stakeholder_group", "government", "<5", ""),
        ("country", "NG", "<5", ""),
    ]
    full = csv_files(download(c.id, "csv", "full"))
    assert ("country", "KE", "1", "1") in [tuple(r.values()) for r in full["attendance.csv"]]


def test_each_file_says_first_which_record_it_is(create_consultation, download):
    c = create_consultation()
    title = "Regional Cybercrime Consultations for Africa"
    shareable = markdown_of(download, c.id, "shareable")
    assert shareable.startswith(f"# Shareable report: {title}\n")
    assert markdown_of(download, c.id, "full").startswith(
        f"# Full record (moderators only): {title}\n"
    )
    for audience, heading in (
        ("shareable", f"Shareable report: {title}"),
        ("full", f"Full record (moderators only): {title}"),
    ):
        document = Document(io.BytesIO(download(c.id, "docx", audience)))
        assert document.paragraphs[0].text == heading
        assert document.core_properties.title == heading
        first = csv_files(download(c.id, "csv", audience))["consultation.csv"][0]
        assert (first["field"], first["value"]) == ("audience", audience)


def test_question_authors_are_named_in_the_shareable_report_only_on_the_record(
    create_consultation, core, download
):
    """Where anonymity was on offer, asking under one's name was to the room, not to a
    report shared afterwards: the shareable report says "an attendee"; full names them."""
    for anonymity, shareable_author in (("attendees", "an attendee"), ("off", "Amina (Other)")):
        c = create_consultation()
        questions.change_settings(core, c.moderator, {"anonymity": anonymity, "moderation": "post"})
        asks.ask(core, c.join(display_name="Amina"), "Who pays?", None, False)
        shareable = markdown_of(download, c.id, "shareable")
        assert f"| 1 | Who pays? | {shareable_author} | 0 | Not answered |  |" in shareable
        assert "| 1 | Who pays? | Amina (Other) |" in markdown_of(download, c.id, "full")
        rows = csv_files(download(c.id, "csv", "shareable"))["questions.csv"]
        named = anonymity == "off"
        assert (rows[0]["author"], rows[0]["author_stakeholder_group"]) == (
            ("Amina", "other") if named else ("", "")
        )
        assert rows[0]["anonymity"] == "off"
