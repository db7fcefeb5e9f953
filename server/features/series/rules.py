"""Regional series: the same agenda items and polls, asked in several regions, compared.

Plain rules, no storage. A series is defined once (docs/agenda-format.md,
"Series"): its aims, and agenda items and polls with stable keys
(`aims.human-rights`, `poll.ratify`), each poll's options keyed too. A regional
consultation is made from it as an ordinary agenda file, whose items and polls
keep their keys: the region may rename an item, drop it, add its own, reword a
poll or put its options in another order, and the keys still say what is the
same question everywhere.

The comparison (`compare_poll`, `divergence`) works on counted results keyed by
option key; what may be counted at all is `visibility_in_series`: never more
than the consultation's own shareable report would show.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from server.core.errors import N_, DomainError, Forbidden
from server.core.text import clean_text, optional_text, require_int
from server.features.consultations.rules import parse_short_name
from server.features.polls import rules as polls

KEY_MAX = 80
_KEY = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
MAX_ITEMS = 50
MAX_AIMS = 20
AIM_MAX = 500
# Shared polls are those whose answers are options: their results compare option by option.
SHARED_TYPES = (polls.SINGLE, polls.MULTIPLE, polls.RANKING)

# Where one region's results of a shared poll stand, as the comparison says.
COUNTED = "counted"  # results counted and shown
NO_ANSWERS = "no_answers"  # opened (or not) and nobody answered: an empty state, not an error
NOT_OPENED = "not_opened"  # still a draft in that region
HIDDEN = "hidden"  # the consultation is live and its own attendees may not see them yet
DROPPED = "dropped"  # the region dropped the poll (or its item)
NOT_COMPARABLE = "not_comparable"  # the region changed its options since: keys no longer match


def parse_key(value: Any, what: str = "key") -> str:
    """A stable key: lower-case letters, digits, dots, dashes, underscores (up to 80)."""
    if not isinstance(value, str) or not _KEY.match(value):
        raise DomainError(
            "invalid_series_key",
            N_(
                "%(what)s: a key uses lower-case letters, digits, dots, dashes and "
                "underscores (up to 80), such as aims.human-rights."
            ),
            what=str(value)[:KEY_MAX] if isinstance(value, str) else what,
        )
    return value


@dataclass(frozen=True)
class SharedOption:
    key: str
    label: str


@dataclass(frozen=True)
class SharedPoll:
    """A poll of the bank: its key, the item it belongs to, and its definition."""

    key: str
    item_key: str
    definition: dict[str, Any]  # as an agenda file gives a poll, options as labels
    option_keys: tuple[str, ...]

    @property
    def type(self) -> str:
        return str(self.definition["type"])


@dataclass(frozen=True)
class SharedItem:
    key: str
    title: str
    minutes: int
    description: str = ""


@dataclass(frozen=True)
class SeriesSpec:
    """A validated series: ready to be stored."""

    short_name: str
    title: str
    description: str
    aims: tuple[str, ...]
    items: tuple[SharedItem, ...]
    polls: tuple[SharedPoll, ...]


def parse_series(data: Any) -> SeriesSpec:
    """Validate a series definition (docs/agenda-format.md, "Series")."""
    if not isinstance(data, dict):
        raise DomainError("invalid_series", N_("A series must be a mapping of fields."))
    aims = data.get("aims", [])
    if not isinstance(aims, list) or len(aims) > MAX_AIMS:
        raise DomainError("invalid_series", N_("The aims are a list of at most 20 sentences."))
    agenda = data.get("agenda")
    if not isinstance(agenda, list) or not agenda:
        raise DomainError("invalid_series", N_("A series needs at least one agenda item."))
    if len(agenda) > MAX_ITEMS:
        raise DomainError("invalid_series", N_("An agenda holds at most 50 items."))
    items: list[SharedItem] = []
    shared_polls: list[SharedPoll] = []
    for entry in agenda:
        if not isinstance(entry, dict):
            raise DomainError("invalid_item", N_("Each agenda item must be a mapping."))
        item = SharedItem(
            key=parse_key(entry.get("key")),
            title=clean_text(entry.get("title"), "title", max_length=200),
            minutes=require_int(entry.get("minutes"), "minutes", minimum=1, maximum=600),
            description=optional_text(entry.get("description"), "description", max_length=2000),
        )
        items.append(item)
        listed = entry.get("polls", [])
        if not isinstance(listed, list):
            raise DomainError("invalid_polls", N_("An item's polls are a list."))
        shared_polls += [parse_shared_poll(poll, item.key) for poll in listed]
    _check_unique([item.key for item in items] + [poll.key for poll in shared_polls])
    if len(shared_polls) > polls.MAX_POLLS:
        raise DomainError("too_many_polls", N_("A consultation holds at most 200 polls."))
    return SeriesSpec(
        short_name=parse_short_name(data.get("short_name")),
        title=clean_text(data.get("title"), "title", max_length=200),
        description=optional_text(data.get("description"), "description", max_length=5000),
        aims=tuple(clean_text(aim, "description", max_length=AIM_MAX) for aim in aims),
        items=tuple(items),
        polls=tuple(shared_polls),
    )


def _check_unique(keys: Sequence[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise DomainError(
                "duplicate_series_key", N_("The key %(key)s is used twice in the series."), key=key
            )
        seen.add(key)


def parse_shared_poll(data: Any, item_key: str) -> SharedPoll:
    """A poll of the bank: a keyed poll whose options are keyed (`{key, label}`)."""
    if not isinstance(data, dict):
        raise DomainError("invalid_poll", N_("A poll must be a mapping of fields."))
    key = parse_key(data.get("key"))
    if data.get("type") not in SHARED_TYPES:
        raise DomainError(
            "invalid_series_poll",
            N_("A shared poll is single, multiple or ranking: its options can be compared."),
        )
    option_keys, labels = parse_keyed_options(data.get("options"))
    definition = {k: v for k, v in data.items() if k != "key"} | {"options": list(labels)}
    polls.parse_poll(definition)  # every rule of an ordinary poll holds
    return SharedPoll(key, item_key, definition, option_keys)


def parse_keyed_options(value: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Options written `{key, label}`: their keys and their labels, in the order given."""
    if not isinstance(value, list) or not all(isinstance(option, dict) for option in value):
        raise DomainError(
            "invalid_poll_options",
            N_("A shared poll's options are a list of {key, label} mappings."),
        )
    keys = tuple(parse_key(option.get("key")) for option in value)
    if len(set(keys)) < len(keys):
        raise DomainError(
            "duplicate_series_key", N_("The key %(key)s is used twice in the series."), key=keys[0]
        )
    labels = tuple(option.get("label") for option in value)
    return keys, labels  # labels are checked with the poll (parse_poll)


