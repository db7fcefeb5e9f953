"""Attendance from the log: who was connected when, replayed event by event.

The presence service logs `participant_arrived` when a person's first connection
opens and `participant_left` when their last one closes. Replaying those gives
the peak number of attendees connected at once, overall and for each
stakeholder group and country (each group's own peak, which may fall at a
different moment from the overall one). Staff are not attendees and are left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ARRIVED, LEFT = "participant_arrived", "participant_left"
ATTENDEE = "attendee"


@dataclass
class Peaks:
    """Attendees connected now and the most ever at once, overall and per group and country."""

    present: dict[int, tuple[str, str]] = field(default_factory=dict)
    peak: int = 0
    peak_at: datetime | None = None
    by_group: Counter[str] = field(default_factory=Counter)
    by_country: Counter[str] = field(default_factory=Counter)
    peak_by_group: Counter[str] = field(default_factory=Counter)
    peak_by_country: Counter[str] = field(default_factory=Counter)

    def apply(self, event_type: str, payload: dict[str, Any], at: datetime) -> None:
        """Take one arrival or departure into account (anything else is ignored)."""
        person = payload.get("participant_id")
        if payload.get("role") != ATTENDEE or not isinstance(person, int):
            return
        if event_type == ARRIVED and person not in self.present:
            group = str(payload.get("stakeholder_group") or "other")
            country = str(payload.get("country") or "")
            self.present[person] = (group, country)
            self.by_group[group] += 1
            self.by_country[country] += 1
            self.peak_by_group[group] = max(self.peak_by_group[group], self.by_group[group])
            self.peak_by_country[country] = max(
                self.peak_by_country[country], self.by_country[country]
            )
            if len(self.present) > self.peak:
                self.peak, self.peak_at = len(self.present), at
        elif event_type == LEFT and person in self.present:
            group, country = self.present.pop(person)
            self.by_group[group] -= 1
            self.by_country[country] -= 1


def replay(events: Iterable[tuple[str, dict[str, Any], datetime]]) -> Peaks:
    """Peaks from `(type, payload, at)` in log order."""
    peaks = Peaks()
    for event_type, payload, at in events:
        peaks.apply(event_type, payload, at)
    return peaks
