"""`python -m server`: the embedded default — SQLite, one process, the demo seeded."""

from __future__ import annotations

from .config import Config
from .green import patch_database_driver, patch_standard_library

config = Config.from_env()
patch_standard_library(config.async_mode)
patch_database_driver(config.database_url)

from .app import create_app  # noqa: E402 - only once the standard library is patched
from .cli import prepare  # noqa: E402
from .realtime.serving import serve, size_for_crowds, start_background_tasks  # noqa: E402

app = create_app(config)
size_for_crowds(app)
print(prepare(app), flush=True)
start_background_tasks(app)
print(f"Serving on {config.public_url} (async mode: {config.async_mode})", flush=True)
serve(app, config.host, config.port, config.async_mode)
