"""The agenda clock and transitions, as plain rules."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from server.core.errors import DomainError
from server.features.agenda import rules as agenda

T0 = datetime(2024, 1, 18, 8, 30, tzinfo=UTC)


@dataclass
class Item:
    id: int
    position: int
    planned_minutes: int
    extra_seconds: int = 0
    elapsed_before: int = 0
    run_started_at: datetime | None = None
    state: str = agenda.PENDING


def test_a_running_item_counts_down_from_its_planned_minutes():
    item = Item(1, 0, 15, run_started_at=T0, state=agenda.ACTIVE)
    timing = agenda.item_timing(item, T0 + timedelta(minutes=4))
    assert (timing.elapsed, timing.remaining, timing.overrun) == (240, 660, 0)


def test_an_item_past_its_time_reports_the_overrun():
    item = Item(1, 0, 5, run_started_at=T0, state=agenda.ACTIVE)
    timing = agenda.item_timing(item, T0 + timedelta(minutes=7))
    assert timing.remaining == -120
    assert timing.overrun == 120


def test_an_extension_adds_to_the_time_allotted():
    item = Item(1, 0, 5, extra_seconds=120, run_started_at=T0, state=agenda.ACTIVE)
    assert agenda.item_timing(item, T0 + timedelta(minutes=6)).remaining == 60


def test_a_revisited_item_keeps_the_time_it_already_ran():
    item = Item(1, 0, 10, elapsed_before=300, run_started_at=T0, state=agenda.ACTIVE)
    assert agenda.item_timing(item, T0 + timedelta(minutes=1)).elapsed == 360


def test_projected_end_adds_the_rest_of_the_current_item_and_all_pending_ones():
    items = [
        Item(1, 0, 5, elapsed_before=300, state=agenda.DONE),
        Item(2, 1, 15, run_started_at=T0, state=agenda.ACTIVE),
        Item(3, 2, 10),
    ]
    now = T0 + timedelta(minutes=5)
    assert agenda.projected_end(items, now, T0) == now + timedelta(minutes=10 + 10)


def test_an_overrunning_item_pushes_the_projected_end_from_now():
    items = [Item(1, 0, 5, run_started_at=T0, state=agenda.ACTIVE), Item(2, 1, 10)]
    now = T0 + timedelta(minutes=8)
    assert agenda.projected_end(items, now, T0) == now + timedelta(minutes=10)


def test_before_the_start_the_projection_runs_from_the_scheduled_start():
    items = [Item(1, 0, 30), Item(2, 1, 60)]
    scheduled = T0 + timedelta(hours=1)
    assert agenda.projected_end(items, T0, scheduled) == scheduled + timedelta(minutes=90)


def test_a_running_item_cannot_be_started_again():
    with pytest.raises(DomainError) as refused:
        agenda.check_can_start(Item(1, 0, 5, state=agenda.ACTIVE))
    assert refused.value.code == "item_already_active"


def test_there_is_no_item_after_the_last_or_before_the_first():
    items = [Item(1, 0, 5), Item(2, 1, 5)]
    with pytest.raises(DomainError) as after:
        agenda.next_item(items, items[1])
    with pytest.raises(DomainError) as before:
        agenda.previous_item(items, items[0])
    assert (after.value.code, before.value.code) == ("no_next_item", "no_previous_item")


@pytest.mark.parametrize("order", [[1], [1, 1], [1, 2, 3], "1,2", [1, True], None])
def test_a_reorder_must_name_every_item_once(order):
    with pytest.raises(DomainError) as refused:
        agenda.check_reorder([Item(1, 0, 5), Item(2, 1, 5)], order)
    assert refused.value.code == "invalid_order"


def test_a_valid_reorder_is_returned_as_given():
    assert agenda.check_reorder([Item(1, 0, 5), Item(2, 1, 5)], [2, 1]) == [2, 1]


def test_a_late_start_is_measured_against_the_schedule():
    started = T0 + timedelta(minutes=20)
    assert agenda.plan_baseline(T0, started) == T0


def test_a_rehearsal_on_another_day_is_measured_from_its_own_start():
    started = T0 + timedelta(days=700)
    assert agenda.plan_baseline(T0, started) == started
