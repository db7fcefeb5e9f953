"""`make run`'s demo: the series with Africa, draft Americas and Asia, and a filled comparison."""

from __future__ import annotations

import json
import threading

from server.cli import demo_links_file, prepare
from server.features.series import comparison
from tests.conftest import app_for


def test_the_demo_series_is_seeded_with_its_organiser_link_printed(app):
    printed = prepare(app)
    saved = json.loads(demo_links_file(app).read_text())
    core = app.extensions["baraza"]
    assert f"/s/{saved['organiser_token']}" in printed

    view = comparison.organiser_view(core, saved["series_id"], saved["organiser_token"])
    regions = {c["region"]: c for c in view["consultations"]}
    assert regions["Africa"]["join_code"] == saved["join_code"]
    assert (regions["Americas"]["dates_unknown"], regions["Asia"]["dates_unknown"]) == (True, True)
    assert regions["Americas"]["state"] == "draft"
    samples = [c for c in view["consultations"] if c["sample"]]
    assert {c["region"] for c in samples} == {
        "Africa (sample)",
        "Americas (sample)",
        "Asia (sample)",
    }
    assert {c["state"] for c in samples} == {"ended"}

    compared = comparison.read_comparison(core, saved["series_id"], saved["organiser_token"])
    ratify = next(p for p in compared["polls"] if p["key"] == "poll.ratify")
    statuses = {r["region"]: r["status"] for r in ratify["regions"]}
    assert statuses["Africa"] == "not_opened"
    assert statuses["Africa (sample)"] == "counted"
    assert [d["poll_key"] for d in compared["differ_most"]] == ["poll.ratify", "poll.priorities"]
    items = {i["key"]: i for i in compared["items"]}
    rehearsed = next(r for r in items["aims.human-rights"]["regions"] if r["sample"])
    assert rehearsed["top_questions"][0]["votes"] > 0
    assert rehearsed["speaking_seconds"] > 0


def test_the_samples_are_played_without_waiting_for_batches_to_gather(sqlite_url, tmp_path):
    """The samples are played one command after another, by one caller: no one else's
    command could join a batch, so none waits for others to gather (each would wait
    the window: an hour here, 20 ms with `make run`, 260 times)."""
    app = app_for(sqlite_url, tmp_path, gather_window=3600.0)
    printed: list[str] = []
    seeding = threading.Thread(target=lambda: printed.append(prepare(app)), daemon=True)
    seeding.start()
    seeding.join(timeout=120)

    assert printed, "the demo waited for batches to gather"
