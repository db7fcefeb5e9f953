"""An answer a moderator excluded: absent from the shareable report, marked in the full record."""

import json

from server.archive.restore import restore
from server.features.polls import ballots
from server.features.polls import service as polls
from tests.reports.reading import csv_files, markdown_of


def _excluded_consultation(core, create_consultation):
    c = create_consultation()
    cloud = polls.create_poll(
        core, c.moderator, {"type": "word_cloud", "question": "One word?", "open": True}
    ).reply["poll_id"]
    ballots.cast_ballot(core, c.join(), cloud, ["trust"])
    ballots.cast_ballot(core, c.join(), cloud, ["slurword"])
    text = polls.create_poll(
        core, c.moderator, {"type": "open_text", "question": "Your idea?", "open": True}
    ).reply["poll_id"]
    ballots.cast_ballot(core, c.join(), text, "Fund regional CERTs")
    ballots.cast_ballot(core, c.join(), text, "Insult here")
    staff = polls.current_results(core, c.id, [cloud, text])
    answers = {poll.poll_id: poll.staff["answers"] for poll in staff}
    word = next(a["id"] for a in answers[cloud] if a["words"] == ["slurword"])
    insult = next(a["id"] for a in answers[text] if a["text"] == "Insult here")
    polls.show_answer(core, c.moderator, text, insult, True)
    polls.exclude_answer(core, c.moderator, cloud, word, True)
    polls.exclude_answer(core, c.moderator, text, insult, True)
    return c


def test_the_shareable_report_has_no_excluded_answer_and_counts_without_it(
    core, create_consultation, download
):
    c = _excluded_consultation(core, create_consultation)
    report = markdown_of(download, c.id, "shareable")
    assert "slurword" not in report and "Insult here" not in report
    assert "| trust | 1 | 100.0% |" in report
    assert "- **Answers excluded by a moderator:** 1, not counted" in report
    files = csv_files(download(c.id, "csv", "shareable"))
    assert "slurword" not in json.dumps(files) and "Insult here" not in json.dumps(files)


def test_the_full_record_keeps_excluded_answers_marked(core, create_consultation, download):
    c = _excluded_consultation(core, create_consultation)
    report = markdown_of(download, c.id, "full")
    assert "| Insult here | yes | excluded |" in report
    assert "Answers excluded by a moderator\n\n| Answer |\n|---|\n| slurword |" in report
    assert "| Poll answer excluded |" in report
    rows = csv_files(download(c.id, "csv", "full"))["poll_answers.csv"]
    marked = {(row["answer"], row["excluded"]) for row in rows}
    assert ("slurword", "yes") in marked and ("Insult here", "yes") in marked
    assert ("Fund regional CERTs", "no") in marked


def test_the_archive_round_trip_keeps_which_answers_were_excluded(
    core, create_consultation, download
):
    c = _excluded_consultation(core, create_consultation)
    original = download(c.id, "json", "full")
    archived = json.loads(original)["tables"]["poll_ballots"]
    assert [b["answer"] for b in archived if b["excluded"]] == [["slurword"], "Insult here"]
    restored = restore(core, original)
    assert download(restored.consultation_id, "json", "full") == original
    again = markdown_of(download, restored.consultation_id, "shareable")
    assert "slurword" not in again and "Insult here" not in again


def test_an_archive_from_before_exclusions_restores_with_none_excluded(
    core, create_consultation, download
):
    c = _excluded_consultation(core, create_consultation)
    document = json.loads(download(c.id, "json", "full"))
    for ballot in document["tables"]["poll_ballots"]:
        del ballot["excluded"]
    restored = restore(core, json.dumps(document).encode())
    report = markdown_of(download, restored.consultation_id, "shareable")
    assert "| slurword | 1 | 50.0% |" in report
