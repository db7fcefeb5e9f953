"""What the listed features add, installed: one immutable object per application.

`server/bootstrap.py` makes it from its list of features (`bootstrap.wire()`) and
`create_app` puts it on the application's `Core` (`core.wiring`); a test makes its own
core, with its own list if it wants one. Every reader takes its table from there — the
command registry, the event projections, the tallies' topics, the unit of work's
followers, the snapshot, the creation hooks, the report and the archive — so two
cores wired with different lists never see each other's parts, and importing a module
installs nothing.

The report's and the archive's parts are typed where they are read
(`server/reports/model.py`, `server/reports/json_archive.py`); core cannot import
them, so here they are plain callables, as in `Feature`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from .events import Payload, Projection
from .features import ArchiveTable, Feature, Part, Topic, merged, ordered

if TYPE_CHECKING:
    from .commands import Handler
    from .unit_of_work import Follower

K = TypeVar("K")
V = TypeVar("V")


def _frozen(entries: Mapping[K, V]) -> Mapping[K, V]:
    return MappingProxyType(dict(entries))


def _empty() -> Mapping[Any, Any]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Wiring:
    """Every installed table, read-only (see each field's reader).

    commands          {name: handler}                   core/commands.py
    projections       {(event_type, role): projection}  core/events.py (`project`)
    topics            {name: Topic}                     core/tallies.py
    followers         (follow, …)                       core/unit_of_work.py
    snapshot_parts    (part, …), merged in this order   features/consultations/snapshots.py
    creation_hooks    (hook, …)                         features/consultations/service.py
    report_sections, item_sections, csv_tables  (Part, …) by order, then key
    event_summaries, event_redactions, event_views, shareable_staff_events
                                                        reports/model.py
    archive_tables    (ArchiveTable, …) by order, then name
    payload_ids, settings_ids                           reports/json_archive.py
    room_size         room_size(core, consultation_id)  core/tallies.py (None: rooms unsized)
    """

    features: tuple[str, ...] = ()
    commands: Mapping[str, Handler] = field(default_factory=_empty)
    projections: Mapping[tuple[str, str], Projection] = field(default_factory=_empty)
    topics: Mapping[str, Topic] = field(default_factory=_empty)
    followers: tuple[Follower, ...] = ()
    snapshot_parts: tuple[Callable[..., Any], ...] = ()
    creation_hooks: tuple[Callable[..., Any], ...] = ()
    report_sections: tuple[Part, ...] = ()
    item_sections: tuple[Part, ...] = ()
    csv_tables: tuple[Part, ...] = ()
    event_summaries: Mapping[str, Callable[..., str]] = field(default_factory=_empty)
    event_redactions: Mapping[str, Callable[..., Any]] = field(default_factory=_empty)
    event_views: Mapping[str, Callable[..., Any]] = field(default_factory=_empty)
    shareable_staff_events: frozenset[str] = frozenset()
    archive_tables: tuple[ArchiveTable, ...] = ()
    payload_ids: Mapping[str, Callable[..., Any]] = field(default_factory=_empty)
    settings_ids: Mapping[str, Callable[..., Any]] = field(default_factory=_empty)
    room_size: Callable[..., int] | None = None

    @classmethod
    def of(cls, features: Sequence[Feature]) -> Wiring:
        """The features' parts, merged in list order; a key given twice is a mistake."""
        archive_tables = [table for feature in features for table in feature.archive_tables]
        names = [table.name for table in archive_tables]
        if len(set(names)) != len(names):
            raise ValueError(f"an archive table registered twice: {sorted(names)}")
        return cls(
            features=tuple(feature.name for feature in features),
            commands=_frozen(merged(features, "command", lambda f: f.commands)),
            projections=_frozen(merged(features, "projection", lambda f: f.projections)),
            topics=_frozen(merged(features, "tally topic", lambda f: f.topics)),
            followers=tuple(follow for f in features for follow in f.followers),
            snapshot_parts=tuple(part for f in features for part in f.snapshot_parts),
            creation_hooks=tuple(hook for f in features for hook in f.creation_hooks),
            report_sections=tuple(ordered(features, "report section", _sections_of)),
            item_sections=tuple(ordered(features, "item section", _items_of)),
            csv_tables=tuple(ordered(features, "CSV file", _csv_of)),
            event_summaries=_frozen(merged(features, "event summary", _summaries_of)),
            event_redactions=_frozen(merged(features, "event redaction", _redactions_of)),
            event_views=_frozen(merged(features, "event view", lambda f: f.event_views)),
            shareable_staff_events=frozenset(
                event_type for f in features for event_type in f.shareable_staff_events
            ),
            archive_tables=tuple(sorted(archive_tables, key=lambda t: (t.order, t.name))),
            payload_ids=_frozen(merged(features, "payload ids", lambda f: f.payload_ids)),
            settings_ids=_frozen(merged(features, "settings ids", lambda f: f.settings_ids)),
            room_size=_only_room_size(features),
        )

    def project(self, event_type: str, payload: Payload, role: str) -> Payload:
        """`payload` as `role` reads it (default: as logged)."""
        function = self.projections.get((event_type, role))
        return function(payload) if function else payload


def _only_room_size(features: Sequence[Feature]) -> Callable[..., int] | None:
    given = [feature for feature in features if feature.room_size is not None]
    if len(given) > 1:
        raise ValueError(f"room size given twice ({', '.join(f.name for f in given)})")
    return given[0].room_size if given else None


def _sections_of(feature: Feature) -> Sequence[Part]:
    return feature.report_sections


def _items_of(feature: Feature) -> Sequence[Part]:
    return feature.item_sections


def _csv_of(feature: Feature) -> Sequence[Part]:
    return feature.csv_tables


def _summaries_of(feature: Feature) -> Mapping[str, Callable[..., str]]:
    return feature.event_summaries


def _redactions_of(feature: Feature) -> Mapping[str, Callable[..., Any]]:
    return feature.event_redactions
