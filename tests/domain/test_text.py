"""What people type is trimmed and bounded, and otherwise kept as typed."""

import pytest

from server.core.errors import DomainError
from server.core.text import clean_text, require_int


def test_text_is_trimmed():
    assert clean_text("  Hello  ", "question", max_length=10) == "Hello"


@pytest.mark.parametrize("value", ["", "   ", "\u200b\u200b", "\u200b "])
def test_blank_or_invisible_text_is_empty(value):
    with pytest.raises(DomainError) as refused:
        clean_text(value, "question", max_length=10)
    assert refused.value.code == "empty_question"


def test_text_over_the_limit_is_refused_with_the_limit_in_the_message():
    with pytest.raises(DomainError) as refused:
        clean_text("x" * 11, "question", max_length=10)
    assert refused.value.code == "question_too_long"
    assert "10" in refused.value.message


@pytest.mark.parametrize("value", [None, 3, ["a"], {"a": 1}])
def test_text_must_be_a_string(value):
    with pytest.raises(DomainError) as refused:
        clean_text(value, "question", max_length=10)
    assert refused.value.code == "invalid_question"


def test_markup_and_direction_overrides_are_kept_as_typed():
    typed = "<script>alert(1)</script> \u202eevil"
    assert clean_text(typed, "question", max_length=100) == typed


def test_control_characters_are_refused():
    with pytest.raises(DomainError):
        clean_text("bell\x07", "question", max_length=100)


@pytest.mark.parametrize("value", [True, 1.5, "3", None, 0, 61])
def test_whole_numbers_are_checked_for_type_and_range(value):
    with pytest.raises(DomainError):
        require_int(value, "minutes", minimum=1, maximum=60)


@pytest.mark.parametrize("value", ["\ud800", "cut \udfff here", "\udbff\udfff"])
def test_text_that_is_not_valid_unicode_is_refused_with_its_own_code(value):
    with pytest.raises(DomainError) as refused:
        clean_text(value, "question", max_length=100)
    assert refused.value.code == "invalid_unicode"


@pytest.mark.parametrize("value", ["𝄞 plane 1", "\U00020000 plane 2", "\U0010fffd plane 16"])
def test_characters_of_every_plane_are_kept(value):
    assert clean_text(value, "question", max_length=100) == value


def test_a_field_is_named_in_its_message_and_an_unnamed_one_by_its_key() -> None:
    with pytest.raises(DomainError) as named:
        clean_text("", "question", max_length=10)
    assert named.value.params["field"] == "The question"
    with pytest.raises(DomainError) as unnamed:
        clean_text("", "colour", max_length=10)
    assert unnamed.value.params["field"] == "colour"
