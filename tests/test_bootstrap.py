"""Features are wired by server/bootstrap.py into each application's core, never by being
imported, and never into module-level registries.

The import checks run in a fresh interpreter: the tests' own conftest wires every
feature, so only a new process shows what importing alone does.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from server import bootstrap
from server.core import commands
from server.core.access import Viewer
from server.core.features import Feature, Topic
from server.core.runtime import Core
from server.core.unit_of_work import Outcome
from server.core.wiring import Wiring

ROOT = Path(__file__).resolve().parent.parent


def tables(wiring: Wiring) -> dict[str, list[str]]:
    """What each of the wiring's tables holds, by name (what the features put in it)."""
    return {
        "commands": sorted(wiring.commands),
        "projections": sorted(f"{event_type}/{role}" for event_type, role in wiring.projections),
        "topics": sorted(wiring.topics),
        "followers": [follow.__qualname__ for follow in wiring.followers],
        "snapshot parts": [part.__qualname__ for part in wiring.snapshot_parts],
        "creation hooks": [hook.__qualname__ for hook in wiring.creation_hooks],
        "report sections": [part.key for part in wiring.report_sections],
        "item sections": [part.key for part in wiring.item_sections],
        "csv files": [part.key for part in wiring.csv_tables],
        "event summaries": sorted(wiring.event_summaries),
        "event redactions": sorted(wiring.event_redactions),
        "event views": sorted(wiring.event_views),
        "shareable staff events": sorted(wiring.shareable_staff_events),
        "archive tables": [table.name for table in wiring.archive_tables],
        "payload ids": sorted(wiring.payload_ids),
        "settings ids": sorted(wiring.settings_ids),
    }


# The modules that held the registries before the wiring moved onto the core.
FORMER_REGISTRIES = {
    "server.core.commands": ["COMMANDS", "install"],
    "server.core.events": ["_projections", "install", "project"],
    "server.core.tallies": ["_renderers", "_every", "install"],
    "server.core.unit_of_work": ["FOLLOWERS", "install"],
    "server.features.consultations.snapshots": ["PARTS", "install"],
    "server.features.consultations.service": ["CREATION_HOOKS", "install"],
    "server.reports.model": ["_sections", "_item_sections", "_csv_files", "install"],
    "server.reports.json_archive": ["_tables", "payload_ids", "settings_ids", "install"],
    "server.features.polls.service": ["_cache"],
}

# Every module-level dict, list or set of the server's modules, as [module, name, size].
MODULE_STATE = """
import importlib, json, pkgutil, sys, server

def module_state(modules=None):
    state = []
    for name, module in sorted(sys.modules.items()):
        if (name == "server" or name.startswith("server.")) and (not modules or name in modules):
            for key, value in sorted(vars(module).items()):
                if type(value) in (dict, list, set):
                    state.append([name, key, len(value)])
    return state
"""

IMPORT_EVERYTHING = """
for module in pkgutil.walk_packages(server.__path__, "server."):
    if ".migrations" not in module.name and not module.name.endswith(("wsgi", "__main__", "green")):
        importlib.import_module(module.name)
"""


