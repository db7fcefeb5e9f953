"""A `next` address sends the reader back to this site only, however it is disguised."""

from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit

import pytest

SITE = "https://baraza.example/"

# Each would take a browser to evil.example if passed through as the Location.
HOSTILE = [
    "//evil.example/",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\r/evil.example/",
    "\t//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\\/evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    " //evil.example/",
    "/\x00/evil.example/",
    "/\x7f/evil.example/",
]


def where_a_browser_goes(location: str) -> str:
    """The host a browser lands on: it drops tabs and newlines and reads `\\` as `/`."""
    cleaned = location.strip("\x00 ").replace("\t", "").replace("\n", "").replace("\r", "")
    return urlsplit(urljoin(SITE, cleaned.replace("\\", "/"))).netloc


@pytest.mark.parametrize("target", HOSTILE)
def test_the_language_switch_never_leaves_the_site(app, target):
    response = app.test_client().get(f"/language/en?next={quote(target, safe='')}")
    assert response.status_code == 302
    assert where_a_browser_goes(response.location) == "baraza.example", response.location
    assert response.location == "/"


@pytest.mark.parametrize("target", ["/c/AB3K7Q", "/c/AB3K7Q/moderate?x=1", "/j/AB3K7Q#top"])
def test_the_language_switch_returns_to_a_page_of_the_site(app, target):
    response = app.test_client().get(f"/language/fr?next={quote(target, safe='')}")
    assert response.location == target