# ---------------------------------------------------------------- a regional consultation


@dataclass(frozen=True)
class Regional:
    """A regional consultation as an agenda file, and the keys of what it holds.

    `item_keys[i]` is the key of the file's i-th agenda item ("" for a local one);
    `poll_keys` are the shared polls in the order the file lists them, each with
    its option keys in the region's order of the options.
    """

    agenda_file: dict[str, Any]
    item_keys: tuple[str, ...]
    poll_keys: tuple[tuple[str, tuple[str, ...]], ...]
    dates_unknown: bool
    sample: bool = False


REGIONAL_FIELDS = (
    "short_name",
    "title",
    "region",
    "description",
    "time_zone",
    "start",
    "planned_minutes",
    "languages",
    "settings",
)


def regional_file(
    items: Sequence[SharedItem], shared_polls: Sequence[SharedPoll], data: Any
) -> Regional:
    """The agenda file of a regional consultation made from the series' items and polls.

    `data` holds the consultation's own fields (region, time zone, start, languages…),
    and optionally `agenda`, the region's list of items — `{key, title?, minutes?,
    description?}` for a shared item (renamed if it says so), `{title, minutes}` for
    an item of its own; a shared item left out is dropped with its polls — and
    `polls`, `{key: {question?, options?} | false}` to reword a shared poll, reorder
    its options (each named by its key) or drop it.
    """
    if not isinstance(data, dict):
        raise DomainError("invalid_series", N_("Send the consultation's fields."))
    by_key = {item.key: item for item in items}
    listed = data.get("agenda")
    if listed is None:
        listed = [{"key": item.key} for item in items]
    if not isinstance(listed, list) or not listed:
        raise DomainError("invalid_agenda", N_("The agenda needs at least one item."))
    changes = data.get("polls", {})
    if not isinstance(changes, dict):
        raise DomainError("invalid_polls", N_("The regional polls are a mapping by key."))
    known_polls = {poll.key: poll for poll in shared_polls}
    for key in changes:
        if key not in known_polls:
            raise unknown_key(str(key))
    agenda: list[dict[str, Any]] = []
    item_keys: list[str] = []
    poll_keys: list[tuple[str, tuple[str, ...]]] = []
    for entry in listed:
        if not isinstance(entry, dict):
            raise DomainError("invalid_item", N_("Each agenda item must be a mapping."))
        key = entry.get("key")
        if key is None:  # the region's own item
            agenda.append({k: entry[k] for k in ("title", "minutes", "description") if k in entry})
            item_keys.append("")
            continue
        if key not in by_key:
            raise unknown_key(str(key))
        if key in item_keys:
            raise DomainError(
                "duplicate_series_key", N_("The key %(key)s is used twice in the series."), key=key
            )
        shared = by_key[key]
        item: dict[str, Any] = {
            "title": entry.get("title", shared.title),
            "minutes": entry.get("minutes", shared.minutes),
            "description": entry.get("description", shared.description),
        }
        regional_polls = []
        for poll in shared_polls:
            if poll.item_key != key or changes.get(poll.key, True) is False:
                continue
            definition, option_keys = regional_poll(poll, changes.get(poll.key, {}))
            regional_polls.append(definition)
            poll_keys.append((poll.key, option_keys))
        if regional_polls:
            item["polls"] = regional_polls
        agenda.append(item)
        item_keys.append(key)
    agenda_file = {field: data[field] for field in REGIONAL_FIELDS if field in data}
    agenda_file["agenda"] = agenda
    dates_unknown = data.get("dates_unknown", False)
    sample = data.get("sample", False)
    if not isinstance(dates_unknown, bool):
        raise DomainError("invalid_dates_unknown", N_("dates_unknown is true or false."))
    if not isinstance(sample, bool):
        raise DomainError("invalid_sample", N_("sample is true or false."))
    return Regional(agenda_file, tuple(item_keys), tuple(poll_keys), dates_unknown, sample)