def run(code: str) -> object:
    done = subprocess.run(
        [sys.executable, "-c", MODULE_STATE + code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_importing_every_feature_adds_nothing_to_the_core_and_report_modules():
    """What the core and the report machinery hold at module level is the same whether or
    not every feature was imported after them: no import registers anything there."""
    names = sorted(FORMER_REGISTRIES)
    alone, with_everything = run(
        f"for name in {names!r}: importlib.import_module(name)\n"
        f"alone = module_state({names!r})\n"
        + IMPORT_EVERYTHING
        + f"print(json.dumps([alone, module_state({names!r})]))"
    )
    assert alone == with_everything


def test_wiring_changes_no_module_level_table():
    before, after = run(
        IMPORT_EVERYTHING + "before = module_state()\n"
        "from server import bootstrap\n"
        "wiring = bootstrap.wire()\n"
        "assert wiring.commands and wiring.topics and wiring.report_sections\n"
        "print(json.dumps([before, module_state()]))"
    )
    assert after == before


@pytest.mark.parametrize("module", sorted(FORMER_REGISTRIES))
def test_no_module_level_registry_is_left(module):
    imported = importlib.import_module(module)
    assert [name for name in FORMER_REGISTRIES[module] if hasattr(imported, name)] == []


def test_wire_fills_every_table_and_wiring_again_gives_the_same_tables():
    first, again = bootstrap.wire(), bootstrap.wire()
    assert tables(first) == tables(again)
    # Every table but the event views (no feature narrows the timeline further today).
    filled = {name: entries for name, entries in tables(first).items() if name != "event views"}
    assert all(filled.values()), filled
    assert "replace_link" in first.commands and "presence" in first.topics
    assert first.features == tuple(feature.name for feature in bootstrap.FEATURES)


def test_the_wiring_is_read_only():
    wiring = bootstrap.wire()
    with pytest.raises(TypeError):
        wiring.commands["ping"] = wiring.commands["replace_link"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        wiring.commands = {}  # type: ignore[misc]


def test_wiring_holds_every_kind_of_part_a_feature_declares():
    """A new kind of part in `Feature` needs its table here (and its reader on the core)."""
    declared = {field.name for field in fields(Feature)} - {"name"}
    assert declared <= {field.name for field in fields(Wiring)}


def _ping(_core: Core, _viewer: Viewer, payload: dict) -> Outcome:
    return Outcome(reply={"pong": payload.get("n")})


PING = Feature("ping", commands={"ping": _ping}, topics={"pings": Topic(lambda *_: [])})


def test_a_part_declared_twice_is_refused():
    echo = Feature("echo", commands={"replace_link": _ping})
    with pytest.raises(ValueError, match="command replace_link registered twice"):
        bootstrap.wire((*bootstrap.FEATURES, echo))


def test_only_one_feature_sizes_a_room():
    """Presence says how many a push reaches; a second answer would be a mistake."""
    assert bootstrap.wire().room_size is not None
    counter = Feature("counter", room_size=lambda _core, _consultation_id: 0)
    with pytest.raises(ValueError, match="room size given twice"):
        bootstrap.wire((*bootstrap.FEATURES, counter))


def _answer(core: Core, name: str) -> dict:
    viewer = Viewer(consultation_id=1, participant_id=1, role="moderator")
    return commands.run(core, viewer, name, {"n": 3}, lambda error: error.code)


def test_two_cores_wired_with_different_lists_do_not_see_each_others_commands(store, clock):
    plain = Core(store, clock, wiring=bootstrap.wire())
    pinging = Core(store, clock, wiring=bootstrap.wire((*bootstrap.FEATURES, PING)))

    assert _answer(pinging, "ping") == {"ok": True, "pong": 3}
    assert _answer(plain, "ping") == {
        "ok": False,
        "error": {"code": "unknown_command", "message": "unknown_command"},
    }
    assert "ping" not in plain.wiring.commands and "pings" not in plain.wiring.topics
    assert "pings" in pinging.wiring.topics


def test_a_core_is_always_given_its_wiring(store):
    with pytest.raises(TypeError, match="wiring"):
        Core(store)  # type: ignore[call-arg]


def test_the_application_wires_its_core_from_the_bootstrap_list(app):
    core = app.extensions["baraza"]
    assert tables(core.wiring) == tables(bootstrap.wire())


SNAPSHOT_KEYS = """
import json, tempfile
from server import bootstrap
from server.core.runtime import Core
from server.core.store import Store
from server.features.consultations import service as consultations, snapshots
from server.storage.migrate import upgrade
from server.features.consultations.rules import parse_spec

url = f"sqlite:///{tempfile.mkdtemp()}/baraza.sqlite3"
upgrade(url)
core = Core(Store(url), wiring=bootstrap.wire())
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
