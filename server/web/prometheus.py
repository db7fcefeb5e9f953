"""`/metrics`: this worker's metrics for Prometheus, behind a bearer token.

With METRICS_TOKEN unset, `/metrics` does not exist (404): nothing is shown by
default. Scrape each worker on its own address (127.0.0.1:500x), not through
nginx, which would hand each scrape to whichever worker its hash picks
(docs/deployment.md, "Watching a consultation").
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Flask, Response, current_app, jsonify
from flask_babel import gettext
from prometheus_client import CONTENT_TYPE_LATEST

from server import metrics
from server.core.errors import N_, Forbidden
from server.i18n import translate_error
from server.realtime.connection import WORKER

from .auth import bearer_token
from .errors import HTTP_MESSAGES, error_body, error_reply

blueprint = Blueprint("prometheus", __name__)


@blueprint.get("/metrics")
def scrape() -> Response | tuple[Response, int]:
    """Every metric of this worker; `401 invalid_token` (JSON) without the right token."""
    expected = current_app.config["BARAZA"].metrics_token
    if not expected:  # the API's JSON 404, as for an unknown /api/ address
        return jsonify(error_body("not_found", gettext(HTTP_MESSAGES[404]))), 404
    given = bearer_token() or ""
    if not hmac.compare_digest(given.encode(), expected.encode()):
        refusal = Forbidden("invalid_token", N_("This link or session is not valid."))
        return error_reply(error_body(refusal.code, translate_error(refusal)))
    response = Response(metrics.exposition(WORKER), mimetype=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    """`/metrics`, reading this app's connections and database pool at each scrape."""
    core = app.extensions["baraza"]
    store = core.store
    metrics.watch(
        roles=lambda: [viewer.role for viewer in list(core.held.values())],
        pool=lambda: store.engine.pool,
    )
    metrics.time_garbage_collections()
    app.register_blueprint(blueprint)
