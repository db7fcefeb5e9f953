"""Polls in the report: final results, breakdowns, methods, words and open answers."""

import json
from collections import Counter

import pytest

from server.archive.restore import restore
from server.core.errors import DomainError
from server.features.consultations import service as consultations
from server.features.consultations.snapshots import snapshot
from server.features.polls import ballots
from server.features.polls import service as polls
from tests.reports.reading import csv_files, markdown_of, part, table_rows

RANKING = "##### Poll 1: Rank the priorities"


def test_each_poll_is_reported_under_its_item_with_final_results_and_turnout(scripted, download):
    opening = part(markdown_of(download, scripted.consultation.id, "shareable"), "### 1. Opening")
    poll = part(opening, "##### Poll 1: Has your country ratified the Budapest Convention?")
    assert "- **Kind:** Single choice\n" in poll
    assert "- **Open:** 09:31 WAT (08:31 UTC) to 09:33 WAT (08:33 UTC)\n" in poll
    assert "- **Voters:** 5 of 6 connected at closing (83%)\n" in poll
    assert table_rows(poll)[:3] == [
        "| Yes | 1 | 20.0% |",
        "| No | 3 | 60.0% |",
        "| In progress | 1 | 20.0% |",
    ]
    # Shareable: every country has fewer than 5 voters; together they are 5.
    assert table_rows(part(poll, "###### By country")) == [
        "| NG | fewer than 5 |  |  |  |",
        "| GH | fewer than 5 |  |  |  |",
        "| KE | fewer than 5 |  |  |  |",
        "| ZA | fewer than 5 |  |  |  |",
        "| Smaller groups together | 5 | 1 | 3 | 1 |",
    ]
    full = part(markdown_of(download, scripted.consultation.id, "full"), "### 1. Opening")
    assert table_rows(part(full, "###### By country")) == [
        "| NG | 2 | 0 | 1 | 1 |",
        "| GH | 1 | 1 | 0 | 0 |",
        "| KE | 1 | 0 | 1 | 0 |",
        "| ZA | 1 | 0 | 1 | 0 |",
    ]
    rating = part(
        markdown_of(download, scripted.consultation.id, "full"),
        "##### Poll 1: How ready is your country?",
    )
    assert "- **Kind:** Rating from 1 (Not at all) to 5 (Fully)\n" in rating
    assert "- **Average rating:** 3.5\n" in rating
    assert "| Academia | 1 | 0 | 0 | 0 | 1 | 0 | 4 |" in part(rating, "###### By stakeholder group")


@pytest.mark.parametrize("audience", ["shareable", "full"])
def test_a_ranking_names_borda_and_results_attendees_never_saw_are_reported(
    scripted, download, audience
):
    ranking = part(markdown_of(download, scripted.consultation.id, audience), RANKING)
    assert "- **Method:** Borda count: of 3 options, a first place earns 2 points" in ranking
    assert "- **Results seen by:** moderators and rapporteurs only\n" in ranking
    assert table_rows(ranking)[:3] == [
        "| 1 | Capacity building | 6 | 50.0% |",
        "| 2 | Data protection | 3 | 25.0% |",
        "| 2 | Cross-border evidence | 3 | 25.0% |",  # a tie shares the rank
    ]


def test_breakdowns_by_group_and_by_country_add_up_to_the_totals(scripted, download):
    """In the full record; the shareable one adds up too where it has an other-groups row."""
    rows = csv_files(download(scripted.consultation.id, "csv", "full"))["polls.csv"]
    checked = 0
    for poll in {row["question"] for row in rows}:
        mine = [row for row in rows if row["question"] == poll and row["key"]]
        totals = {row["key"]: int(row["value"]) for row in mine if row["breakdown"] == "all"}
        if not totals:  # open text: answers, no counted rows
            continue
        for dimension in ("stakeholder_group", "country"):
            summed: Counter[str] = Counter()
            for row in mine:
                if row["breakdown"] == dimension:
                    summed[row["key"]] += int(row["value"])
            assert summed == Counter(totals), (poll, dimension)
            checked += 1
    assert checked == 8  # four polls with rows (open text has none), two breakdowns each
    borda = [r for r in rows if r["method"] == "borda" and r["breakdown"] == "all"]
    assert [(r["label"], r["value"]) for r in borda] == [
        ("Capacity building", "6"),
        ("Data protection", "3"),
        ("Cross-border evidence", "3"),
    ]


