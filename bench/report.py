"""The summary tables of a benchmark: one row per run.

The first puts Baraza beside its baselines (joining and fan-out); the second
holds Baraza's question and poll bursts, which the baselines do not run.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any


def results_path(given: str) -> Path:
    """Where a run's JSON goes for `--out`: `.json` added if missing, so `--out run3`
    writes `run3.json` beside `run3.md` rather than a file with no extension."""
    path = Path(given)
    return path if path.suffix == ".json" else path.with_name(path.name + ".json")


COLUMNS = (
    ("target", "target"),
    ("mode", "mode"),
    ("n", "N"),
    ("joined", "joined"),
    ("join_rate", "join/s"),
    ("join_p99_ms", "join p99 ms"),
    ("errors", "errors"),
    ("missed", "missed"),
    ("last_p50_ms", "last p50 ms"),
    ("last_p95_ms", "last p95 ms"),
    ("last_p99_ms", "last p99 ms"),
    ("vs_flask", "× flask"),
    ("vs_node", "× node"),
    ("cpu_ms_per_action", "CPU ms/action"),
    ("cpu_per_doubling", "CPU × per 2×N"),
    ("cpu_ms_per_join", "CPU ms/join"),
    ("rss_kb_per_attendee", "RSS KB/att."),
    ("msgs_per_action", "msgs/att./action"),
    ("bytes_per_action", "bytes/att./action"),
    ("join_msgs", "msgs/att. in join"),
    ("presence_ms", "presence ms"),
    ("others_cpu_s", "others' CPU s"),
    ("status", "status"),
)


def _p99(run: dict[str, Any] | None) -> float | None:
    if not run or run.get("status") != "ok":
        return None
    p99: float = run["figures"]["fanout"]["last_attendee_ms"]["p99"]
    return p99


def _ratio(ours: float | None, theirs: float | None) -> float | None:
    return round(ours / theirs, 2) if ours and theirs else None


def row(
    run: dict[str, Any], flask: dict[str, Any] | None, node: dict[str, Any] | None
) -> dict[str, Any]:
    """The figures of one run that go into the table."""
    base = {"target": run["target"], "mode": run["mode"], "n": run["n"]}
    if run.get("status") != "ok":
        base["status"] = run.get("status", "")
    figures = run.get("figures", {})
    join, fanout = figures.get("join", {}), figures.get("fanout", {})
    if "joined" not in join or "actions" not in fanout:
        return base
    actions = max(1, fanout["actions"])
    p99 = _p99(run)
    is_baraza = run["target"] == "baraza"
    return {
        **base,
        "joined": join["joined"],
        "join_rate": join["rate_achieved"],
        "join_p99_ms": join["latency_ms"]["p99"],
        "errors": sum(join["errors"].values()) + sum(fanout["errors"].values()),
        "missed": fanout["missed_deliveries"],
        "last_p50_ms": fanout["last_attendee_ms"]["p50"],
        "last_p95_ms": fanout["last_attendee_ms"]["p95"],
        "last_p99_ms": p99,
        "vs_flask": _ratio(p99, _p99(flask)) if is_baraza else None,
        "vs_node": _ratio(p99, _p99(node)) if run["target"] != "node-relay" else None,
        "cpu_ms_per_action": fanout["server_cpu_ms_per_action"],
        "cpu_ms_per_join": join["server_cpu_ms_per_attendee"],
        "rss_kb_per_attendee": join["rss_per_attendee_kb"],
        "msgs_per_action": round(fanout["messages_per_attendee"] / actions, 2),
        "bytes_per_action": round(fanout["bytes_per_attendee"] / actions),
        "join_msgs": join["messages_per_attendee"],
        "presence_ms": figures.get("presence", {}).get("converged_after_last_connect_ms"),
        "others_cpu_s": round(join["other_processes_cpu_s"] + fanout["other_processes_cpu_s"], 1),
    }


def table(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows ordered by N, then target; Baraza's latency as a ratio to each baseline."""

    def find(target: str, mode: str | None, n: int) -> dict[str, Any] | None:
        return next(
            (
                r
                for r in runs
                if r["target"] == target and r["n"] == n and (mode is None or r["mode"] == mode)
            ),
            None,
        )

    rows = []
    for run in sorted(runs, key=lambda r: (r["n"], r["target"] != "baraza", r["target"])):
        if run.get("status", "").startswith("skipped"):
            continue
        rows.append(
            row(run, find("flask-relay", run["mode"], run["n"]), find("node-relay", None, run["n"]))
        )
    _cpu_growth(rows)
    return rows


