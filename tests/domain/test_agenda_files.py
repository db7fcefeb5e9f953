"""An agenda file is read within bounds: no aliases, no unknown settings, a size and a depth."""

import json

import pytest

from server.core.errors import DomainError
from server.features.agenda.files import MAX_BYTES, MAX_DEPTH, read_agenda_text
from server.features.consultations.rules import parse_spec
from tests.conftest import DEMO_SPEC

HEAD = (
    "short_name: bomb\ntitle: Bomb\ntime_zone: Africa/Lagos\nstart: '2024-01-18T09:30'\n"
    "agenda:\n  - {title: Opening, minutes: 5}\n"
)
# Nine aliases a level, six levels: a few hundred bytes that would be stored as 531,441 strings.
LAUGHS = HEAD + (
    "settings:\n"
    "  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    "  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    "  f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
)


def refused(text, suffix=".yaml"):
    with pytest.raises(DomainError) as caught:
        parse_spec(read_agenda_text(text, suffix))
    return caught.value


def test_a_plain_agenda_file_reads_as_before():
    spec = parse_spec(read_agenda_text(HEAD, ".yaml"))
    assert [item.title for item in spec.items] == ["Opening"]


def test_nested_aliases_are_refused_before_they_expand():
    assert len(LAUGHS.encode()) < 600
    assert refused(LAUGHS).code == "agenda_file_aliases"


def test_even_one_alias_is_refused():
    text = HEAD.replace("agenda:\n  - {title: Opening, minutes: 5}\n", "") + (
        "agenda:\n  - &first {title: Opening, minutes: 5}\n  - *first\n"
    )
    assert refused(text).code == "agenda_file_aliases"


def test_a_file_larger_than_the_bound_is_refused_unread():
    padding = "# " + "x" * MAX_BYTES + "\n"
    assert refused(HEAD + padding).code == "agenda_file_too_large"
    assert refused(json.dumps({**DEMO_SPEC, "description": "x" * MAX_BYTES}), ".json").code == (
        "agenda_file_too_large"
    )


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_a_file_nested_deeper_than_the_bound_is_refused(suffix, depth):
    nested = "[" * depth + "]" * depth
    text = json.dumps({**DEMO_SPEC, "agenda": "PLACE"}).replace('"PLACE"', nested)
    assert refused(text, suffix).code == "agenda_too_deep"


def test_a_spec_sent_as_json_is_bounded_in_depth_too():
    deep: list = []
    for _level in range(MAX_DEPTH):
        deep = [deep]
    with pytest.raises(DomainError) as caught:
        parse_spec({**DEMO_SPEC, "settings": {"questions": {"closed_items": deep}}})
    assert caught.value.code == "agenda_too_deep"


def test_an_unknown_settings_key_is_refused_naming_the_allowed_ones():
    with pytest.raises(DomainError) as caught:
        parse_spec({**DEMO_SPEC, "settings": {"speakers": {}, "polls_extra": [1] * 1000}})
    assert caught.value.code == "unknown_settings_key"
    assert "polls_extra" in caught.value.message
    assert "questions, speakers" in caught.value.message


def test_the_known_settings_keys_are_accepted():
    settings = {"questions": {"moderation": "pre"}, "speakers": {"ordering": "balanced"}}
    assert parse_spec({**DEMO_SPEC, "settings": settings}).settings == settings


def test_a_file_that_is_not_text_of_a_mapping_is_a_clear_error():
    assert refused("agenda: [unclosed").code == "invalid_agenda_file"
    assert refused("{", ".json").code == "invalid_agenda_file"
