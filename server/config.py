"""One configuration, read from the environment with safe defaults."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ASYNC_MODES = ("eventlet", "gevent", "threading")
LOG_FORMATS = ("json", "text")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _instance_dir() -> Path:
    return Path(os.environ.get("BARAZA_INSTANCE", Path.cwd() / "instance"))


def _secret_key(instance: Path) -> str:
    """Keep one generated key under instance/ so sessions survive a restart."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


@dataclass(frozen=True)
class Config:
    """Everything the service reads from its environment."""

    database_url: str
    secret_key: str
    redis_url: str | None = None
    # Every Redis key and channel starts with this, so clusters can share a Redis.
    redis_prefix: str = "baraza"
    public_url: str = "http://127.0.0.1:5000"
    async_mode: str = "eventlet"
    host: str = "127.0.0.1"
    port: int = 5000
    instance_path: str = ""
    testing: bool = False
    # Commands one Socket.IO connection may send: a burst, then this many a second.
    command_burst: int = 30
    command_rate: float = 10.0
    # Limits on the way in (web/join_limits.py), 0 for none: joins per client address
    # and per consultation in any sixty seconds; wrong join codes per address in ten minutes.
    join_limit_per_address: int = 200
    join_limit_per_consultation: int = 3000
    wrong_code_limit: int = 30
    # Proxies in front that add X-Forwarded-For (nginx in `make cluster`: 1). The client
    # address the limits count is the one the outermost trusted proxy saw.
    trusted_proxies: int = 0
    # Seconds between pushes of coalesced tallies (vote counts, presence).
    tally_interval: float = 0.25
    # Messages a second one tally topic may send a consultation's room (core/tallies.py):
    # a room bigger than this times the interval is pushed that topic less often.
    tally_room_rate: int = 8_000
    # Seconds a dropped connection still counts as present (core/departures.py): a
    # person back within it is neither logged leaving nor arriving.
    presence_grace: float = 10.0
    # Seconds an audience's events may be held to go as one message (core/emitter.py).
    event_window: float = 0.25
    # Seconds a group commit's batch may wait for more commands after the previous batch
    # of its consultation began (core/gathering.py): 20 ms took a sixth of a join's CPU
    # off in the rush and is below what a person notices (docs/performance.md, step 91).
    gather_window: float = 0.02
    # Seconds a command may wait for PostgreSQL (connect, statement, lock) before
    # it is answered `try_again` (core/store.py).
    database_timeout: float = 5.0
    # The bearer token Prometheus sends to /metrics; unset, /metrics answers 404.
    metrics_token: str | None = None
    # Logs: a level name, and `text` (one readable line) or `json` (a JSON object a line).
    log_level: str = "INFO"
    log_format: str = "text"
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, **overrides: Any) -> Config:
        instance = _instance_dir()
        env = os.environ
        config = cls(
            database_url=env.get("DATABASE_URL") or f"sqlite:///{instance / 'baraza.sqlite3'}",
            secret_key=env.get("SECRET_KEY") or _secret_key(instance),
            redis_url=env.get("REDIS_URL") or None,
            redis_prefix=env.get("REDIS_PREFIX") or "baraza",
            public_url=(env.get("PUBLIC_URL") or "http://127.0.0.1:5000").rstrip("/"),
            async_mode=env.get("ASYNC_MODE", "eventlet"),
            host=env.get("HOST", "127.0.0.1"),
            port=int(env.get("PORT", "5000")),
            instance_path=str(instance),
            command_burst=int(env.get("COMMAND_BURST", "30")),
            command_rate=float(env.get("COMMAND_RATE", "10")),
            join_limit_per_address=int(env.get("JOIN_LIMIT_PER_ADDRESS", "200")),
            join_limit_per_consultation=int(env.get("JOIN_LIMIT_PER_CONSULTATION", "3000")),
            wrong_code_limit=int(env.get("WRONG_CODE_LIMIT", "30")),
            trusted_proxies=int(env.get("TRUSTED_PROXIES", "0")),
            tally_interval=float(env.get("TALLY_INTERVAL", "0.25")),
            tally_room_rate=int(env.get("TALLY_ROOM_RATE", "8000")),
            event_window=float(env.get("EVENT_WINDOW", "0.25")),
            gather_window=float(env.get("GATHER_WINDOW", "0.02")),
            presence_grace=float(env.get("PRESENCE_GRACE", "10")),
            database_timeout=float(env.get("DATABASE_TIMEOUT", "5")),
            metrics_token=env.get("METRICS_TOKEN") or None,
            log_level=env.get("LOG_LEVEL", "INFO").upper(),
            log_format=env.get("LOG_FORMAT", "text"),
        )
        config = replace(config, **overrides)
        if config.async_mode not in ASYNC_MODES:
            raise ValueError(f"ASYNC_MODE must be one of {', '.join(ASYNC_MODES)}")
        if config.log_format not in LOG_FORMATS:
            raise ValueError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}")
        if config.log_level not in LOG_LEVELS:
            raise ValueError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
        if config.tally_room_rate < 1:
            raise ValueError("TALLY_ROOM_RATE must be a positive number of messages a second")
        return config
