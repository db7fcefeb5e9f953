"""The committed bundles (static/dist/) are what their sources build to today.

Pages load static/dist/<page>.js, built from static/js/ by esbuild (`make bundles`).
The bundles are committed so that `make run` needs no Node.js; this test rebuilds
them into a temporary directory and fails on any difference, so an edit to a
script without `make bundles` cannot pass. `make test` installs esbuild (`npm ci`).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "static" / "dist"
PAGES = ["attendee", "moderator", "present", "rapporteur", "join"]


def test_every_page_has_one_committed_bundle():
    assert {path.name for path in DIST.iterdir()} == {f"{page}.js" for page in PAGES} | {
        "pages.css"
    }
    for page in PAGES:
        template = (ROOT / "templates" / f"{page}.html").read_text()
        assert f"filename='dist/{page}.js'" in template, page


def test_the_committed_bundles_are_built_from_the_current_sources(tmp_path):
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "esbuild").is_dir():
        pytest.fail("esbuild is not installed: run `npm ci` (make test does)")
    subprocess.run([node, str(ROOT / "bundles.mjs"), str(tmp_path)], check=True, cwd=ROOT)
    built = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    committed = {path.name: path.read_bytes() for path in DIST.iterdir()}
    assert sorted(built) == sorted(committed)
    stale = [name for name in built if built[name] != committed[name]]
    assert not stale, f"static/dist/ is stale ({', '.join(stale)}): run `make bundles`"
