"""The join card's QR code: drawn by the server as SVG, read back by a real decoder."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image


def test_the_join_qr_code_decodes_to_the_join_link(server, new_page):
    page = new_page(viewport={"width": 600, "height": 600})
    code = server.links["join_code"]
    response = page.goto(f"{server.url}/c/{code.lower()}/join.svg")
    assert response is not None and response.headers["content-type"].startswith("image/svg+xml")
    page.goto(f"{server.url}/")  # same origin: the server allows its images no further
    page.set_content(f'<img src="{server.url}/c/{code}/join.svg" width="400" height="400">')
    page.wait_for_function("document.images[0].complete")
    picture = Image.open(io.BytesIO(page.locator("img").screenshot()))
    found = zxingcpp.read_barcodes(picture)
    assert [barcode.text for barcode in found] == [f"{server.url}/j/{code}"]


def test_a_code_no_consultation_has_gets_no_qr_code(server, new_page):
    page = new_page()
    response = page.goto(f"{server.url}/c/NOSUCH/join.svg")
    assert response is not None and response.status == 404
