"""Questions in the report: per item, answered first, votes, duplicates; dismissed ones counted."""

import json

from server.archive.restore import restore
from server.features.agenda import service as agenda
from server.features.consultations import service as consultations
from server.features.consultations.snapshots import snapshot
from server.features.questions import asks
from server.features.questions import service as questions
from tests.reports.reading import csv_files, markdown_of, part, table_rows

SPAM = '=HYPERLINK("http://spam.example","click")'
PENDING = "Why is this session so short?"


def test_questions_are_listed_under_their_item_answered_first_with_votes_and_duplicates(
    scripted, download
):
    item = part(markdown_of(download, scripted.consultation.id, "full"), "### 2. Regional issues")
    questions_part = part(item, "#### Questions")
    assert "- **Questions asked:** 6\n- **Answered:** 2\n- **Not answered:** 1\n" in questions_part
    assert table_rows(part(item, "#### Questions"))[:4] == [
        "| 1 | How will capacity building be funded? | Amina (Civil society, NG) | 4 "
        "| Answered at 09:38 WAT | A regional fund, from 2025. |",
        "| 1.1 | Who funds capacity building? | Kofi (Academia, GH) |  | Merged into 1 |  |",
        "| 2 | Will the convention protect journalists? | Anonymous | 2 "
        "| Answered at 09:38 WAT | Article 15 safeguards apply. |",
        "| 3 | Is there funding for small states? | Anonymous | 1 | Not answered |  |",
    ]


def test_the_shareable_report_counts_dismissed_and_unmoderated_questions_but_lists_neither(
    scripted, download
):
    shareable = markdown_of(download, scripted.consultation.id, "shareable")
    questions_part = part(part(shareable, "### 2. Regional issues"), "#### Questions")
    assert "- **Dismissed:** 1\n- **Awaiting moderation:** 1\n" in questions_part
    assert "- **Listed only in the moderators' full record:** 2\n" in questions_part
    assert "spam.example" not in shareable and PENDING not in shareable
    rows = csv_files(download(scripted.consultation.id, "csv"))["questions.csv"]
    assert {row["state"] for row in rows} == {"answered", "approved", "merged"}


def test_the_full_record_lists_dismissed_questions_with_their_reason(scripted, download):
    full = markdown_of(download, scripted.consultation.id, "full")
    unlisted = part(full, "##### Dismissed and unmoderated questions (moderators only)")
    assert table_rows(unlisted) == [
        f"| 4 | {SPAM} | Zainab (Government, NG) | 0 | Dismissed | Spam |",
        f"| 5 | {PENDING} | Anonymous | 0 | Awaiting moderation |  |",
    ]
    rows = csv_files(download(scripted.consultation.id, "csv", "full"))["questions.csv"]
    spam = next(row for row in rows if row["state"] == "dismissed")
    assert (spam["text"], spam["dismiss_reason"], spam["author"]) == ("'" + SPAM, "Spam", "Zainab")
    pending = next(row for row in rows if row["state"] == "pending")
    assert (pending["text"], pending["anonymity"], pending["author"]) == (PENDING, "full", "")


def test_a_question_asked_before_the_agenda_starts_has_its_own_part(scripted, download):
    outside = part(
        markdown_of(download, scripted.consultation.id, "full"),
        "## Questions outside the agenda items",
    )
    assert table_rows(outside) == [
        "| 1 | Is there interpretation? | Amina (Civil society, NG) | 0 "
        "| Answered at 09:30 WAT | Yes, into French. |"
    ]


def test_a_question_dismissed_after_attendees_saw_it_stays_out_of_the_shareable_report(
    create_consultation, core, clock, download
):
    c = create_consultation()
    questions.change_settings(core, c.moderator, {"moderation": "post"})
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    amina, kofi = c.join(display_name="Amina"), c.join(display_name="Kofi")
    seen = asks.ask(core, amina, "Shown, then dismissed", None, False).reply["question"]
    echo = asks.ask(core, kofi, "Its duplicate", None, False).reply["question"]
    questions.merge(core, c.moderator, echo["id"], seen["id"])
    questions.dismiss(core, c.moderator, seen["id"], "Off topic")
    shareable = markdown_of(download, c.id, "shareable")
    assert "Shown, then dismissed" not in shareable and "Its duplicate" not in shareable
    assert "| Question dismissed | Chair | a question that was dismissed |" in shareable
    full = markdown_of(download, c.id, "full")
    assert "| 1.1 | Its duplicate | Kofi (Other) |  | Merged into 1 |  |" in full
    assert "| Question dismissed | Chair | Shown, then dismissed |" in full


def _queue(core, viewer):
    """The question queue as moderators see it, without the database's ids."""
    listed = snapshot(core, viewer)["questions"]["list"]
    texts = {question["id"]: question["text"] for question in listed}
    return [
        (
            q["text"],
            q["state"],
            q["anonymity"],
            q["votes"],
            q["answer"],
            q["dismiss_reason"],
            q["author"]["display_name"] if q["author"] else None,
            texts.get(q["merged_into_id"]),
        )
        for q in listed
    ]


def test_questions_and_their_votes_survive_the_archive(scripted, download, core):
    original = download(scripted.consultation.id, "json", "full")
    restored = restore(core, original)
    again = download(restored.consultation_id, "json", "full")
    assert again == original
    archive = json.loads(again)
    authors = {q["text"]: q["author"] for q in archive["tables"]["questions"]}
    assert authors["Will the convention protect journalists?"] is None  # anonymous to attendees
    assert authors["Is there funding for small states?"] is None  # fully anonymous
    assert authors["How will capacity building be funded?"] == 3  # Amina, named
    chair = consultations.claim_link(core, restored.moderator_token, {"display_name": "A"}).viewer
    queue = _queue(core, chair)
    before = _queue(core, scripted.consultation.moderator)
    # What moderators knew of who asked anonymously is not in the archive: only that.
    journalists = ("Will the convention protect journalists?", "answered", "attendees", 2)
    assert [q for q in before if q[:4] == journalists][0][6] == "Secret Sam"
    assert queue == [q[:6] + (None if q[2] != "off" else q[6], q[7]) for q in before]
    assert len(queue) == 7 and ("Who funds capacity building?", "merged") == queue[2][:2]
    assert queue[2][7] == "How will capacity building be funded?"


def test_a_banned_authors_hidden_question_is_counted_as_awaiting_moderation_when_shared(
    create_consultation, core, download
):
    c = create_consultation()
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    troll, fair = c.join(display_name="Troll"), c.join(display_name="Fair")
    asks.ask(core, troll, "Hidden by the ban", None, True)
    asks.ask(core, fair, "Simply pending", None, False)
    questions.ban(core, c.moderator, troll.participant_id)
    shareable = part(markdown_of(download, c.id, "shareable"), "#### Questions")
    assert "- **Questions asked:** 2\n- **Awaiting moderation:** 2\n" in shareable
    assert "Hidden" not in shareable
    full = part(markdown_of(download, c.id, "full"), "#### Questions")
    assert "- **Awaiting moderation:** 1\n- **Hidden (author banned):** 1\n" in full
    assert table_rows(full) == [
        "| 1 | Simply pending | Fair (Other) | 0 | Awaiting moderation |  |",
        "| 2 | Hidden by the ban | Anonymous | 0 | Hidden: its author was banned |  |",
    ]
