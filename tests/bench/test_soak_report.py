"""The soak's report (bench/soak/report.py): the moderator's actions pooled by thirds."""

from __future__ import annotations

from bench.soak.report import pooled, pooled_line


def window(number: int, times: list[float]) -> dict:
    each = [{"minute": 5 * number, "command": "pin_question", "last_attendee_ms": t} for t in times]
    return {"window": number, "minutes": [5 * number, 5 * number + 5], "chair": {"each": each}}


def test_the_first_and_last_thirds_of_the_soak_are_compared_as_two_samples():
    # The first window's 3 actions are its slowest; pooled with the next, they are not.
    rows = [window(0, [80, 90, 100]), window(1, [50] * 97)]
    rows += [window(2, [60] * 10), window(3, [70] * 10)]
    rows += [window(4, [60] * 50), window(5, [55] * 49 + [120])]

    found = pooled({"windows": rows})

    assert found is not None
    assert found["first"]["minutes"] == [0, 10] and found["first"]["actions"] == 100
    assert found["last"]["minutes"] == [20, 30] and found["last"]["actions"] == 100
    assert (found["first"]["p99"], found["last"]["p99"]) == (100, 120)
    assert found["first"]["p50"] == 50 and found["last"]["p50"] == 60
    assert found["p99_ratio"] == 1.2
    assert pooled_line(found).endswith("p99 100.0 → 120.0 ms (1.20×).")


def test_a_soak_too_short_or_without_timed_actions_has_no_pooled_comparison():
    assert pooled({"windows": [window(0, [10]), window(1, [20])]}) is None
    assert pooled({"windows": [window(n, []) for n in range(6)]}) is None
