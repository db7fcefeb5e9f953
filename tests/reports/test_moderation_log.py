"""The published moderation log: what moderators did with the questions, in counts.

Every report, shareable included, has a "Moderation" section (and the CSV download a
moderation.csv): each question counted once by what became of it, edits and bans,
and the dismissals by reason — never a dismissed question's text, never a name.
"""

from __future__ import annotations

import pytest

from server.features.questions import asks
from server.features.questions import service as questions
from tests.reports.scripted import QUIET_NAME, SECRET_NAME
from tests.reports.test_retention import lines_of

NAMES = ["Amina", "Kofi", "Zainab", SECRET_NAME, QUIET_NAME, "Chair"]


def section(report: bytes, title: str = "## Moderation") -> list[str]:
    text = report.decode()
    start = text.index(title)
    return text[start : text.index("\n## ", start + 1)].splitlines()[1:]


def test_the_shareable_report_counts_what_became_of_each_question(scripted, download):
    shown = section(download(scripted.consultation.id, "markdown", "shareable"))
    assert [line for line in shown if line.startswith("- ")] == [
        "- **Questions asked:** 7",
        "- **Published (approved or answered):** 4",
        "- **Merged into another:** 1",
        "- **Archived:** 0",
        "- **Dismissed:** 1",
        "- **Edited by moderators:** 0",
        "- **Awaiting moderation:** 1",
        "- **People banned:** 0",
    ]
    assert "| Spam | 1 |" in shown


@pytest.mark.parametrize("audience", ["shareable", "full"])
def test_the_log_quotes_no_dismissed_question_and_names_no_one(scripted, download, audience):
    shown = "\n".join(section(download(scripted.consultation.id, "markdown", audience)))
    assert "HYPERLINK" not in shown
    assert not any(name in shown for name in NAMES)


@pytest.fixture
def moderated(core, clock, create_consultation):
    """Ten dismissals with reasons written ten ways, and a banned asker's question held."""
    c = create_consultation()
    asker, troll = c.join(display_name="Asker"), c.join(display_name="Troll")
    reasons = ["Spam", "spam ", "SPAM", "Off topic", "off  topic", "Duplicate", "Abusive"]
    reasons += ["Advertising", "Too long", ""]
    for n, reason in enumerate(reasons):
        clock.advance(20)  # past the 15 s between questions
        asked = asks.ask(core, asker, f"Question {n}?", None, False).reply["question"]["id"]
        questions.dismiss(core, c.moderator, asked, reason)
    asks.ask(core, troll, "Held back?", None, False)
    questions.ban(core, c.moderator, troll.participant_id)
    return c


def test_reasons_are_grouped_as_written_the_commonest_first(moderated, download):
    shown = section(download(moderated.id, "markdown", "shareable"))
    table = [line for line in shown if line.startswith("| ") and "Reason" not in line]
    assert table == [
        "| Spam | 3 |",
        "| Off topic | 2 |",
        "| Duplicate | 1 |",
        "| Abusive | 1 |",
        "| Advertising | 1 |",
        "| Other reasons | 2 |",
    ]


def test_a_banned_askers_question_is_awaiting_moderation_in_the_shareable_report(
    moderated, download
):
    shareable = section(download(moderated.id, "markdown", "shareable"))
    assert "- **Awaiting moderation:** 1" in shareable
    assert not any("Hidden" in line for line in shareable)
    assert "- **People banned:** 1" in shareable
    full = section(download(moderated.id, "markdown", "full"))
    assert "- **Awaiting moderation:** 0" in full
    assert "- **Hidden (author banned):** 1" in full


@pytest.mark.parametrize("audience", ["shareable", "full"])
def test_the_csv_download_has_the_same_counts(moderated, download, audience):
    rows = [
        line.split(": ", 1)[1]
        for line in lines_of("csv", download(moderated.id, "csv", audience))
        if line.startswith("moderation.csv: ")
    ]
    assert rows[0] == "measure,reason,count"
    assert "asked,,11" in rows and "dismissed,,10" in rows and "people_banned,,1" in rows
    assert "dismissed_for,Spam,3" in rows and "dismissed_for,Other reasons,2" in rows
