"""A whole consultation rehearsed in five browsers, in four languages, and the log the
rapporteur (in Portuguese) takes away and publishes.

The script is tests/browser/rehearsal.py. It runs twice: against one process on SQLite
(`make run`), where every state it reaches is photographed (tests/artifacts/screenshots/,
kept out of git), and against `make cluster` — two workers on PostgreSQL and Redis behind
nginx — with the people spread over both workers. Each time the downloads are read.
"""

from __future__ import annotations

import json
import re
import shutil
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from docx import Document
from playwright.sync_api import expect

from server.core.models import Connection, Participant
from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.browser.rehearsal import ANSWER, NOTE, Q_AMINA, Q_CAMILLE, RATIFY, Person, rehearse
from tests.cluster.nginx import MakeCluster, make_cluster_on_a_new_database, user_agents_by_worker

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = SCREENSHOTS.parent
ON_A_CLUSTER = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed"),
]
# Who nginx sends where on `make cluster`: attendees on both workers, staff too.
WORKERS = {
    "attendee-phone": 0,  # Amina
    "attendee-desktop-fr": 1,  # Camille
    "attendee-phone-ar": 0,  # Youssef
    "moderator-desktop": 1,  # and the present view, a tab of the moderator's browser
    "rapporteur-desktop": 0,
}
RAPPORTEUR_DOWNLOADS = ["Report (Markdown)", "Report (Word)", "Tables (CSV, zipped)"]
MODERATOR_DOWNLOADS = [
    "Full report (Markdown)",
    "Full report (Word)",
    "Full tables (CSV, zipped)",
    "Shareable report (Markdown)",
    "Archive (JSON), to restore elsewhere",
]


@dataclass
class Stage:
    """Where the rehearsal runs: a server's `url` and demo `links`, and who goes where."""

    name: str
    server: object
    user_agents: dict[str, str] = field(default_factory=dict)
    database_url: str | None = None


@pytest.fixture(scope="module")
def make_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeCluster]:
    with make_cluster_on_a_new_database(tmp_path_factory.mktemp("rehearsal-cluster")) as cluster:
        yield cluster


@pytest.fixture(
    scope="module", params=["make-run", pytest.param("make-cluster", marks=ON_A_CLUSTER)]
)
def stage(request: pytest.FixtureRequest) -> Stage:
    if request.param == "make-run":
        return Stage("make-run", request.getfixturevalue("server"))
    cluster: MakeCluster = request.getfixturevalue("make_cluster")
    agents = user_agents_by_worker(cluster, each=3)
    ports = cluster.workers
    chosen = {shot: agents[ports[worker]].pop() for shot, worker in WORKERS.items()}
    return Stage("make-cluster", cluster, chosen, cluster.database_url)


def photograph(state: str, people: list[Person]) -> None:
    for person in people:
        screenshot(person.page, f"{person.shot}-{state}")


def download(stage: Stage, person: Person, link: str) -> Path:
    """Click a download link (named in the person's language); the file is kept in
    tests/artifacts/ to read."""
    with person.page.expect_download() as started:
        person.page.get_by_role("link", name=person.say(link)).click()
    suffix = Path(started.value.suggested_filename).suffix
    slug = re.sub(r"\W+", "-", link.split("(")[0].strip().lower())
    target = ARTIFACTS / f"rehearsal-{stage.name}-{person.shot}-{slug}{suffix}"
    started.value.save_as(target)
    return target


def words(file: Path) -> str:
    """A download's text: Markdown and JSON as they are, a Word file's words, a zip's tables."""
    if file.suffix == ".docx":
        document = Document(str(file))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if file.suffix == ".zip":
        with zipfile.ZipFile(file) as archive:
            return "\n".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
    return file.read_text(encoding="utf-8")


class Log:
    """The rapporteur's downloads, as text: the Markdown file, the Word file's words."""

    def __init__(self, markdown: Path, word: Path) -> None:
        assert markdown.suffix == ".md" and word.suffix == ".docx"
        self.markdown = markdown.read_text(encoding="utf-8")
        document = Document(str(word))
        self.word = [p.text for p in document.paragraphs]
        self.word_rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]

    def word_says(self, text: str) -> bool:
        return any(text in p for p in self.word) or any(
            text in c for r in self.word_rows for c in r
        )


@pytest.fixture(scope="module")
def logs(stage: Stage) -> dict[str, Log]:
    """Filled by the rehearsal, read by the tests of the log after it."""
    return {}


def test_a_consultation_rehearsed_from_join_to_report(stage, new_page, logs):
    began = time.monotonic()
    look = photograph if stage.name == "make-run" else lambda state, people: None
    cast = rehearse(stage.server, new_page, look, stage.user_agents)
    if stage.database_url:
        people_are_on_both_workers(stage.database_url)
    files = {link: download(stage, cast.rapporteur, link) for link in RAPPORTEUR_DOWNLOADS}
    files |= {link: download(stage, cast.moderator, link) for link in MODERATOR_DOWNLOADS}
    log = Log(files["Report (Markdown)"], files["Report (Word)"])
    logs["rapporteur"] = log
    print(f"\nrehearsal on {stage.name}: {time.monotonic() - began:.1f} s")

    # The general note is in every download: reports, tables and the archive.
    for link, file in files.items():
        assert NOTE in words(file), link
    archive = json.loads(files["Archive (JSON), to restore elsewhere"].read_text())
    assert NOTE in [note["text"] for note in archive["tables"]["notes"]]
    say = cast.rapporteur.say  # the rapporteur's files are in her language, Portuguese
    assert f"**{say('Attendees who joined')}:** 3" in log.markdown
    # People are named only where they spoke up in public, beside their question;
    # anonymous authors are kept out of every format by tests/reports.
    assert f"Amina ({say('Civil society')}, NG)" in log.markdown
    expect(cast.rapporteur.page.locator("[data-attendance-joined]")).to_have_text("3")
    assert cast.errors == []


def people_are_on_both_workers(database_url: str) -> None:
    """Each person's connections are on the worker nginx was chosen to send them to."""
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(Participant.display_name, Connection.worker).join(
                Participant, Participant.id == Connection.participant_id
            )
        ).all()
    engine.dispose()
    workers: dict[str, set[str]] = {}
    for name, worker in rows:
        workers.setdefault(name, set()).add(worker)
    assert all(len(held) == 1 for held in workers.values()), workers
    assert workers["Amina"] == workers["Youssef"] == workers["Ngozi"], workers
    assert workers["Camille"] == workers["Chair"] != workers["Amina"], workers


def test_the_rapporteurs_log_holds_the_questions_and_the_poll_results(logs):
    log = logs.get("rapporteur")
    if log is None:
        pytest.fail("the rehearsal did not reach the downloads")
    for text in (Q_AMINA, Q_CAMILLE, ANSWER, RATIFY):
        assert text in log.markdown, text
        assert log.word_says(text), text
    assert "| Yes | 2 | 66.7% |" in log.markdown
    assert "| Not yet | 1 | 33.3% |" in log.markdown
    assert ["Yes", "2", "66.7%"] in log.word_rows
    assert ["Not yet", "1", "33.3%"] in log.word_rows
