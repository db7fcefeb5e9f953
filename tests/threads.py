"""Real threads released at one moment: how the tests make commands race."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any


def together(calls: Sequence[Callable[[], Any]], *, timeout: float = 120) -> list[Any]:
    """Run each call on its own thread, all released at once by a barrier.

    Returns, in the order of `calls`, what each returned or the exception it
    raised; fails the test if a call is still running after `timeout` seconds
    (a caller left waiting is a defect, not a slow test).
    """
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            outcomes[index] = call()
        except Exception as error:  # handed to the test, which asserts on it
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a caller was left waiting"
    return outcomes
