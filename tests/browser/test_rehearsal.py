"""A whole consultation rehearsed in five browsers, and the log the rapporteur takes away.

The script is tests/browser/rehearsal.py; here every state it reaches is photographed
(tests/artifacts/screenshots/, kept out of git) and the downloaded reports are read.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.browser.rehearsal import ANSWER, NOTE, Q_AMINA, Q_CAMILLE, RATIFY, Person, rehearse

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = SCREENSHOTS.parent


def photograph(state: str, people: list[Person]) -> None:
    for person in people:
        screenshot(person.page, f"{person.shot}-{state}")


def download(person: Person, link: str) -> Path:
    """Click a download link; the file is kept in tests/artifacts/ to read."""
    with person.page.expect_download() as started:
        person.page.get_by_role("link", name=link).click()
    target = ARTIFACTS / f"rehearsal-{started.value.suggested_filename}"
    started.value.save_as(target)
    return target


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
def logs() -> dict[str, Log]:
    """Filled by the rehearsal, read by the tests of the log after it."""
    return {}


def test_a_consultation_rehearsed_from_join_to_report(server, new_page, logs):
    began = time.monotonic()
    cast = rehearse(server, new_page, photograph)
    log = Log(
        download(cast.rapporteur, "Report (Markdown)"), download(cast.rapporteur, "Report (Word)")
    )
    logs["rapporteur"] = log
    print(f"\nrehearsal: {time.monotonic() - began:.1f} s")

    assert NOTE in log.markdown
    assert log.word_says(NOTE)
    assert "**Attendees who joined:** 3" in log.markdown
    # People are named only where they spoke up in public, beside their question;
    # anonymous authors are kept out of every format by tests/reports.
    assert "Amina (Civil society, NG)" in log.markdown
    expect(cast.rapporteur.page.locator("[data-attendance-joined]")).to_have_text("3")
    assert cast.errors == []


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
