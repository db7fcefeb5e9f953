"""Polls: what a poll may be, what a ballot may say, and when results may be seen.

Plain rules, no storage. A poll's definition is checked here before it is
stored, and every answer is checked here before it becomes a ballot; each bad
input has its own error code. Tallies live in `poll_tallies`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from server.core.errors import N_, Conflict, DomainError
from server.core.text import clean_text, optional_text, require_int

SINGLE = "single"
MULTIPLE = "multiple"
RATING = "rating"
WORD_CLOUD = "word_cloud"
OPEN_TEXT = "open_text"
RANKING = "ranking"
TYPES = (SINGLE, MULTIPLE, RATING, WORD_CLOUD, OPEN_TEXT, RANKING)
WITH_OPTIONS = frozenset({SINGLE, MULTIPLE, RANKING})
# Answers people typed, which a moderator may exclude from the results.
FREE_TEXT = frozenset({WORD_CLOUD, OPEN_TEXT})

DRAFT, OPEN, CLOSED = "draft", "open", "closed"

# Who sees results: everyone as votes come in, everyone once the poll is closed,
# or staff only (moderators and rapporteurs, who must report them).
LIVE_RESULTS, AFTER_CLOSE, MODERATORS_ONLY = "live", "after_close", "moderators"
VISIBILITIES = (LIVE_RESULTS, AFTER_CLOSE, MODERATORS_ONLY)

SCALES = {"1-5": (1, 5), "0-10": (0, 10)}

MIN_OPTIONS, MAX_OPTIONS = 2, 20
MAX_POLLS = 200
QUESTION_MAX = 300
OPTION_MAX = 200
LABEL_MAX = 40
WORDS_PER_PERSON = 3
WORD_MAX = 40
OPEN_TEXT_MAX = 280


@dataclass(frozen=True)
class PollDefinition:
    """A poll as the moderator wrote it; everything but its state and ballots."""

    type: str
    question: str
    options: tuple[str, ...] = ()
    max_choices: int | None = None
    scale_min: int | None = None
    scale_max: int | None = None
    low_label: str = ""
    high_label: str = ""
    visibility: str = LIVE_RESULTS
    allow_change: bool = True

    @property
    def method(self) -> str:
        """How results are counted, named on screen: Borda points or people."""
        return "borda" if self.type == RANKING else "count"


def parse_poll(data: Any) -> PollDefinition:
    """Validate a poll from a command or an agenda file (see docs/api.md)."""
    if not isinstance(data, dict):
        raise DomainError("invalid_poll", N_("A poll must be a mapping of fields."))
    kind = data.get("type")
    if kind not in TYPES:
        raise DomainError(
            "invalid_poll_type",
            N_("A poll is single, multiple, rating, word_cloud, open_text or ranking."),
        )
    question = clean_text(data.get("question"), "question", max_length=QUESTION_MAX)
    options = _parse_options(kind, data.get("options"))
    visibility = data.get("visibility", LIVE_RESULTS)
    if visibility not in VISIBILITIES:
        raise DomainError(
            "invalid_visibility", N_("Results are shown live, after close, or to moderators only.")
        )
    allow_change = data.get("allow_change", True)
    if not isinstance(allow_change, bool):
        raise DomainError("invalid_allow_change", N_("allow_change is true or false."))
    definition = PollDefinition(
        type=kind,
        question=question,
        options=options,
        visibility=visibility,
        allow_change=allow_change,
    )
    if kind == MULTIPLE:
        max_choices = data.get("max_choices", len(options))
        definition = replace(
            definition,
            max_choices=require_int(max_choices, "max_choices", minimum=1, maximum=len(options)),
        )
    if kind == RATING:
        scale = data.get("scale", "1-5")
        if scale not in SCALES:
            raise DomainError("invalid_scale", N_("A rating scale is 1-5 or 0-10."))
        low, high = SCALES[scale]
        definition = replace(
            definition,
            scale_min=low,
            scale_max=high,
            low_label=optional_text(data.get("low_label"), "label", max_length=LABEL_MAX),
            high_label=optional_text(data.get("high_label"), "label", max_length=LABEL_MAX),
        )
    return definition


def _parse_options(kind: str, value: Any) -> tuple[str, ...]:
    if kind not in WITH_OPTIONS:
        if value not in (None, []):
            raise DomainError("invalid_poll_options", N_("This kind of poll takes no options."))
        return ()
    if not isinstance(value, list) or len(value) < MIN_OPTIONS:
        raise DomainError("invalid_poll_options", N_("A poll needs at least two options."))
    if len(value) > MAX_OPTIONS:
        raise DomainError("invalid_poll_options", N_("A poll has at most 20 options."))
    options = tuple(clean_text(option, "option", max_length=OPTION_MAX) for option in value)
    if len({normalise_word(option) for option in options}) < len(options):
        raise DomainError("invalid_poll_options", N_("Two options say the same thing."))
    return options


def check_can_open(state: str) -> None:
    if state == OPEN:
        raise Conflict("poll_already_open", N_("This poll is already open."))


def check_open(state: str) -> None:
    """Ballots and closing need an open poll; a draft or a closed one refuses them."""
    if state != OPEN:
        raise Conflict("poll_not_open", N_("This poll is not open for votes."))


def check_draft(state: str) -> None:
    if state != DRAFT:
        raise Conflict("poll_not_draft", N_("Only a draft poll can be changed or deleted."))


def check_open_text(kind: str) -> None:
    if kind != OPEN_TEXT:
        raise DomainError("not_open_text", N_("Only open-text answers are shown one by one."))


def check_free_text(kind: str) -> None:
    if kind not in FREE_TEXT:
        raise DomainError(
            "not_free_text", N_("Only word-cloud and open-text answers can be excluded.")
        )


def check_not_excluded(excluded: bool) -> None:
    """An excluded answer is out of what everyone sees: it is included again before shown."""
    if excluded:
        raise Conflict(
            "answer_excluded", N_("This answer is excluded: include it again to show it.")
        )


def results_public(visibility: str, state: str) -> bool:
    """Whether attendees and the present view may see a poll's results now."""
    if state == DRAFT or visibility == MODERATORS_ONLY:
        return False
    return visibility == LIVE_RESULTS or state == CLOSED


