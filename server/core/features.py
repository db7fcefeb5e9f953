"""What a feature contributes, declared as data: `server/bootstrap.py` wires it.

Nothing registers itself when a module is imported. A feature lists what it
offers in one `Feature` (its `feature.py`), and `bootstrap.wire()` — called by
`create_app` and by the tests — makes of every listed feature's parts one immutable
`Wiring` (core/wiring.py) for one application's `Core`: the command registry, the
event projections, the tallies' topics, the snapshot, the report, the CSV download,
the archive. So what runs is what the list says, whatever was imported first.

The report's and the archive's parts are typed where they are read
(`server/reports/model.py`, `server/reports/json_archive.py`); core cannot import
them, so here they are plain callables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from .events import Projection

if TYPE_CHECKING:
    from .commands import Handler
    from .tallies import Renderer

V = TypeVar("V")


def each(keys: Iterable[str], value: V) -> dict[str, V]:
    """`{key: value}` for every key: one summary for several event types, say."""
    return dict.fromkeys(keys, value)


@dataclass(frozen=True)
class Topic:
    """A coalesced tally (core/tallies.py): how to render it, and at most how often."""

    render: Renderer
    every: float = 0.0


@dataclass(frozen=True)
class Part:
    """A part placed by `order` (lower first, then by key): a report section, a CSV file."""

    key: str
    order: int
    provide: Callable[..., Any]


@dataclass(frozen=True)
class ArchiveTable:
    """Rows of the JSON archive: `export` yields them as plain JSON (numbering their ids),
    `restore` inserts them back (binding the new ids); lower `order` goes first."""

    name: str
    order: int
    export: Callable[..., Any]
    restore: Callable[..., Any]


@dataclass(frozen=True)
class Feature:
    """Everything one feature adds to Baraza; every field but `name` may be left out.

    commands          {name: handler(core, viewer, payload) -> Outcome}  (core/commands.py)
    projections       {(event_type, role): projection}                  (core/events.py)
    topics            {name: Topic(render, every)}                      (core/tallies.py)
    snapshot_parts    [part(tx, consultation, viewer, now) -> its views.py `*Part` TypedDict]
    creation_hooks    [hook(tx, consultation, spec, now)]               (consultations/service.py)
    report_sections   [Part(key, order, provide(ctx) -> Section | None)]        (reports/model.py)
    item_sections     [Part(key, order, provide(ctx, item) -> Section | None)]
    csv_tables        [Part(file name, order, provide(ctx) -> Table | None)]
    event_summaries   {event_type: summary(ctx, payload) -> str}
    event_redactions  {event_type: redact(payload) -> payload}
    event_views       {event_type: view(event, audience) -> event | None}
    shareable_staff_events  [event_type, …]
    archive_tables    [ArchiveTable(name, order, export, restore)]      (reports/json_archive.py)
    payload_ids       {event_type: translate(payload, remap) -> payload}
    settings_ids      {settings key: translate(part, remap) -> part}
    followers         [follow(uow, logged)], after every batch a unit of work logs
                                                                        (core/unit_of_work.py)
    room_size         room_size(core, consultation_id) -> people connected now: big rooms
                      are pushed tallies less often (core/tallies.py); one feature gives it
    """

    name: str
    commands: Mapping[str, Handler] = field(default_factory=dict)
    projections: Mapping[tuple[str, str], Projection] = field(default_factory=dict)
    topics: Mapping[str, Topic] = field(default_factory=dict)
    snapshot_parts: Sequence[Callable[..., Any]] = ()
    creation_hooks: Sequence[Callable[..., Any]] = ()
    report_sections: Sequence[Part] = ()
    item_sections: Sequence[Part] = ()
    csv_tables: Sequence[Part] = ()
    event_summaries: Mapping[str, Callable[..., str]] = field(default_factory=dict)
    event_redactions: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    event_views: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    shareable_staff_events: Sequence[str] = ()
    archive_tables: Sequence[ArchiveTable] = ()
    payload_ids: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    settings_ids: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    followers: Sequence[Callable[..., None]] = ()
    room_size: Callable[..., int] | None = None


K = TypeVar("K")


def merged(
    features: Sequence[Feature], what: str, key: Callable[[Feature], Mapping[K, V]]
) -> dict[K, V]:
    """The features' entries of one kind in one dict; a key given twice is a mistake."""
    entries: dict[K, V] = {}
    for feature in features:
        for name, value in key(feature).items():
            if name in entries:
                raise ValueError(f"{what} {name} registered twice ({feature.name})")
            entries[name] = value
    return entries


def ordered(
    features: Sequence[Feature], what: str, key: Callable[[Feature], Sequence[Part]]
) -> list[Part]:
    """The features' parts of one kind, by order then key; a key given twice is a mistake."""
    parts = [part for feature in features for part in key(feature)]
    seen: set[str] = set()
    for part in parts:
        if part.key in seen:
            raise ValueError(f"{what} {part.key} registered twice")
        seen.add(part.key)
    return sorted(parts, key=lambda part: (part.order, part.key))
