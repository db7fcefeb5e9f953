"""`/metrics` shows nothing unless METRICS_TOKEN is set, and then only to its bearer.

What it counts, on a real server, is in tests/realtime/test_metrics_real_server.py.
"""

from __future__ import annotations

from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import app_for

TOKEN = "scrape-secret-0123456789"


def test_metrics_do_not_exist_without_a_token_set(app):
    absent = app.test_client().get("/metrics")
    assert absent.status_code == 404
    assert absent.json["error"]["code"] == "not_found"
    refused = app.test_client().get("/metrics", headers={"Authorization": "Bearer "})
    assert refused.status_code == 404


def test_metrics_are_refused_without_the_right_token(sqlite_url: str, tmp_path: Path):
    client = app_for(sqlite_url, tmp_path, metrics_token=TOKEN).test_client()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        refused = client.get("/metrics", headers=headers)
        assert refused.status_code == 401, headers
        assert refused.headers["WWW-Authenticate"] == "Bearer"
        assert "baraza_" not in refused.text


def test_the_token_bearer_reads_every_metric_with_its_worker(sqlite_url: str, tmp_path: Path):
    client = app_for(sqlite_url, tmp_path, metrics_token=TOKEN).test_client()
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    families = {family.name: family for family in text_string_to_metric_families(response.text)}
    assert {"baraza_joins", "baraza_messages_sent", "baraza_database_pool_in_use"} <= set(families)
    samples = [sample for family in families.values() for sample in family.samples]
    assert all(sample.labels.get("worker") for sample in samples)
