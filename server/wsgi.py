"""Production entry for gunicorn (see Procfile): `server.wsgi:app`.

gunicorn's eventlet or gevent worker patches the standard library before it
imports this module; the database driver is made cooperative here. Logs are
JSON lines here unless `LOG_FORMAT` says otherwise: a production log is read
by machines first (`make run` keeps readable text). SIGTERM drains the worker
before gunicorn stops it (realtime/draining.py).
"""

from __future__ import annotations

import os

from .app import create_app
from .config import Config
from .green import patch_database_driver
from .realtime.draining import drain_on_sigterm
from .realtime.serving import size_for_crowds, start_background_tasks

config = Config.from_env(log_format=os.environ.get("LOG_FORMAT", "json"))
patch_database_driver(config.database_url)
app = create_app(config)
size_for_crowds(app)
start_background_tasks(app)
drain_on_sigterm(app)