def parse_answer(poll: PollDefinition, answer: Any) -> Any:
    """Check a ballot's answer against its poll; return it as it will be stored."""
    if poll.type == SINGLE:
        return _option_index(poll, answer)
    if poll.type == MULTIPLE:
        return _choices(poll, answer)
    if poll.type == RATING:
        return _rating(poll, answer)
    if poll.type == WORD_CLOUD:
        return _words(answer)
    if poll.type == OPEN_TEXT:
        return clean_text(answer, "answer", max_length=OPEN_TEXT_MAX)
    return _ranking(poll, answer)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _option_index(poll: PollDefinition, value: Any) -> int:
    if not _is_int(value) or not 0 <= value < len(poll.options):
        raise DomainError("unknown_option", N_("This option does not exist."))
    return int(value)


def _choices(poll: PollDefinition, value: Any) -> list[int]:
    if not isinstance(value, list):
        raise DomainError("invalid_answer", N_("Send the chosen options as a list."))
    if not value:
        raise DomainError("empty_answer", N_("Choose at least one option."))
    choices = [_option_index(poll, choice) for choice in value]
    if len(set(choices)) < len(choices):
        raise DomainError("duplicate_choice", N_("Each option can be chosen once."))
    if poll.max_choices is not None and len(choices) > poll.max_choices:
        raise DomainError(
            "too_many_choices", N_("Choose at most %(max)s options."), max=poll.max_choices
        )
    return sorted(choices)


def _rating(poll: PollDefinition, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DomainError("invalid_answer", N_("A rating is a number."))
    low, high = poll.scale_min or 0, poll.scale_max or 0
    if not _is_int(value) or not low <= value <= high:
        raise DomainError(
            "rating_out_of_range",
            N_("A rating is a whole number from %(low)s to %(high)s."),
            low=low,
            high=high,
        )
    return int(value)


def _words(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise DomainError("invalid_answer", N_("Send your words as a list."))
    if not value:
        raise DomainError("empty_answer", N_("Give at least one word."))
    if len(value) > WORDS_PER_PERSON:
        raise DomainError("too_many_words", N_("Give at most %(max)s words."), max=WORDS_PER_PERSON)
    words: dict[str, str] = {}
    for raw in value:
        word = " ".join(clean_text(raw, "answer", max_length=WORD_MAX).split())
        key = normalise_word(word)
        if not key:
            raise DomainError("empty_answer", N_("A word needs at least one letter or digit."))
        words.setdefault(key, word)  # one person's repeated word counts once
    return list(words.values())


def _ranking(poll: PollDefinition, value: Any) -> list[int]:
    n = len(poll.options)
    if (
        not isinstance(value, list)
        or not all(_is_int(v) for v in value)
        or sorted(value) != list(range(n))
    ):
        raise DomainError(
            "invalid_ranking", N_("Rank every option exactly once, the favourite first.")
        )
    return list(value)


def _is_separator(ch: str) -> bool:
    return ch.isspace() or ch == "_" or unicodedata.category(ch) == "Pd"


def _is_edge_junk(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch).startswith("P")


@lru_cache(maxsize=8192)
def normalise_word(text: str) -> str:
    """The form word-cloud answers are counted under (documented in docs/api.md).

    Case-folded; accents removed (NFKD, combining marks dropped); every run of
    whitespace, hyphens, dashes and underscores made one space; punctuation
    trimmed from both ends. "Capacity building", "capacity  building" and
    "capacity-building" all become "capacity building".
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    spaced = " ".join("".join(" " if _is_separator(ch) else ch for ch in bare).split())
    start, end = 0, len(spaced)
    while start < end and _is_edge_junk(spaced[start]):
        start += 1
    while end > start and _is_edge_junk(spaced[end - 1]):
        end -= 1
    return spaced[start:end]
