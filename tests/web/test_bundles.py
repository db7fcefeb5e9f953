"""The committed bundles (static/dist/) are what their sources build to today.

Pages load static/dist/, built from static/js/ by esbuild (`make bundles`, bundles.mjs).
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
LIVE_PAGES = ["attendee", "moderator", "present", "rapporteur"]


def test_every_page_loads_one_committed_bundle():
    """A live page loads the shared core, which loads the page's own part; join and the
    invitations page their own. The attendee's part fetches its poll results' drawing
    once the page is live."""
    scripts = {
        f"{page}.js" for page in [*LIVE_PAGES, "core", "join", "invitations", "attendee-results"]
    }
    assert {path.name for path in DIST.iterdir()} == scripts | {"pages.css", "audience.css"}
    for page in LIVE_PAGES:
        template = (ROOT / "templates" / f"{page}.html").read_text()
        assert f'data-page="{page}"' in template, page
        # One script to run (the attendee's page also carries its snapshot, as data).
        assert template.count('<script type="module"') == 1, page
        assert "filename='dist/core.js'" in template, page
    assert "filename='dist/join.js'" in (ROOT / "templates" / "join.html").read_text()
    invitations = (ROOT / "templates" / "invitations" / "list.html").read_text()
    assert "filename='dist/invitations.js'" in invitations


def test_phones_load_only_the_style_sheets_of_their_pages(app, app_consultation):
    """The attendee's page and the join form take audience.css; staff pages pages.css."""
    client = app.test_client()
    code = app_consultation.join_code
    assert "dist/audience.css" in client.get(f"/j/{code}").text
    staff = client.get(f"/m/{app_consultation.moderator_link}").text
    assert "dist/pages.css" in staff and "audience.css" not in staff
    audience, pages = (DIST / "audience.css").stat().st_size, (DIST / "pages.css").stat().st_size
    assert audience < pages * 0.6


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
