"""The soak's verdicts against its targets, its table, and its Markdown file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..steps import quantiles

P99_DRIFT = 1.2  # the last window's p99 within 1.2 times the first's
RSS_GROWTH = 0.10  # RSS growth after the arrivals under 10 %
PAUSE_CEILING_MS = 100  # no collection pausing the server longer


def verdicts(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target, what was measured, and whether it was met."""
    rows = results.get("windows", [])
    if not rows:
        return []
    first, last = rows[0], rows[-1]
    found: list[dict[str, Any]] = []
    for name, path in (
        ("moderator action to the last attendee", ("chair", "last_attendee_ms")),
        ("attendee command acknowledged", ("commands", "ack_ms")),
    ):
        before, after = first[path[0]][path[1]]["p99"], last[path[0]][path[1]]["p99"]
        ratio = after / before if before and after is not None else None
        found.append(
            {
                "target": f"{name}: last window's p99 ≤ {P99_DRIFT}× the first's",
                "measured": f"{before} ms → {after} ms"
                + (f" ({ratio:.2f}×)" if ratio is not None else ""),
                "met": ratio is not None and ratio <= P99_DRIFT,
            }
        )
    base = results["arrivals"]["server_rss_mb"]
    end = last["server"]["rss_mb"]
    peak = max(row["server"]["rss_peak_mb"] for row in rows)
    growth = (end - base) / base
    found.append(
        {
            "target": f"server RSS growth after the arrivals < {RSS_GROWTH:.0%}",
            "measured": f"{base} MB → {end} MB at the end ({growth:+.1%}); peak {peak} MB"
            f" ({(peak - base) / base:+.1%})",
            "met": growth < RSS_GROWTH,
        }
    )
    over_50 = sum(row["server"]["gc"]["over_50ms"] for row in rows)
    over_100 = sum(row["server"]["gc"]["over_100ms"] for row in rows)
    found.append(
        {
            "target": f"no garbage-collection pause over {PAUSE_CEILING_MS} ms",
            "measured": f"{over_100} over 100 ms, {over_50} over 50 ms",
            "met": over_100 == 0,
        }
    )
    return found


def pooled(results: dict[str, Any]) -> dict[str, Any] | None:
    """The moderator's actions of the first third of the windows against the last third's,
    each pooled into one sample (not one of the issue's targets).

    The target compares the first window's p99 with the last's. With nearest-rank
    quantiles a p99 of fewer than 100 actions is their slowest, and the first window
    holds 3 actions (the consultation has barely begun) where the last holds 9 or more:
    the slowest of 9 is likely slower than the slowest of 3 even when nothing drifts.
    Pooled, each side holds about 90 actions of the same script's mix.
    """
    rows = results.get("windows", [])
    third = len(rows) // 3
    if third == 0:
        return None

    def side(windows: list[dict[str, Any]]) -> dict[str, Any]:
        times = [e["last_attendee_ms"] for w in windows for e in w["chair"].get("each", [])]
        minutes = [windows[0]["minutes"][0], windows[-1]["minutes"][1]]
        return {"minutes": minutes, "actions": len(times), **quantiles(times, scale=1.0)}

    first, last = side(rows[:third]), side(rows[-third:])
    if not first["actions"] or not last["actions"]:
        return None
    return {"first": first, "last": last, "p99_ratio": round(last["p99"] / first["p99"], 2)}


def pooled_line(found: dict[str, Any]) -> str:
    first, last = found["first"], found["last"]
    return (
        f"Pooled (not a target): the moderator's {first['actions']} actions of minutes"
        f" {first['minutes'][0]}–{first['minutes'][1]} against the {last['actions']} of minutes"
        f" {last['minutes'][0]}–{last['minutes'][1]}: p95 {first['p95']} → {last['p95']} ms,"
        f" p99 {first['p99']} → {last['p99']} ms ({found['p99_ratio']:.2f}×)."
    )


COLUMNS = (
    "window",
    "minutes",
    "timed actions",
    "mod→last p50 / **p99** ms",
    "commands",
    "ack p50 / **p99** ms",
    "rejoins (snapshots)",
    "resync p99 ms",
    "missed",
    "**RSS MB**",
    "GC pauses >50 / **>100** ms",
    "GC s",
    "server CPU",
    "others' CPU",
    "load avg",
)


