"""The benchmark's picture: latency, CPU, memory and traffic against N, one line per set-up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PANELS = (
    ("last_p99_ms", "p99 ms, moderator action → last attendee", True),
    ("cpu_ms_per_action", "server CPU ms per moderator action", True),
    ("rss_kb_per_attendee", "server memory KB per attendee", False),
    ("join_p99_ms", "p99 ms to join (HTTP join + connect + snapshot)", True),
)


def plot(results: dict[str, Any], path: Path) -> None:
    """Draw the four panels of `results["table"]` into a PNG at `path`."""
    rows = [r for r in results.get("table", []) if isinstance(r.get("joined"), int)]
    series: dict[str, list[dict[str, Any]]] = {}
    for entry in rows:
        series.setdefault(f"{entry['target']} ({entry['mode']})", []).append(entry)
    figure, axes = plt.subplots(2, 2, figsize=(12, 8.5))
    for axis, (key, title, log_scale) in zip(axes.flat, PANELS, strict=True):
        for label, entries in sorted(series.items()):
            points = sorted((e["n"], e[key]) for e in entries if e.get(key) is not None)
            if points:
                style = "--" if "relay" in label else "-"
                axis.plot(*zip(*points, strict=True), style, marker="o", label=label)
        axis.set_title(title, fontsize=10)
        axis.set_xlabel("attendees (N)")
        axis.set_xscale("log")
        if log_scale:
            axis.set_yscale("log")
        axis.grid(True, which="both", alpha=0.3)
    axes.flat[0].axhline(300, color="red", linewidth=0.8, linestyle=":", label="target at 2,000")
    axes.flat[0].legend(fontsize=8)
    meta = results["meta"]
    figure.suptitle(
        f"Baraza load benchmark — {meta['started']} — commit {meta['commit']} — {meta['machine']}"
        " (shared machine: other processes running)",
        fontsize=10,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
