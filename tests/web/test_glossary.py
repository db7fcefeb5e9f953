"""Every catalogue renders the glossary's fixed terms one way (server/translations/GLOSSARY.md).

An entry whose English text contains a term must have a translation containing the
term's rendering or one of the inflected forms the glossary accepts for it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "server" / "translations"
GLOSSARY = TRANSLATIONS / "GLOSSARY.md"
LANGUAGES = ("fr", "pt", "ar")

PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")
ARABIC_SHORT_VOWELS = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat, dagger alif, tatweel


@dataclass(frozen=True, eq=False)
class Term:
    english: tuple[str, ...]
    renderings: dict[str, tuple[str, ...]]

    @property
    def name(self) -> str:
        return self.english[0]


def forms(cell: str) -> tuple[str, ...]:
    return tuple(form.strip() for form in cell.split(" / ") if form.strip())


def read_glossary(text: str) -> list[Term]:
    """The table's rows, below its header: term | fr | pt | ar."""
    rows = [line for line in text.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert header == ["term", *LANGUAGES], header
    terms = []
    for row in rows[2:]:
        english, *renderings = (cell.strip() for cell in row.strip().strip("|").split("|"))
        terms.append(
            Term(forms(english), dict(zip(LANGUAGES, map(forms, renderings), strict=True)))
        )
    return terms


def normalise(text: str) -> str:
    """Compare without case, Arabic short vowels or the kind of apostrophe."""
    text = unicodedata.normalize("NFC", text).replace("’", "'").casefold()
    return ARABIC_SHORT_VOWELS.sub("", text)


def terms_in(english: str, terms: list[Term]) -> set[Term]:
    """The glossary terms an English text uses; where two overlap, the longer wins."""
    text = PLACEHOLDER.sub(" ", english)
    found = []
    for term in terms:
        for form in term.english:
            pattern = rf"\b{re.escape(form)}(?:s|es)?\b"
            found += [(m.start(), m.end(), term) for m in re.finditer(pattern, text, re.I)]
    taken: list[tuple[int, int]] = []
    used = set()
    for start, end, term in sorted(found, key=lambda hit: hit[0] - hit[1]):
        if all(end <= s or start >= e for s, e in taken):
            taken.append((start, end))
            used.add(term)
    return used


def kept_as_code(form: str, ids: tuple[str, ...], string: str) -> bool:
    """A code value (`rating`, `attendees`) the translation leaves in English, in the same case."""
    value = re.compile(rf"(?<![\w-]){re.escape(form)}(?:s|es)?(?![\w-])")
    return any(word in string for id_ in ids for word in value.findall(id_))


def departures(messages: list[Message], lang: str, terms: list[Term]) -> list[str]:
    """Each entry whose translation lacks the rendering of a term its English text uses."""
    wrong = []
    for message in messages:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for term in terms_in(" ".join(ids), terms):
            accepted = [normalise(form) for form in term.renderings[lang]]
            for string in strings:
                if string not in ids and any(kept_as_code(f, ids, string) for f in term.english):
                    continue
                if not any(form in normalise(string) for form in accepted):
                    wrong.append(f"{message.id!r}: {string!r} lacks {term.renderings[lang][0]!r}")
    return wrong


def catalogue(lang: str) -> Catalog:
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as file:
        return read_po(file, locale=lang)


@pytest.fixture(scope="module")
def glossary() -> list[Term]:
    return read_glossary(GLOSSARY.read_text(encoding="utf-8"))


def test_the_glossary_has_every_term_in_every_language(glossary):
    assert len(glossary) > 30
    for term in glossary:
        assert term.english and all(term.renderings[lang] for lang in LANGUAGES), term
    assert {"turnout", "attendance", "floor", "upvote"} <= {term.name for term in glossary}


def test_every_glossary_term_is_used_by_the_sources(glossary):
    english = [" ".join(m.id) if isinstance(m.id, tuple) else m.id for m in catalogue("fr") if m.id]
    unused = [term.name for term in glossary if not any(terms_in(t, [term]) for t in english)]
    assert unused == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_entry_renders_the_glossary_terms_it_uses(glossary, lang):
    messages = [m for m in catalogue(lang) if m.id]
    assert departures(messages, lang, glossary) == []


def test_a_term_rendered_another_way_is_caught(glossary):
    attendance = Message("Attendance", "Participation")
    turnout = Message("Turnout: %(voters)s of %(present)s", "Participation : %(voters)s")
    assert len(departures([attendance, turnout], "fr", glossary)) == 1
    upvote = Message("Upvote", "صوّت")
    assert departures([upvote], "ar", glossary) == ["'Upvote': 'صوّت' lacks 'تأييد'"]


def test_the_longest_term_wins_and_grammar_variants_pass(glossary):
    assert {t.name for t in terms_in("Not answered", glossary)} == {"not answered"}
    assert {t.name for t in terms_in("Agenda item %(item)s", glossary)} == {"agenda item"}
    assert departures([Message("Not answered", "Sans réponse")], "fr", glossary) == []
    vowelled = Message("This question was dismissed.", "اُسْتُبْعِدَ هذا السؤال.")
    assert departures([vowelled], "ar", glossary) == []


def test_a_code_value_may_stay_in_english_but_an_untranslated_entry_may_not(glossary):
    values = Message("Anonymity is one of off, attendees or full.", "O anonimato é attendees.")
    assert departures([values], "pt", glossary) == []
    assert len(departures([Message("Rating", "Rating")], "pt", glossary)) == 1