def regional_poll(poll: SharedPoll, change: Any) -> tuple[dict[str, Any], tuple[str, ...]]:
    """A shared poll as one region asks it: reworded, its options reordered or relabelled.

    The region's options must name exactly the shared option keys, each once.
    """
    if change is True:
        change = {}
    if not isinstance(change, dict):
        raise DomainError("invalid_polls", N_("The regional polls are a mapping by key."))
    definition = dict(poll.definition)
    if "question" in change:
        definition["question"] = change["question"]
    option_keys = poll.option_keys
    if "options" in change:
        option_keys, labels = parse_keyed_options(change["options"])
        check_option_keys(poll, option_keys)
        shared_labels = dict(zip(poll.option_keys, poll.definition["options"], strict=True))
        definition["options"] = [
            label if label is not None else shared_labels[key]
            for key, label in zip(option_keys, labels, strict=True)
        ]
    return definition, option_keys


def check_option_keys(poll: SharedPoll, option_keys: Sequence[str]) -> None:
    """A regional poll's options name the shared poll's option keys, each exactly once."""
    if sorted(option_keys) != sorted(poll.option_keys):
        raise option_keys_mismatch(poll)


def option_keys_mismatch(poll: SharedPoll) -> DomainError:
    return DomainError(
        "option_keys_mismatch",
        N_("The options of %(key)s must be exactly its shared options: %(keys)s."),
        key=poll.key,
        keys=", ".join(poll.option_keys),
    )


def unknown_key(key: str) -> DomainError:
    return DomainError(
        "unknown_series_key", N_("The series has no item or poll keyed %(key)s."), key=key[:KEY_MAX]
    )


def check_same_series(link_series_id: int, series_id: int) -> None:
    """An organiser link manages its own series only."""
    if link_series_id != series_id:
        raise Forbidden("wrong_series", N_("This organiser link belongs to another series."))


# ---------------------------------------------------------------- the comparison


def visibility_in_series(
    consultation_state: str, poll_state: str, visibility: str, voters: int
) -> str:
    """Whether a region's results of a shared poll may be shown in the comparison.

    Never more than the consultation's own shareable report: a draft poll has no
    results; while the consultation is live, only results its attendees may see
    now; once it has ended, every opened poll (as its report shows them).
    """
    if poll_state == polls.DRAFT:
        return NOT_OPENED
    if consultation_state != "ended" and not polls.results_public(visibility, poll_state):
        return HIDDEN
    return COUNTED if voters else NO_ANSWERS


def keyed_values(rows: Sequence[Mapping[str, Any]], option_keys: Sequence[str]) -> dict[str, int]:
    """A region's result rows (keyed by option index) as values by option key."""
    return {option_keys[int(row["key"])]: int(row["value"]) for row in rows}


def distribution(values: Mapping[str, int], keys: Sequence[str]) -> dict[str, float]:
    """Values as shares of their sum, over `keys` (all zero when nothing was counted)."""
    total = sum(values.get(key, 0) for key in keys)
    return {key: (values.get(key, 0) / total if total else 0.0) for key in keys}


def total_variation(p: Mapping[str, float], q: Mapping[str, float]) -> float:
    """Total variation distance: half the sum of the differences, 0 (same) to 1 (disjoint).

    It is the largest share of one distribution that would have to move to make it
    the other: 0.3 means at least 30% of the votes (or Borda points) fall differently.
    """
    keys = set(p) | set(q)
    return round(sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in keys) / 2, 4)


@dataclass(frozen=True)
class Divergence:
    """How far apart regions are on one poll: the pair furthest apart, and its distance."""

    poll_key: str
    distance: float
    regions: tuple[str, str]
    pairs: tuple[tuple[str, str, float], ...]


def divergence(poll_key: str, by_region: Mapping[str, Mapping[str, float]]) -> Divergence | None:
    """Pairwise total variation distance between regions' distributions; None under two."""
    names = sorted(by_region)
    pairs = tuple(
        (a, b, total_variation(by_region[a], by_region[b])) for a, b in combinations(names, 2)
    )
    if not pairs:
        return None
    a, b, distance = max(pairs, key=lambda pair: (pair[2], pair[0], pair[1]))
    return Divergence(poll_key, distance, (a, b), pairs)
