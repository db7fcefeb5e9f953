"""Small groups in shareable breakdowns: nobody's vote, presence or time can be read off.

A breakdown by stakeholder group or by country in a shareable output shows a
group's own figures only when the group counts at least `SMALLEST` people
(voters, attendees who joined, speakers). A smaller group is still listed, as
"fewer than 5", and its figures go into one row, "Smaller groups together".

Hiding one small group is not enough: its figures would be the total minus the
groups shown. So when the other-groups row would hold fewer than `SMALLEST`
people, the smallest groups shown join it (listed as "counted in other
groups") until it holds `SMALLEST` or more; every figure a shareable breakdown
shows, or that subtraction from the totals gives, covers at least 5 people.
When even everyone together is fewer than 5, the row (the totals again) is left out.
The full record keeps every group for staff.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from server.i18n import gettext as _

from .model import Audience, Cell

SMALLEST = 5

T = TypeVar("T")


@dataclass(frozen=True)
class Marks:
    """How a breakdown names what it hides: a small group, a folded one, the row holding them."""

    small: str
    folded: str
    other: str


# Machine-readable, in the CSV: "<5", and "(other groups)" names the row holding them.
CSV_MARKS = Marks("<5", "(other groups)", "(other groups)")


def report_marks() -> Marks:
    """The marks in the reader's language (Markdown and DOCX)."""
    return Marks(_("fewer than 5"), _("counted in smaller groups"), _("Smaller groups together"))


@dataclass(frozen=True)
class Protected(Generic[T]):
    """A breakdown's groups, and which of them a reader may see the figures of."""

    groups: Sequence[T]
    small: frozenset[int]  # indices of groups of fewer than SMALLEST people
    folded: frozenset[int]  # indices of larger groups counted with the small ones
    others: int  # people in the other-groups row

    @property
    def merged(self) -> list[T]:
        """The groups the other-groups row holds."""
        hidden = self.small | self.folded
        return [group for index, group in enumerate(self.groups) if index in hidden]

    def _mark(self, index: int, marks: Marks) -> str:
        if index in self.small:
            return marks.small
        return marks.folded if index in self.folded else ""

    def entries(self, merge: Callable[[list[T]], T], marks: Marks) -> list[tuple[T, str]]:
        """Each group with its mark ("" when shown), then the other-groups row `merge` makes."""
        listed = [
            (
                group,
                marks.small
                if index in self.small
                else marks.folded
                if index in self.folded
                else "",
            )
            for index, group in enumerate(self.groups)
        ]
        if self.others >= SMALLEST:
            listed.append((merge(self.merged), ""))
        return listed

    def rows(
        self,
        label: Callable[[T], Cell],
        figures: Callable[[T], Sequence[Cell]],
        merged: Callable[[list[T]], Sequence[Cell]],
        marks: Marks,
    ) -> list[tuple[Cell, ...]]:
        """One row per group, `(label, *figures)`; hidden ones carry a mark and blanks,
        then the other-groups row if it holds `SMALLEST` people or more."""
        rows: list[tuple[Cell, ...]] = []
        for index, group in enumerate(self.groups):
            shown = figures(group)
            mark = self._mark(index, marks)
            if mark:
                rows.append((label(group), mark, *([""] * (len(shown) - 1))))
            else:
                rows.append((label(group), *shown))
        if self.others >= SMALLEST:
            rows.append((marks.other, *merged(self.merged)))
        return rows


def protect(groups: Sequence[T], size: Callable[[T], int], audience: Audience) -> Protected[T]:
    """Which groups a breakdown for `audience` may show (all of them in the full record)."""
    if audience == Audience.FULL:
        return Protected(groups, frozenset(), frozenset(), 0)
    small = {index for index, group in enumerate(groups) if size(group) < SMALLEST}
    others = sum(size(groups[index]) for index in small)
    folded: set[int] = set()
    shown = sorted(
        (index for index in range(len(groups)) if index not in small),
        key=lambda index: (size(groups[index]), -index),
    )
    while 0 < others < SMALLEST and shown:
        index = shown.pop(0)
        folded.add(index)
        others += size(groups[index])
    return Protected(groups, frozenset(small), frozenset(folded), others)
