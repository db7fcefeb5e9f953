"""One bad record never breaks a report: every download is served whole, the record marked.

The rows are written straight into the SQLite file, past the domain's checks, as
a database restored from an older version or edited by hand could hold them.
(PostgreSQL refuses a lone surrogate in JSON outright, so there the first case
cannot even be stored.)
"""

import io
import json
import logging
import zipfile

import pytest
from sqlalchemy import text

from server.core.events import PUBLIC
from server.core.models import Consultation, Event
from server.features.notes import service as notes
from server.features.polls import ballots
from server.features.polls import service as polls
from tests.reports.reading import csv_files

LONE_SURROGATE = "\ud800"
FORMATS = ("markdown", "docx", "csv", "json")


def _url(c, fmt, audience):
    return f"/c/{c.join_code}/report/download/{fmt}?audience={audience}"


def _download(app, c, fmt, audience="full"):
    headers = {"Authorization": f"Bearer {c.moderator_token}"}
    return app.test_client().get(_url(c, fmt, audience), headers=headers)


def _poll(core, c, kind):
    fields = {"type": kind, "question": f"A {kind} poll", "open": True}
    poll_id, _events = polls.create_poll(core, c.moderator, fields)
    return poll_id


def _raw_ballot(core, poll_id, participant_id, answer_json):
    """A ballot written with SQL: the answer as JSON text, unchecked by any rule."""
    with core.store.transaction() as tx:
        tx.execute(
            text(
                "INSERT INTO poll_ballots (poll_id, participant_id, answer, shown, cast_at, "
                "changed_at) VALUES (:poll, :person, :answer, 1, :now, :now)"
            ),
            {"poll": poll_id, "person": participant_id, "answer": answer_json, "now": core.now()},
        )


def _raw_event(core, consultation_id, event_type, payload):
    """A public event appended with SQL, its payload unchecked."""
    with core.store.transaction() as tx:
        consultation = tx.get_one(Consultation, consultation_id, with_for_update=True)
        seq = consultation.last_seq + 1
        tx.add(
            Event(
                consultation_id=consultation_id,
                seq=seq,
                public_prev_seq=consultation.last_public_seq,
                visibility=PUBLIC,
                type=event_type,
                payload=payload,
                actor_id=None,
                actor_role="system",
                created_at=core.now(),
            )
        )
        consultation.last_seq = consultation.last_public_seq = seq


@pytest.fixture
def poisoned(app, app_core):
    """A consultation whose word cloud and open-text poll each hold a lone surrogate."""
    from tests.conftest import new_consultation

    c = new_consultation(app_core)
    cloud = _poll(app_core, c, "word_cloud")
    ballots.cast_ballot(app_core, c.join(), cloud, ["capacity", "trust"])
    # json.dumps writes the surrogate as the escape \ud800, which SQLite stores as is.
    _raw_ballot(app_core, cloud, c.join().participant_id, json.dumps([f"bad{LONE_SURROGATE}"]))
    answers = _poll(app_core, c, "open_text")  # one poll is live at a time: the cloud closes
    ballots.cast_ballot(app_core, c.join(), answers, "Fund regional CERTs")
    _raw_ballot(app_core, answers, c.join().participant_id, json.dumps(f"x{LONE_SURROGATE}y"))
    notes.save_note(app_core, c.rapporteur(), None, "The closing note.", 1)
    return c


# Every format for each audience it is made for (the archive is the full record only).
DOWNLOADS = [
    (f, a) for f in FORMATS for a in ("shareable", "full") if (f, a) != ("json", "shareable")
]


@pytest.mark.parametrize(("fmt", "audience"), DOWNLOADS)
def test_a_lone_surrogate_in_an_answer_downloads_as_a_replacement_character(
    app, poisoned, fmt, audience
):
    response = _download(app, poisoned, fmt, audience)
    assert response.status_code == 200
    assert len(response.data) > 1000
    if fmt == "markdown":
        report = response.data.decode("utf-8")
        assert "x\ufffdy" in report and "The closing note." in report
        assert "## Timeline" in report
    if fmt == "docx":
        document = zipfile.ZipFile(io.BytesIO(response.data)).read("word/document.xml")
        assert "x\ufffdy".encode() in document
    if fmt == "csv":
        files = csv_files(response.data)
        assert [row["answer"] for row in files["poll_answers.csv"]][-1] == "x\ufffdy"
        assert "bad\ufffd" in {row["label"] for row in files["polls.csv"]}
    if fmt == "json":
        archive = json.loads(response.data.decode("utf-8"))
        answers = [ballot["answer"] for ballot in archive["tables"]["poll_ballots"]]
        assert "x\ufffdy" in answers and ["bad\ufffd"] in answers


def test_a_ballot_no_rule_would_accept_is_marked_and_the_rest_of_the_report_stays(
    app, app_core, caplog
):
    from tests.conftest import new_consultation

    c = new_consultation(app_core)
    cloud = _poll(app_core, c, "word_cloud")
    _raw_ballot(app_core, cloud, c.join().participant_id, "42")  # a number, not words
    _raw_event(app_core, c.id, "agenda_reordered", {"order": 5})  # a number, not a list
    _raw_event(app_core, c.id, "question_edited", {"question": 5})  # no question to project
    choice_id, _events = polls.create_poll(
        app_core,
        c.moderator,
        {"type": "single", "question": "Ratify?", "options": ["Yes", "No"], "open": True},
    )
    ballots.cast_ballot(app_core, c.join(), choice_id, 0)
    notes.save_note(app_core, c.rapporteur(), None, "The closing note.", 1)
    with caplog.at_level(logging.ERROR, logger="server.reports"):
        for fmt in FORMATS:
            assert _download(app, c, fmt).status_code == 200, fmt
    report = _download(app, c, "markdown").data.decode("utf-8")
    assert "could not be read" in report
    assert "| Agenda reordered |  | (this record could not be read" in report
    assert "| Question edited |  | (this record could not be read" in report
    archive = json.loads(_download(app, c, "json").data)
    (edited,) = [event for event in archive["events"] if event["type"] == "question_edited"]
    assert edited["payload"] == {} and edited["seq"] == 7
    assert "Ratify?" in report and "The closing note." in report and "## Timeline" in report
    logged = [record.getMessage() for record in caplog.records]
    assert any("word_cloud" in line for line in logged)
    assert any("(agenda_reordered)" in line for line in logged)
    assert any("(question_edited)" in line for line in logged)
