"""The attendee page on a slow phone link: live in about 2 s, under 100 KB on a cold cache.

The link is Chromium's own emulation (DevTools protocol): 400 kbit/s each way and
300 ms added to every request. "Live" is the moment the page has applied its
snapshot and marks it on <body data-live="live">; the page's own clock
(performance.now(), from the start of navigation) records it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import pytest

from tests.browser.conftest import PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TARGET_MS = 2000
# Over this fails: the median is about 2.0 s on the shared test machine (1.93–2.09 s measured),
# so a bound at the target itself would fail at random; it was 3 s before.
LIVE_BUDGET_MS = 2200
FIRST_LOAD_BUDGET = 100 * 1024
SLOW_LINK = {
    "offline": False,
    "latency": 300,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}
# Records, on the page's clock, when <body> first says data-live="live", and every
# response the page had received by then (bytes on the wire: headers and gzip body).
WATCH_LIVE = """
new MutationObserver((changes, observer) => {
  if (document.body && document.body.dataset.live === "live") {
    observer.disconnect();
    const entries = [
      ...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource"),
    ];
    const loaded = entries.map((e) => [e.name, e.transferSize, e.startTime, e.responseEnd]);
    window.__live = { at: performance.now(), loaded };
  }
}).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-live"] });
"""


@pytest.fixture(scope="module")
def loads(server, browser) -> list[Load]:
    """Three cold loads, each in a new browser profile."""
    measured = []
    for _ in range(3):
        context = browser.new_context(viewport=PHONE)
        context.set_default_timeout(30_000)
        measured.append(load_on_a_slow_link(server, context.new_page()))
        context.close()
    for number, load in enumerate(measured, 1):
        print(
            f"\nattendee page, load {number}, on 400 kbit/s and 300 ms: live after "
            f"{load.live_ms / 1000:.2f} s, first load {load.transferred / 1024:.1f} KB "
            f"({len(load.responses)} HTTP responses, {load.socket_bytes} B over the WebSocket)"
        )
        for url, size, start, end in load.responses:
            print(f"  {size:>7} B  {start:>6.0f}–{end:>6.0f} ms  {url.removeprefix(server.url)}")
    return measured


def test_the_attendee_pages_first_load_is_under_100_kb(loads):
    assert max(load.transferred for load in loads) < FIRST_LOAD_BUDGET


def test_the_attendee_page_is_live_on_a_slow_link_in_about_2_s(loads):
    """The median of the loads, printed beside the 2 s target with the first load's size.

    It was 4.1 s before the bundles. Now: the page, its style sheet and the core
    (about 29 KB) arrive after 1.2 s; the connection (WebSocket handshake, connect, sync)
    and the page's part (attendee.js, about 11 KB: the poll results' drawing comes after,
    in attendee-results.js) take 0.7–0.8 s more, side by side. Announcing the part early
    (<link rel="modulepreload">) was tried and is slower (2.4 s): it shares the link with
    the core, which opens the connection. What is left is the server's: sending the
    snapshot with the connection would save a round trip.
    """
    live_ms = statistics.median(load.live_ms for load in loads)
    heaviest = max(load.transferred for load in loads)
    print(
        f"\nattendee page live after {live_ms / 1000:.2f} s (median; target "
        f"{TARGET_MS / 1000:.0f} s), first load {heaviest / 1024:.1f} KB (target 100 KB)"
    )
    assert live_ms < LIVE_BUDGET_MS


@dataclass
class Load:
    live_ms: float
    responses: list[tuple[str, int, float, float]]  # url, bytes, start, end (ms)
    socket_bytes: int

    @property
    def transferred(self) -> int:
        return sum(size for _, size, _, _ in self.responses) + self.socket_bytes


def load_on_a_slow_link(server, page) -> Load:
    code = server.links["join_code"]
    joined = page.context.request.post(f"{server.url}/api/consultations/{code}/join", data={})
    # The server has served this page and a snapshot before (templates compiled, queries
    # warm), as it has for every attendee but the first; the browser's cache stays cold.
    page.context.request.get(f"{server.url}/c/{code}")
    bearer = {"Authorization": f"Bearer {joined.json()['token']}"}
    page.context.request.get(f"{server.url}/api/snapshot", headers=bearer)
    page.add_init_script(WATCH_LIVE)
    link = page.context.new_cdp_session(page)
    link.send("Network.enable")
    link.send("Network.emulateNetworkConditions", SLOW_LINK)
    # What the WebSocket brings (the snapshot) counts too; frames are counted until the
    # page is seen live, a little after it is: an upper bound.
    received: list[int] = []
    page.on(
        "websocket",
        lambda socket: socket.on("framereceived", lambda data: received.append(len(data))),
    )

    page.goto(f"{server.url}/c/{code}", wait_until="commit")
    page.wait_for_function("() => window.__live !== undefined", timeout=30_000)
    live = page.evaluate("() => window.__live")
    screenshot(page, "attendee-phone-slow-link-live")
    return Load(live["at"], [tuple(entry) for entry in live["loaded"]], sum(received))
