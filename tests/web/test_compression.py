"""What attendees download is compressed and cacheable."""

import gzip


def test_static_scripts_are_sent_gzipped_and_cacheable(app):
    response = app.test_client().get(
        "/static/vendor/socket.io.esm.min.js", headers={"Accept-Encoding": "gzip, br"}
    )
    assert response.headers["Content-Encoding"] == "gzip"
    assert "max-age=3600" in response.headers["Cache-Control"]
    body = gzip.decompress(response.data)
    assert b"io" in body and len(response.data) < len(body) / 2


def test_pages_are_gzipped_for_clients_that_accept_it(app, app_consultation):
    response = app.test_client().get(
        f"/j/{app_consultation.join_code}", headers={"Accept-Encoding": "gzip"}
    )
    assert response.headers["Content-Encoding"] == "gzip"
    assert b"Regional Cybercrime" in gzip.decompress(response.data)


def test_clients_without_gzip_get_plain_bytes(app):
    response = app.test_client().get("/static/js/core/live.js")
    assert "Content-Encoding" not in response.headers
    assert b"connectLive" in response.data
    response.close()
