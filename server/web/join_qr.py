"""The join link as a QR code, drawn here as SVG: a shared screen shows it, phones read it,
and no request leaves the server to make it."""

from __future__ import annotations

import io
from functools import lru_cache

import segno


@lru_cache(maxsize=256)
def join_qr_svg(link: str, title: str) -> bytes:
    """`link` as a scalable QR code (black on white, quiet zone kept), titled for screen readers."""
    code = segno.make(link, error="m", micro=False)
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        border=4,
        dark="#000",
        light="#fff",
        omitsize=True,
        xmldecl=False,
        nl=False,
        title=title,
        svgclass="join-qr",
        lineclass=None,
    )
    return out.getvalue()