def _cpu_growth(rows: list[dict[str, Any]]) -> None:
    """How much the CPU per action grows when N doubles, from the next smaller N measured."""
    previous: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in rows:
        key = (entry["target"], entry["mode"])
        before = previous.get(key)
        if before and entry.get("cpu_ms_per_action") and before.get("cpu_ms_per_action"):
            growth = entry["cpu_ms_per_action"] / before["cpu_ms_per_action"]
            doublings = math.log2(entry["n"] / before["n"])
            entry["cpu_per_doubling"] = round(growth ** (1 / doublings), 2)
        if entry.get("cpu_ms_per_action"):
            previous[key] = entry


BURST_COLUMNS = (
    ("target", "target"),
    ("mode", "mode"),
    ("n", "N"),
    ("questions", "questions"),
    ("questions_per_s", "questions/s"),
    ("ask_ack_p99_ms", "ask ack p99 ms"),
    ("ask_lag_p99_ms", "generators' lag p99 ms (asks)"),
    ("votes_per_s", "votes/s"),
    ("vote_ack_p99_ms", "vote ack p99 ms"),
    ("vote_rows", "vote rows expected/found"),
    ("repeats_refused", "repeats refused/sent"),
    ("vote_tallies", "question_votes msgs/att./s"),
    ("pin_p99_ms", "pin → last p99 ms"),
    ("catch_ups", "catch-ups asked/att. (asks, upvotes)"),
    ("ballots_per_s", "ballots/s"),
    ("ballot_ack_p99_ms", "ballot ack p99 ms"),
    ("ballot_rows", "ballot rows expected/found"),
    ("ballot_tallies", "poll_results msgs/att./s"),
    ("cpu_ms_per_ballot", "CPU ms/ballot"),
    ("open_close_ms", "open/close → last ms"),
    ("burst_errors", "errors"),
    ("burst_missed", "missed"),
    ("burst_never", "never delivered"),
    ("status", "status"),
)

# Codes that are no error: ok, and the refusal of a repeated upvote, provoked on purpose.
EXPECTED_REFUSALS = {"ok", "already_voted"}


def _refused(codes: dict[str, int]) -> int:
    return sum(count for code, count in codes.items() if code not in EXPECTED_REFUSALS)


