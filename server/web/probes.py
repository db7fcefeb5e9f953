"""Probes for whoever restarts and routes to workers: `/healthz` and `/readyz`.

- `/healthz` (liveness): the process answers and its event loop turns. It asks
  nothing else, so a hung database never gets a live worker restarted.
- `/readyz` (readiness): this worker can serve now. Its database answers a query
  within DATABASE_TIMEOUT, Redis answers a PING (with REDIS_URL set), and the
  database is migrated to the revision this code expects.

Both answer `{"ok", "checks": {name: {"status", "detail"?}}, "failed": [name]}`,
`200` when every check passes and `503` otherwise. Details are for operators:
English, and free of addresses and credentials.
"""

from __future__ import annotations

from typing import Any

import redis
from flask import Blueprint, Flask, Response, current_app, jsonify
from sqlalchemy.exc import SQLAlchemyError

from server.core.errors import DomainError
from server.core.store import Store
from server.realtime.loop_watch import STALE_SECONDS, LoopWatch
from server.storage.migrate import current_revision, head_revision

blueprint = Blueprint("probes", __name__)

Check = dict[str, str]
OK: Check = {"status": "ok"}


def failed(detail: str) -> Check:
    return {"status": "failed", "detail": detail}


def answer(checks: dict[str, Check]) -> tuple[Response, int]:
    names = [name for name, check in checks.items() if check["status"] == "failed"]
    response = jsonify({"ok": not names, "checks": checks, "failed": names})
    response.headers["Cache-Control"] = "no-store"
    return response, 503 if names else 200


def event_loop(watch: LoopWatch) -> Check:
    silent = watch.silent_for()
    if silent is not None and silent > STALE_SECONDS:
        return failed(f"the event loop last turned {silent:.0f} s ago")
    return OK


def database_and_migrations(store: Store) -> dict[str, Check]:
    """Ask the database its migration revision: one query answers both checks."""
    try:
        with store.reading() as session:
            revision = current_revision(session)
    except (DomainError, SQLAlchemyError):
        return {
            "database": failed("the database did not answer in time"),
            "migrations": {"status": "unknown", "detail": "the database did not answer"},
        }
    head = head_revision()
    if revision != head:
        return {"database": OK, "migrations": failed(f"at {revision}; this code needs {head}")}
    return {"database": OK, "migrations": OK}


def redis_answers(client: redis.Redis) -> Check:
    try:
        client.ping()
    except (redis.RedisError, OSError):
        return failed("Redis did not answer in time")
    return OK


@blueprint.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Liveness: `503` if the event loop has not turned for STALE_SECONDS."""
    return answer({"event_loop": event_loop(current_app.extensions["baraza_loop"])})


@blueprint.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Readiness: the database, its migrations and (if configured) Redis answer."""
    checks = database_and_migrations(current_app.extensions["baraza"].store)
    membership: Any = current_app.extensions.get("baraza_cluster")
    if membership is not None:
        checks["redis"] = redis_answers(membership.client)
    return answer(checks)


def register(app: Flask) -> None:
    """The probes, and the loop watch they read (its beat starts with the background tasks)."""
    app.extensions["baraza_loop"] = LoopWatch()
    app.register_blueprint(blueprint)