def test_a_word_cloud_shows_its_top_words_and_the_csv_every_word_counted(
    create_consultation, core, download
):
    c = create_consultation()
    poll_id = polls.create_poll(
        core, c.moderator, {"type": "word_cloud", "question": "Words?", "open": True}
    ).reply["poll_id"]
    for voter in range(9):
        words = [f"w{3 * voter + n:02d}" for n in (1, 2, 3)]
        ballots.cast_ballot(core, c.join(), poll_id, words)
    ballots.cast_ballot(core, c.join(), poll_id, ["W27", "w26"])
    report = markdown_of(download, c.id, "shareable")
    cloud = part(part(report, "## Polls outside the agenda items"), "### Poll 1: Words?")
    shown = [row.split(" | ")[0].strip("| ") for row in table_rows(cloud)[:20]]
    assert shown == ["w26", "W27"] + [f"w{n:02d}" for n in range(1, 19)]
    assert "| w19 |" not in cloud  # past the top 20
    csv_rows = csv_files(download(c.id, "csv"))["polls.csv"]
    assert len([row for row in csv_rows if row["breakdown"] == "all"]) == 27


def test_open_answers_shown_ones_in_the_shareable_report_all_in_the_full_record(scripted, download):
    title = "##### Poll 2: What should the convention add?"
    shareable = part(markdown_of(download, scripted.consultation.id, "shareable"), title)
    assert table_rows(part(shareable, "###### Answers shown to everyone")) == [
        "| Protection for journalists |",
        "| =1+1 safeguards |",
    ]
    assert "Mutual legal assistance" not in markdown_of(
        download, scripted.consultation.id, "shareable"
    )
    full = part(markdown_of(download, scripted.consultation.id, "full"), title)
    assert table_rows(part(full, "###### All answers (moderators only)")) == [
        "| Protection for journalists | yes |",
        "| =1+1 safeguards | yes |",
        "| Mutual legal assistance timelines |  |",
    ]
    shared = csv_files(download(scripted.consultation.id, "csv"))["poll_answers.csv"]
    assert [row["answer"] for row in shared] == ["Protection for journalists", "'=1+1 safeguards"]
    whole = csv_files(download(scripted.consultation.id, "csv", "full"))["poll_answers.csv"]
    assert [row["shown"] for row in whole] == ["yes", "yes", "no"]


def _results(core, viewer):
    """Every poll's results as moderators see them, without ids or who is connected now."""
    state = snapshot(core, viewer)["polls"]
    results = []
    for poll in state["items"]:
        counted = dict(state["results"][str(poll["id"])])
        for key in ("poll_id", "present", "turnout"):
            counted.pop(key)
        if "answers" in counted:
            counted["answers"] = [
                (a.get("text", a.get("words")), a.get("shown"), a["excluded"])
                for a in counted["answers"]
            ]
        results.append((poll["question"], poll["state"], counted))
    return results


def test_polls_and_their_ballots_survive_the_archive(scripted, download, core):
    original = download(scripted.consultation.id, "json", "full")
    restored = restore(core, original)
    assert download(restored.consultation_id, "json", "full") == original
    chair = consultations.claim_link(core, restored.moderator_token, {"display_name": "A"}).viewer
    before = _results(core, scripted.consultation.moderator)
    assert _results(core, chair) == before
    assert [question for question, _state, _counted in before][1] == "Rank the priorities"
    assert before[1][2]["method"] == "borda" and before[1][2]["voters"] == 4


def test_an_archived_ballot_that_breaks_its_polls_rules_is_refused(scripted, download, core):
    archive = json.loads(download(scripted.consultation.id, "json", "full"))
    archive["tables"]["poll_ballots"][0]["answer"] = 7  # the first poll has three options
    with pytest.raises(DomainError) as refused:
        restore(core, json.dumps(archive).encode())
    assert refused.value.code == "invalid_archive"
    assert "poll ballot 1" in refused.value.message