def burst_row(run: dict[str, Any]) -> dict[str, Any]:
    """The question and poll figures of one Baraza run that go into the second table."""
    entry: dict[str, Any] = {"target": run["target"], "mode": run["mode"], "n": run["n"]}
    figures = run.get("figures", {})
    questions, poll = figures.get("ask_and_upvote", {}), figures.get("poll_burst", {})
    status = questions.get("status") or poll.get("status") or run.get("status", "")
    if status != "ok":
        entry["status"] = status
    errors, missed, timed = 0, 0, []
    if "vote" in questions:
        ask, vote, pin = questions["ask"], questions["vote"], questions["pin"]
        entry |= {
            "questions": questions["questions"],
            "questions_per_s": ask["accepted_per_s"],
            "ask_ack_p99_ms": ask["ack_ms"]["p99"],
            "ask_lag_p99_ms": (ask.get("generator_lag_ms") or {}).get("p99"),
            "votes_per_s": vote["accepted_per_s"],
            "vote_ack_p99_ms": vote["ack_ms"]["p99"],
            "vote_rows": f"{vote['rows_expected']}/{vote['rows_found']}",
            "repeats_refused": f"{vote['repeats_refused']}/{vote['repeated']}",
            "vote_tallies": vote["question_votes_per_attendee_per_s"],
            "pin_p99_ms": pin["last_attendee_ms"]["p99"],
            "catch_ups": round(ask["catch_ups_per_attendee"] + vote["catch_ups_per_attendee"], 3),
        }
        errors += _refused(ask["codes"]) + _refused(vote["codes"]) + sum(pin["errors"].values())
        missed += pin["missed_deliveries"]
        timed.append(pin)
    if "ballot" in poll and "open" not in poll:  # a relay: acknowledgements only
        ballot = poll["ballot"]
        entry |= {
            "ballots_per_s": ballot["accepted_per_s"],
            "ballot_ack_p99_ms": ballot["ack_ms"]["p99"],
            "cpu_ms_per_ballot": ballot["server_cpu_ms_per_accepted"],
        }
        errors += _refused(ballot["codes"])
    elif "ballot" in poll:
        ballot, opened, closed = poll["ballot"], poll["open"], poll["close"]
        entry |= {
            "ballots_per_s": ballot["accepted_per_s"],
            "ballot_ack_p99_ms": ballot["ack_ms"]["p99"],
            "ballot_rows": f"{ballot['rows_expected']}/{ballot['rows_found']}",
            "ballot_tallies": ballot["poll_results_per_attendee_per_s"],
            "cpu_ms_per_ballot": ballot["server_cpu_ms_per_accepted"],
            "open_close_ms": (
                f"{opened['last_attendee_ms']['max']}/{closed['last_attendee_ms']['max']}"
            ),
        }
        errors += _refused(ballot["codes"]) + ballot["changed_true"]
        errors += sum(opened["errors"].values()) + sum(closed["errors"].values())
        missed += opened["missed_deliveries"] + closed["missed_deliveries"]
        timed += [opened, closed]
    if "vote" in questions or "ballot" in poll:
        entry |= {"burst_errors": errors, "burst_missed": missed}
    never = [t.get("never_delivered") for t in timed]
    if timed and None not in never:  # the generator told what became of the missed ones
        entry["burst_never"] = sum(never)
    return entry


def burst_table(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The runs ordered by N: Baraza's question and poll bursts, the relays' acknowledgements."""
    chosen = [r for r in runs if not r.get("status", "").startswith("skipped")]
    return [
        burst_row(run)
        for run in sorted(chosen, key=lambda r: (r["n"], r["target"] != "baraza", r["mode"]))
    ]


def markdown(rows: list[dict[str, Any]], columns: tuple[tuple[str, str], ...] = COLUMNS) -> str:
    def cell(value: Any) -> str:
        return "–" if value is None else str(value)

    lines = [
        "| " + " | ".join(title for _, title in columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for entry in rows:
        lines.append("| " + " | ".join(cell(entry.get(key)) for key, _ in columns) + " |")
    return "\n".join(lines) + "\n"


def write_markdown(results: dict[str, Any], path: Path) -> None:
    meta = results["meta"]
    head = (
        f"Run of {meta['started']} at commit {meta['commit']} on {meta['machine']};"
        f" load average at start {' '.join(meta['load_average_at_start'])}.\n\n"
    )
    bursts = burst_table(results.get("runs", []))
    second = (
        "\nQuestions and polls: commands accepted per second, acks, rows in the database,"
        " tally pushes per attendee per second during each burst. The relays' row is the"
        " same burst of messages acknowledged at once: the transport's own ceiling.\n\n"
        + markdown(bursts, BURST_COLUMNS)
        if bursts
        else ""
    )
    path.write_text(head + markdown(results.get("table", [])) + second)
