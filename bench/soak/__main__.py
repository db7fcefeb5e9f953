"""`python -m bench.soak`: a whole consultation against one Baraza worker, window by window.

N attendees (2,000) arrive, then a scripted 90-minute consultation is played,
compressed into `--minutes` (20) real minutes (`--full`: 90): eight agenda
items, six polls of six kinds, 200 questions and 6,000 upvotes, 40 speakers,
and 5 % of attendees (`--drops`) dropping and rejoining each minute. Each window of five
consultation minutes gets a row: the moderator's actions to the last attendee,
the attendees' acknowledgements, the rejoins, the server's RSS, CPU and
garbage-collection pauses. Results go to bench/results/soak/ (JSON and
Markdown); logs to bench/results/raw/. Talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import aiohttp

from server.realtime.serving import raise_open_files_limit

from .. import memory
from ..coordinator import ROOT, Options, start_baraza, started
from ..report import results_path
from ..steps import Join, Presence
from .report import pooled, pooled_line, table, verdicts, write_markdown
from .run import Soak
from .script import DEMO_ITEMS, DROPS_PER_MINUTE, MINUTES, build


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="attendees")
    parser.add_argument(
        "--minutes", type=float, default=20, help="real minutes the 90 consultation minutes take"
    )
    parser.add_argument("--full", action="store_true", help="the real 90 minutes (--minutes 90)")
    parser.add_argument("--mode", choices=("eventlet", "gevent"), default="eventlet")
    parser.add_argument("--rate", type=float, default=50, help="attendees arriving per second")
    parser.add_argument("--load-workers", type=int, default=2, help="load-generator processes")
    parser.add_argument("--seed", type=int, default=0, help="of the script")
    parser.add_argument(
        "--drops",
        type=float,
        default=DROPS_PER_MINUTE,
        help="the share of attendees who drop and rejoin each consultation minute (0.05);"
        " more reaches the reconnections of several consultations on one worker",
    )
    parser.add_argument(
        "--quiet",
        type=float,
        default=0,
        help="after the consultation, hold every connection silent this many seconds and"
        " report the server's collections meanwhile (a quiet worker's, past 60 s)",
    )
    parser.add_argument("--out", default=str(ROOT / "bench/results/soak/latest.json"))
    parser.add_argument("--note", default="", help="free text kept with the results")
    parser.add_argument(
        "--trace-memory",
        action="store_true",
        help="trace the server's allocations (bench/traced_server.py) and report what grew"
        " from the arrivals' end to the consultation's; slows the server",
    )
    args = parser.parse_args()
    if args.full:
        args.minutes = MINUTES
    return args


def meta(args: argparse.Namespace) -> dict[str, Any]:
    def output(*command: str) -> str:
        return subprocess.run(command, capture_output=True, text=True).stdout.strip()

    with open("/proc/loadavg") as loadavg:
        load = loadavg.read().split()[:3]
    return {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": output("git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"),
        "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores",
        "load_average_at_start": load,
        "python": platform.python_version(),
        "node": output("node", "--version"),
        "n": args.n,
        "consultation_minutes": MINUTES,
        "real_minutes": args.minutes,
        "compression": round(MINUTES / args.minutes, 2),
        "mode": args.mode,
        "generator": "node",
        "load_workers": args.load_workers,
        "arguments": vars(args),
        "note": args.note,
    }


def totals(soak: Soak) -> dict[str, Any]:
    rows = soak.rows
    return {
        "chair actions": len(soak.acted),
        "chair errors": dict(Counter(a.error for a in soak.acted if a.error)),
        "attendee commands": dict(Counter(command.event for command, _ in soak.acks)),
        "attendee command codes": dict(Counter(r.get("code") or "?" for _, r in soak.acks)),
        "commands skipped (their question or poll not created)": dict(soak.skipped),
        "rejoins": dict(Counter(r.get("code") or "?" for _, r in soak.resyncs)),
        "rejoin answers": dict(Counter(r["kind"] for _, r in soak.resyncs if r.get("kind"))),
        "deliveries missed": sum(row["chair"]["missed"] for row in rows),
        "deliveries caught up by a rejoin's sync": sum(
            row["chair"]["caught_up_by_sync"] for row in rows
        ),
        "garbage collections by generation": dict(
            sum((Counter(row["server"]["gc"]["collections"]) for row in rows), Counter())
        ),
        "GC pause s in all": round(sum(row["server"]["gc"]["pause_s"] for row in rows), 2),
        "collections a finalizer yielded in": sum(
            row["server"]["gc"].get("yielded", 0) for row in rows
        ),
    }


def line(row: dict[str, Any]) -> str:
    chair, commands, server = row["chair"], row["commands"], row["server"]
    return (
        f"  window {row['window'] + 1:2} (min {row['minutes'][0]:2}–{row['minutes'][1]:2}):"
        f" mod→last p99 {chair['last_attendee_ms']['p99']} ms ({chair['timed']} timed,"
        f" {chair['missed']} missed), ack p99 {commands['ack_ms']['p99']} ms"
        f" ({commands['sent']} cmds {commands['codes']}), rejoins {row['rejoins']['drops']}"
        f" p99 {row['rejoins']['resync_ms']['p99']} ms, RSS {server['rss_mb']} MB,"
        f" GC >50/>100 ms {server['gc']['over_50ms']}/{server['gc']['over_100ms']}"
        f" ({server['gc'].get('yielded', 0)} yielded),"
        f" CPU {server['cpu_share']:.0%}, load {row['machine']['load_average'][0]}"
    )


async def main() -> int:
    args = parse()
    raise_open_files_limit()  # the load generators inherit it: a socket each
    out = results_path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    raw = ROOT / "bench" / "results" / "raw" / f"soak-{out.stem}"
    raw.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    results: dict[str, Any] = {"meta": meta(args)}
    script = build(args.n, DEMO_ITEMS, args.seed, args.drops)
    results["script"] = {
        "agenda_items": len(script.item_minutes),
        "polls": [poll["type"] for poll in script.polls],
        "commands": dict(Counter(command.event for command in script.commands)),
        "chair": dict(Counter(action.command for action in script.chair)),
        "drops": len(script.drops),
    }
    print(
        f"soak: {args.n} attendees, {MINUTES} consultation minutes in {args.minutes:g} real"
        f" minutes; script {results['script']}",
        flush=True,
    )
    settings = {"METRICS_TOKEN": token}
    traced = raw / "memory"
    if args.trace_memory:
        shutil.rmtree(traced, ignore_errors=True)
        traced.mkdir()
        settings["TRACE_MEMORY_DIR"] = str(traced)
    module = "bench.traced_server" if args.trace_memory else "server"
    server = await start_baraza(args.mode, raw, 1, None, None, settings, module)
    options = Options(rate=args.rate, load_workers=args.load_workers, raw_dir=raw)

    def save() -> None:
        results["windows"] = soak.rows
        results["verdicts"] = verdicts(results)
        results["pooled"] = pooled(results)
        results["totals"] = totals(soak)
        out.write_text(json.dumps(results, indent=1))

    try:
        async with (
            started(server, args.n, options) as run,
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http,
        ):
            await run.chair.command(
                "set_question_settings", {"moderation": "post", "min_interval_seconds": 0}
            )
            if len(run.chair.items) != len(DEMO_ITEMS):
                raise RuntimeError(f"the demo has {len(run.chair.items)} items, not 8")
            join = await Join().run(run)
            run.figures["join"] = join
            presence = await Presence().run(run)
            print(
                f"  arrivals: {join['joined']}/{join['attendees']} at {join['rate_achieved']}/s,"
                f" p99 {join['latency_ms']['p99']} ms, errors {join['errors']};"
                f" presence behind {presence['attendees_behind']}",
                flush=True,
            )
            if args.trace_memory:
                first = await memory.snapshot(server.pids[0], traced)
            soak = Soak(run, script, args.minutes * 60 / MINUTES, token, print)
            results["arrivals"] = {**join, "presence": presence}

            def on_row(row: dict[str, Any]) -> None:
                print(line(row), flush=True)
                save()

            play = asyncio.create_task(soak.play(http, on_row))
            while not soak.boundaries:
                await asyncio.sleep(0.1)
            results["arrivals"]["server_rss_mb"] = round(
                soak.boundaries[0].reading.rss_of(server.pids) / 2**20, 1
            )
            await play
            if args.quiet:
                results["quiet"] = await soak.stand_quiet(http, args.quiet)
                print(f"  quiet after: {results['quiet']}", flush=True)
            if args.trace_memory:
                last = await memory.snapshot(server.pids[0], traced)
                results["memory_growth"] = memory.growth(first, last)
    finally:
        await server.stop()
    with open("/proc/loadavg") as loadavg:
        results["load_average_at_end"] = loadavg.read().split()[:3]
    save()
    write_markdown(results, out.with_suffix(".md"))
    print(table(results))
    for verdict in results["verdicts"]:
        verdict_word = "met" if verdict["met"] else "NOT met"
        print(f"  {verdict_word}: {verdict['target']}: {verdict['measured']}")
    if results["pooled"]:
        print(f"  {pooled_line(results['pooled'])}")
    print(f"results: {out}, {out.with_suffix('.md')}; logs: {raw}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
