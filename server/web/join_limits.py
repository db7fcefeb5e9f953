"""Limits on the way in, held by the application whatever proxy stands in front.

One client must not act as a crowd, nor find a consultation by trying codes:

- joins per client address, and per consultation, in any sixty seconds;
- wrong join codes per client address in any ten minutes: past the limit, that
  address is refused every code, right or wrong, until the oldest of them is ten
  minutes old.

Windows slide: each counted key keeps the times of what it admitted within its
window, so no turn of the clock's minute lets a client through twice the limit.
Refusals are not counted; a refusal says when the next would be admitted. With
Redis configured (several workers) the times are Redis sorted sets every worker
shares, checked and added in one script, expiring with their window; in one process
they are kept in memory. A client address is kept only as a keyed hash, and only for
the window it counts in. Behind a proxy the address is the one the proxy saw
(`TRUSTED_PROXIES`, docs/deployment.md); a limit set to 0 is off.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import math
import os
import threading
from collections import deque
from collections.abc import Callable, Sequence
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

Limits = Sequence[tuple[str, int]]
"""Counted keys, each with the most it admits in a window."""


class Counters(Protocol):
    def take(self, limits: Limits, window: int, now: float) -> float:
        """Count one at every key unless one is at its limit in the last `window`
        seconds: 0 when counted, else the seconds until all would admit it."""

    def wait(self, limits: Limits, window: int, now: float) -> float:
        """What `take` would answer, counting nothing."""


class MemoryCounters:
    """Counters of one process, for the one-process shape; keys gone quiet are dropped."""

    def __init__(self, keep: int = 10_000) -> None:
        # By key and window: each key is dropped once quiet for its own window.
        self._times: dict[tuple[str, int], deque[float]] = {}
        self._keep = keep
        self._lock = threading.Lock()

    def take(self, limits: Limits, window: int, now: float) -> float:
        with self._lock:
            wait = self._wait(limits, window, now)
            if not wait:
                if len(self._times) >= self._keep:
                    self._forget_quiet(now)
                for key, _ in limits:
                    self._times.setdefault((key, window), deque()).append(now)
            return wait

    def wait(self, limits: Limits, window: int, now: float) -> float:
        with self._lock:
            return self._wait(limits, window, now)

    def _wait(self, limits: Limits, window: int, now: float) -> float:
        wait = 0.0
        for key, limit in limits:
            times = self._times.get((key, window), deque())
            while times and times[0] <= now - window:
                times.popleft()
            if len(times) >= limit:
                wait = max(wait, times[len(times) - limit] + window - now)
        return wait

    def _forget_quiet(self, now: float) -> None:
        self._times = {
            (key, window): times
            for (key, window), times in self._times.items()
            if times and times[-1] > now - window
        }

    def __len__(self) -> int:
        return len(self._times)


# KEYS: the counted keys. ARGV: now, window, this count's member, 1 to count (0 to
# only ask), then each key's limit. Answers the wait, as a string (Lua numbers would
# come back as integers).
_TAKE = """
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local wait = 0
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local limit = tonumber(ARGV[4 + i])
  local n = redis.call('ZCARD', key)
  if n >= limit then
    local nth = redis.call('ZRANGE', key, n - limit, n - limit, 'WITHSCORES')
    wait = math.max(wait, tonumber(nth[2]) + window - now)
  end
end
if wait == 0 and ARGV[4] == '1' then
  for _, key in ipairs(KEYS) do
    redis.call('ZADD', key, now, ARGV[3])
    redis.call('EXPIRE', key, window + 1)
  end
end
return tostring(wait)
"""


class RedisCounters:
    """Counters every worker shares: a sorted set of admitted times per key, expiring
    with its window."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._script = client.register_script(_TAKE)
        self._prefix = f"{prefix}:limits:"
        self._member_prefix = os.urandom(6).hex()
        self._members = itertools.count()

    def take(self, limits: Limits, window: int, now: float) -> float:
        return self._run(limits, window, now, count=True)

    def wait(self, limits: Limits, window: int, now: float) -> float:
        return self._run(limits, window, now, count=False)

    def _run(self, limits: Limits, window: int, now: float, count: bool) -> float:
        member = f"{self._member_prefix}:{next(self._members)}"
        keys = [f"{self._prefix}{key}:{window}" for key, _ in limits]
        args: list[str | int] = [repr(now), window, member, int(count)]
        args += [limit for _, limit in limits]
        return float(self._script(keys=keys, args=args))


@dataclass(frozen=True)
class JoinLimits:
    """The limits of one application and where their counts are kept."""

    per_address: int
    per_consultation: int
    wrong_codes: int
    counters: Counters
    secret: bytes

    def check_not_locked_out(self, address: str, now: float) -> None:
        """Refuse an address that has tried too many wrong codes in the last ten minutes."""
        if not self.wrong_codes:
            return
        counted = [(self._address_key("wrong", address), self.wrong_codes)]
        wait = self.counters.wait(counted, WRONG_CODE_WINDOW, now)
        if wait:
            raise TooManyRequests(
                "too_many_wrong_codes",
                N_("Too many wrong codes from this network; try again in a few minutes."),
                _seconds(wait),
            )

    def wrong_code(self, address: str, now: float) -> None:
        if self.wrong_codes:
            counted = [(self._address_key("wrong", address), self.wrong_codes)]
            self.counters.take(counted, WRONG_CODE_WINDOW, now)

    def admit(self, address: str, code: str, now: float) -> None:
        """Count a join; refuse it, uncounted, past the address's or the consultation's
        limit."""
        counted = [
            (key, limit)
            for key, limit in (
                (self._address_key("join", address), self.per_address),
                (f"join-code:{code}", self.per_consultation),
            )
            if limit
        ]
        wait = self.counters.take(counted, MINUTE, now) if counted else 0
        if wait:
            raise TooManyRequests(
                "too_many_joins",
                N_("Too many people are joining from here at once; try again in a minute."),
                _seconds(wait),
            )

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


def _seconds(wait: float) -> int:
    """A wait as `Retry-After` says it: whole seconds, at least one."""
    return max(1, math.ceil(wait))


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
