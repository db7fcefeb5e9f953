"""The series' wire shapes: the organiser's view and the comparison's records (docs/api.md)."""

from __future__ import annotations

from typing import TypedDict


class SharedItemView(TypedDict):
    key: str
    title: str
    minutes: int
    description: str


class SharedOptionView(TypedDict):
    key: str
    label: str


class SharedPollView(TypedDict):
    key: str
    item_key: str
    type: str
    question: str
    method: str
    options: list[SharedOptionView]


class CountsView(TypedDict):
    """People counted by stakeholder group and by country, small groups hidden."""

    total: int
    by_group: list[GroupCountView]
    by_country: list[GroupCountView]


class GroupCountView(TypedDict):
    """A group's count, or `hidden` ("<5", or "(other groups)" when folded) and `count` None."""

    key: str
    count: int | None
    hidden: str


class MemberView(TypedDict):
    """A consultation of the series as its organiser sees it."""

    consultation_id: int
    title: str
    region: str
    time_zone: str
    languages: list[str]
    join_code: str
    state: str
    scheduled_start: str
    dates_unknown: bool
    sample: bool
    attendance: CountsView


class SeriesView(TypedDict):
    id: int
    short_name: str
    title: str
    description: str
    aims: list[str]
    items: list[SharedItemView]
    polls: list[SharedPollView]
    consultations: list[MemberView]


class GroupResultView(TypedDict):
    """One stakeholder group's results within a region; figures None when hidden."""

    key: str
    voters: int | None
    values: dict[str, int] | None
    hidden: str


class RegionResultView(TypedDict):
    """One region's results of a shared poll, by option key (see `status`)."""

    consultation_id: int
    region: str
    sample: bool
    status: str
    question: str
    voters: int
    present_at_close: int | None
    turnout: float | None
    values: dict[str, int]
    percent: dict[str, float]
    by_group: list[GroupResultView]


class PairView(TypedDict):
    regions: list[str]
    distance: float


class DivergenceView(TypedDict):
    """How far apart the regions are on one poll (total variation distance, 0 to 1)."""

    poll_key: str
    question: str
    measure: str
    distance: float
    regions: list[str]
    pairs: list[PairView]


class PollComparisonView(TypedDict):
    key: str
    item_key: str
    type: str
    question: str
    method: str
    options: list[SharedOptionView]
    empty: bool
    regions: list[RegionResultView]
    divergence: DivergenceView | None


class TopQuestionView(TypedDict):
    text: str
    votes: int
    answered: bool


class SpeakingView(TypedDict):
    """Speaking time by group; a group of fewer than 5 speakers is hidden."""

    key: str
    speakers: int | None
    turns: int | None
    seconds: int | None
    hidden: str


class RegionItemView(TypedDict):
    consultation_id: int
    region: str
    sample: bool
    status: str  # "kept", "dropped"
    title: str
    top_questions: list[TopQuestionView]
    speaking: list[SpeakingView]
    speaking_seconds: int


class ItemComparisonView(TypedDict):
    key: str
    title: str
    regions: list[RegionItemView]


class RegionAttendanceView(TypedDict):
    consultation_id: int
    region: str
    sample: bool
    state: str
    attendance: CountsView


class ComparisonView(TypedDict):
    series_id: int
    title: str
    smallest_group: int
    polls: list[PollComparisonView]
    items: list[ItemComparisonView]
    attendance: list[RegionAttendanceView]
    differ_most: list[DivergenceView]
    agree_most: list[DivergenceView]
