"""What every service needs: the store and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast

from flask import current_app

from .store import Store


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Core:
    store: Store
    clock: Callable[[], datetime] = field(default=utcnow)

    def now(self) -> datetime:
        return self.clock()


def current_core() -> Core:
    """The running application's core: one per app, kept in `app.extensions`."""
    return cast(Core, current_app.extensions["baraza"])
