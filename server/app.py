"""The application factory: settings, storage, pages, API and Socket.IO wired together."""

from __future__ import annotations

from typing import Any

from flask_babel import Babel

from . import bootstrap
from .config import Config
from .core import logs
from .core.departures import Departures
from .core.emitter import Pacer
from .core.group_commit import GroupCommits
from .core.runtime import Core
from .core.shared_views import SharedViews
from .core.socket import MAX_MESSAGE_BYTES, Flask, JsonPacket, socketio
from .core.store import Store
from .core.tallies import Tallies
from .i18n import select_locale


def create_app(config: Config | None = None, **overrides: Any) -> Flask:
    """Build the application; `overrides` replace settings read from the environment."""
    config = config or Config.from_env(**overrides)
    app = Flask(__name__, static_folder="../static", template_folder="../templates")
    # An address with an empty segment is not found, not redirected to the one with its
    # slashes merged: that redirect is an HTML page, even under /api/.
    app.url_map.merge_slashes = False
    app.config.update(
        SECRET_KEY=config.secret_key,
        TESTING=config.testing,
        BARAZA=config,
        MAX_CONTENT_LENGTH=1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.public_url.startswith("https://"),
    )
    logs.configure(config.log_level, config.log_format)
    core = Core(
        Store(config.database_url, config.database_timeout),
        pacer=Pacer(config.event_window),
        tallies=Tallies(config.tally_interval, config.tally_room_rate),
        # Under test every kept view is built again and compared (core/shared_views.py).
        shared=SharedViews(check=config.testing),
        departures=Departures(config.presence_grace),
        groups=GroupCommits(config.gather_window),
        wiring=bootstrap.wire(),  # the features' commands and parts (server/bootstrap.py)
    )
    app.extensions["baraza"] = core
    Babel(app, locale_selector=select_locale)
    _register_web(app, config)
    _register_realtime(app, config)
    from .cli import register_cli

    register_cli(app)
    return app


def _register_web(app: Flask, config: Config) -> None:
    from .web import (
        api,
        compression,
        downloads,
        errors,
        invitations,
        join_limits,
        pages,
        probes,
        prometheus,
        public_pages,
        security,
        series_api,
        series_pages,
        templating,
    )

    app.register_blueprint(pages.blueprint)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(downloads.blueprint)
    app.register_blueprint(invitations.blueprint)
    app.register_blueprint(series_api.blueprint)
    app.register_blueprint(series_pages.blueprint)
    app.register_blueprint(public_pages.blueprint)
    probes.register(app)
    prometheus.register(app)
    errors.register(app)
    join_limits.register(app, config)
    templating.register(app)
    compression.register(app)
    security.register(app)


def _register_realtime(app: Flask, config: Config) -> None:
    from .realtime import cluster, connection  # noqa: F401  (connecting and syncing)

    # async_handlers=False: a connection's events are handled one after the other, in
    # the order sent, on the green thread reading that connection (the library's
    # default starts a thread per event, and commands sent back to back could be
    # applied out of order). Connections stay concurrent with one another.

    socketio.init_app(
        app,
        async_mode=config.async_mode,
        message_queue=config.redis_url,
        client_manager=cluster.configure(app, config),
        cors_allowed_origins=[config.public_url],
        max_http_buffer_size=MAX_MESSAGE_BYTES,
        async_handlers=False,
        serializer=JsonPacket,
        ping_interval=20,
        ping_timeout=20,
    )
