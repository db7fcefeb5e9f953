"""Limits on the way in, held by the application whatever proxy stands in front.

One client must not act as a crowd, nor find a consultation by trying codes:

- joins per client address per minute, and per consultation per minute;
- wrong join codes per client address per ten minutes: past the limit, that
  address is refused every code, right or wrong, until the window ends.

Counts are kept in fixed windows. With Redis configured (several workers) they are
Redis counters every worker shares, expiring with their window; in one process they
are kept in memory. A client address is kept only as a keyed hash, and only for the
window it counts in. Behind a proxy the address is the one the proxy saw
(`TRUSTED_PROXIES`, docs/deployment.md); a limit set to 0 is off.
"""

from __future__ import annotations

import functools
import hashlib
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, Protocol, TypeVar

import redis
from flask import Flask, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

from server.config import Config
from server.core.errors import N_, DomainError, TooManyRequests
from server.core.runtime import current_core

MINUTE = 60
WRONG_CODE_WINDOW = 10 * MINUTE


class Counters(Protocol):
    def hit(self, key: str, window: int, now: float) -> int:
        """Count one more in `key`'s current window of `window` seconds; the count so far."""

    def count(self, key: str, window: int, now: float) -> int:
        """The count of `key`'s current window, without adding to it."""


class MemoryCounters:
    """Counters of one process, for the one-process shape; ended windows are dropped."""

    def __init__(self, keep: int = 10_000) -> None:
        self._counts: dict[tuple[str, int, int], int] = {}
        self._keep = keep
        self._lock = threading.Lock()

    def hit(self, key: str, window: int, now: float) -> int:
        slot = (key, window, int(now // window))
        with self._lock:
            if len(self._counts) >= self._keep:
                self._counts = {s: n for s, n in self._counts.items() if (s[2] + 1) * s[1] > now}
            self._counts[slot] = self._counts.get(slot, 0) + 1
            return self._counts[slot]

    def count(self, key: str, window: int, now: float) -> int:
        with self._lock:
            return self._counts.get((key, window, int(now // window)), 0)

    def __len__(self) -> int:
        return len(self._counts)


class RedisCounters:
    """Counters every worker shares: one Redis key per window, expiring with it."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._client = client
        self._prefix = f"{prefix}:limits:"

    def hit(self, key: str, window: int, now: float) -> int:
        name = self._name(key, window, now)
        pipe = self._client.pipeline()
        pipe.incr(name)
        pipe.expire(name, window + 1)
        count, _ = pipe.execute()
        return int(count)

    def count(self, key: str, window: int, now: float) -> int:
        value = self._client.get(self._name(key, window, now))
        return int(value) if value is not None else 0

    def _name(self, key: str, window: int, now: float) -> str:
        return f"{self._prefix}{key}:{int(now // window)}"


@dataclass(frozen=True)
class JoinLimits:
    """The limits of one application and where their counts are kept."""

    per_address: int
    per_consultation: int
    wrong_codes: int
    counters: Counters
    secret: bytes

    def check_not_locked_out(self, address: str, now: float) -> None:
        """Refuse an address that has tried too many wrong codes in this window."""
        if not self.wrong_codes:
            return
        tried = self.counters.count(self._address_key("wrong", address), WRONG_CODE_WINDOW, now)
        if tried >= self.wrong_codes:
            raise TooManyRequests(
                "too_many_wrong_codes",
                N_("Too many wrong codes from this network; try again in a few minutes."),
                _retry_after(WRONG_CODE_WINDOW, now),
            )

    def wrong_code(self, address: str, now: float) -> None:
        if self.wrong_codes:
            self.counters.hit(self._address_key("wrong", address), WRONG_CODE_WINDOW, now)

    def admit(self, address: str, code: str, now: float) -> None:
        """Count a join; refuse it past the address's or the consultation's limit."""
        over = self._over(self.per_address, self._address_key("join", address), now)
        over = self._over(self.per_consultation, f"join-code:{code}", now) or over
        if over:
            raise TooManyRequests(
                "too_many_joins",
                N_("Too many people are joining from here at once; try again in a minute."),
                _retry_after(MINUTE, now),
            )

    def _over(self, limit: int, key: str, now: float) -> bool:
        return bool(limit) and self.counters.hit(key, MINUTE, now) > limit

    def _address_key(self, kind: str, address: str) -> str:
        digest = hashlib.blake2b(address.encode(), key=self.secret[:64], digest_size=12)
        return f"{kind}-address:{digest.hexdigest()}"

    def address_hash(self, address: str) -> str:
        """The keyed hash an attendee's address is kept as (integrity flags): equal for one
        address, meaningless without the secret; personal data, erased with the names."""
        digest = hashlib.blake2b(
            address.encode(), key=self.secret[:64], digest_size=16, person=b"joined"
        )
        return digest.hexdigest()


def _retry_after(window: int, now: float) -> int:
    return max(1, math.ceil((int(now // window) + 1) * window - now))


def limits_for(config: Config) -> JoinLimits:
    counters: Counters
    if config.redis_url:
        counters = RedisCounters(redis.Redis.from_url(config.redis_url), config.redis_prefix)
    else:
        counters = MemoryCounters()
    return JoinLimits(
        config.join_limit_per_address,
        config.join_limit_per_consultation,
        config.wrong_code_limit,
        counters,
        config.secret_key.encode(),
    )


def current_limits() -> JoinLimits:
    limits: JoinLimits = current_app.extensions["baraza.join_limits"]
    return limits


def _now() -> float:
    return current_core().now().timestamp()


def _address() -> str:
    return request.remote_addr or "unknown"


P = ParamSpec("P")
R = TypeVar("R")


def refuse_if_locked_out() -> None:
    current_limits().check_not_locked_out(_address(), _now())


def wrong_code() -> None:
    current_limits().wrong_code(_address(), _now())


def guarding_codes(view: Callable[P, R]) -> Callable[P, R]:
    """A view that looks a join code up: refused while its address is locked out, and
    a wrong code counted against the address."""

    @functools.wraps(view)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        limits, address, now = current_limits(), _address(), _now()
        limits.check_not_locked_out(address, now)
        try:
            return view(*args, **kwargs)
        except DomainError as error:
            if error.code == "unknown_consultation":
                limits.wrong_code(address, now)
            raise

    return guarded


def address_hash() -> str:
    """This request's client address as the participant keeps it (a keyed hash)."""
    return current_limits().address_hash(_address())


def admit(code: str) -> None:
    """Count one join at `code` from this request's address (a wrong code counts as one)."""
    current_limits().admit(_address(), code, _now())


def register(app: Flask, config: Config) -> None:
    app.extensions["baraza.join_limits"] = limits_for(config)
    if config.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.trusted_proxies)  # type: ignore[method-assign]
