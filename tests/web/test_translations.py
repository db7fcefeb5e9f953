"""Every sentence of the sources is translated in every catalogue, placeholders intact.

The sources are extracted afresh (as `make messages` does), so a sentence added to a
template or marked with N_() fails here until French, Portuguese and Arabic have it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "server" / "translations"
LANGUAGES = ("fr", "pt", "ar")
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "N_": None}

# %(name)s for the server and Jinja (which %-formats every _() it renders), {name} for scripts.
PERCENT_NAME = re.compile(r"%\((\w+)\)s")
BRACE_NAME = re.compile(r"\{(\w+)\}")


def catalogue(lang: str) -> Catalog:
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as file:
        return read_po(file, locale=lang)


def entries(lang: str) -> list[Message]:
    return [m for m in catalogue(lang) if m.id]


def singular(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def pairs(lang: str) -> list[tuple[str, str]]:
    """(English, translation) for every entry; a plural pairs each form with the English
    plural (Arabic has six forms, French and Portuguese two)."""
    found = []
    for m in entries(lang):
        if isinstance(m.id, str):
            found.append((m.id, m.string))
        else:
            found += [(m.id[1], form) for form in m.string]
    return found


@pytest.fixture(scope="module")
def source_messages() -> set[tuple[str | None, str]]:
    with open(ROOT / "babel.cfg") as file:
        method_map, options_map = parse_mapping_cfg(file)
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add((context, message if isinstance(message, str) else message[0]))
    return found


def placeholders(text: str) -> tuple[list[str], list[str], int]:
    """Named %-placeholders, {name} placeholders, and literal percent signs (%%)."""
    return (
        sorted(PERCENT_NAME.findall(text)),
        sorted(BRACE_NAME.findall(text)),
        text.count("%%"),
    )


def test_the_sources_have_sentences_to_translate(source_messages):
    assert len(source_messages) > 500
    assert (None, "Raise my hand") in source_messages
    assert ("poll state", "Open") in source_messages


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_sentence_of_the_sources_is_translated(lang, source_messages):
    translated = {
        (m.context, singular(m))
        for m in entries(lang)
        if m.string and all(m.string) and not m.fuzzy
    }
    missing = sorted(source_messages - translated, key=str)
    assert missing == [], f"run `make messages` and translate these into {lang}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_entry_is_empty_or_fuzzy(lang):
    assert [m.id for m in entries(lang) if not m.string or not all(m.string)] == []
    assert [m.id for m in entries(lang) if m.fuzzy] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders_of_their_message(lang):
    wrong = [
        (english, string)
        for english, string in pairs(lang)
        if placeholders(english) != placeholders(string)
        or (string.count("%") != 2 * placeholders(string)[2] + len(placeholders(string)[0]))
    ]
    assert wrong == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_translation_formats_like_its_message(lang):
    """Filling a translation the way the server does never raises."""
    for english, string in pairs(lang):
        names = {name: "\0" for name in PERCENT_NAME.findall(english)}
        assert (english % names).count("\0") == (string % names).count("\0")


def test_a_placeholder_dropped_or_renamed_is_caught():
    assert placeholders("%(n)s votes · %(percent)s%%") != placeholders("%(n)s votes · %%")
    assert placeholders("{name} asks to speak") != placeholders("{nom} demande la parole")
    assert placeholders("{percent}%% used") != placeholders("{percent}% used")
