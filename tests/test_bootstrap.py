"""Features are installed by server/bootstrap.py, never by being imported.

Each check runs in a fresh interpreter: the tests' own conftest installs every
feature, so only a new process shows what importing alone does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

REGISTRIES = """
from server.core import commands, events, tallies
from server.features.consultations import service as consultations, snapshots
from server.reports import json_archive, model

def registries():
    return {
        "commands": sorted(commands.COMMANDS),
        "projections": sorted(map(list, events._projections)),
        "topics": sorted(tallies._renderers),
        "snapshot parts": [part.__qualname__ for part in snapshots.PARTS],
        "creation hooks": [hook.__qualname__ for hook in consultations.CREATION_HOOKS],
        "report sections": [key for key, _ in model._sections],
        "item sections": [key for key, _ in model._item_sections],
        "csv files": [key for key, _ in model._csv_files],
        "event summaries": sorted(model.event_summary._functions),
        "event redactions": sorted(model.event_redaction._functions),
        "shareable staff events": sorted(model._shareable_staff_events),
        "archive tables": [table.name for table in json_archive._tables],
        "payload ids": sorted(json_archive.payload_ids._functions),
        "settings ids": sorted(json_archive.settings_ids._functions),
    }
"""


def run(code: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", REGISTRIES + code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


IMPORT_EVERYTHING = """
import importlib, pkgutil, server
for module in pkgutil.walk_packages(server.__path__, "server."):
    if ".migrations" not in module.name and not module.name.endswith(("wsgi", "__main__", "green")):
        importlib.import_module(module.name)
"""


def test_importing_every_module_registers_nothing_until_bootstrap_installs():
    before = run("import json; print(json.dumps(registries()))")
    imported = run(IMPORT_EVERYTHING + "import json; print(json.dumps(registries()))")
    assert imported == before
    assert all(not entries for entries in imported.values()), imported


def test_install_fills_every_registry_and_installing_again_changes_nothing():
    installed = run(
        "from server import bootstrap; import json\n"
        "bootstrap.install(); first = registries(); bootstrap.install()\n"
        "print(json.dumps([first, registries()]))"
    )
    first, again = installed
    assert first == again
    assert all(entries for entries in first.values()), first
    assert "replace_link" in first["commands"] and "presence" in first["topics"]


SNAPSHOT_KEYS = """
import json, tempfile
from server import bootstrap
from server.core.runtime import Core
from server.core.store import Store
from server.features.consultations import service as consultations, snapshots
from server.storage.migrate import upgrade
from server.features.consultations.rules import parse_spec

bootstrap.install()
url = f"sqlite:///{tempfile.mkdtemp()}/baraza.sqlite3"
upgrade(url)
core = Core(Store(url))
spec = {"short_name": "s", "title": "T", "region": "Africa", "time_zone": "Africa/Lagos",
        "start": "2024-01-18T09:30:00", "agenda": [{"title": "Opening", "minutes": 5}]}
created = consultations.create(core, parse_spec(spec))
viewer = consultations.claim_link(core, created.moderator_token, {"display_name": "C"}).viewer
print(json.dumps(list(snapshots.snapshot(core, viewer))))
"""


def test_a_snapshot_has_the_same_keys_whether_or_not_realtime_was_imported():
    alone = json.loads(_snapshot_keys(""))
    with_realtime = json.loads(_snapshot_keys("import server.app, server.realtime.connection\n"))
    assert alone == with_realtime
    assert {"attendance", "questions", "polls", "speakers", "notes"} <= set(alone)


def _snapshot_keys(first: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", first + SNAPSHOT_KEYS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