def cells(row: dict[str, Any]) -> list[str]:
    chair, commands, rejoins = row["chair"], row["commands"], row["rejoins"]
    server, machine = row["server"], row["machine"]
    gc = server["gc"]
    failed = sum(chair["errors"].values())
    others = machine["other_processes_cpu_s"] / max(1e-9, row["seconds"])
    return [
        str(row["window"] + 1),
        f"{row['minutes'][0]}–{row['minutes'][1]}",
        str(chair["timed"]) + (f" ({failed} failed)" if failed else ""),
        f"{chair['last_attendee_ms']['p50']} / **{chair['last_attendee_ms']['p99']}**",
        str(commands["sent"]),
        f"{commands['ack_ms']['p50']} / **{commands['ack_ms']['p99']}**",
        f"{rejoins['drops']} ({rejoins['answers'].get('snapshot', 0)})",
        str(rejoins["resync_ms"]["p99"]),
        str(chair["missed"]),
        f"**{server['rss_mb']}**",
        f"{gc['over_50ms']} / **{gc['over_100ms']}**",
        str(gc["pause_s"]),
        f"{server['cpu_share']:.0%}",
        f"{others:.2f} cores",
        machine["load_average"][0],
    ]


def table(results: dict[str, Any]) -> str:
    """The per-window table, in Markdown."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cells(row)) + " |" for row in results.get("windows", [])]
    return "\n".join(lines)


def write_markdown(results: dict[str, Any], path: Path) -> None:
    meta, arrivals = results["meta"], results["arrivals"]
    lines = [
        f"# Soak: {meta['n']:,} attendees, {meta['consultation_minutes']} consultation minutes"
        f" in {meta['real_minutes']:g} real minutes",
        "",
        f"Started {meta['started']} at commit {meta['commit']} on {meta['machine']}"
        f" ({meta['mode']}, {meta['generator']} load generators × {meta['load_workers']});"
        f" load average at start {' '.join(meta['load_average_at_start'])},"
        f" at the end {' '.join(results.get('load_average_at_end', []))}."
        + (f" Note: {meta['note']}" if meta.get("note") else ""),
        "",
        f"Arrivals: {arrivals['joined']} of {arrivals['attendees']} joined at"
        f" {arrivals['rate_achieved']}/s (join p99 {arrivals['latency_ms']['p99']} ms);"
        f" server RSS after the arrivals {arrivals['server_rss_mb']} MB.",
        "",
        "## Targets",
        "",
        "| target | measured | met? |",
        "|---|---|---|",
    ]
    lines += [
        f"| {v['target']} | {v['measured']} | {'**yes**' if v['met'] else '**no**'} |"
        for v in results.get("verdicts", [])
    ]
    if results.get("pooled"):
        lines += ["", pooled_line(results["pooled"])]
    lines += [
        "",
        "## Per window (5 consultation minutes each)",
        "",
        table(results),
        "",
        "mod→last: from the moderator's command to the last attendee receiving its event live"
        " (an attendee away at that moment catches it up in its rejoin's sync and is counted"
        " there). ack: every attendee command of the window, from its send to its"
        " acknowledgement. GC: the server's own `baraza_gc_pause_seconds` histogram."
        " server CPU: of one core. others' CPU: the machine's busy time less the server, the"
        " load generators and the coordinator, in cores (the machine has 2). rejoins"
        " (snapshots): drops, and how many rejoins were answered with a snapshot rather than"
        " the events missed.",
        "",
        "## Totals",
        "",
    ]
    lines += [f"- {key}: {value}" for key, value in results.get("totals", {}).items()]
    if "memory_growth" in results:
        lines += ["", *memory_lines(results["memory_growth"])]
    path.write_text("\n".join(lines) + "\n")


def memory_lines(rows: list[dict[str, Any]]) -> list[str]:
    """The traced run's allocation sites that grew most from the arrivals' end to the last."""
    lines = [
        "## What grew (tracemalloc, from the arrivals' end to the consultation's)",
        "",
        "| KB | objects | allocated at | from Baraza's line |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {row['kb']:,} | {row['objects']:,} | `{row['allocated_at']}` |"
        f" `{row['from_baraza'] or '-'}` |"
        for row in rows
    ]
    return lines
