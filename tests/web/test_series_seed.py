"""`make run`'s demo: the series with Africa, draft Americas and Asia, and a filled comparison."""

from __future__ import annotations

import json

from server.cli import demo_links_file, prepare
from server.features.series import comparison


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
