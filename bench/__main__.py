"""`python -m bench`: the load benchmark (docs/performance.md). Talks to 127.0.0.1 only.

For each N, each async mode and each target it starts the server, runs the
scenario with N simulated attendees and stops everything; figures go to a JSON
file and a PNG plot. The whole matrix stops by itself after `--max-minutes`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from server.realtime.serving import raise_open_files_limit

from .coordinator import (
    FIRST_SYNCS,
    ROOT,
    Options,
    Server,
    run_once,
    start_baraza,
    start_relay,
)
from .report import results_path, table, write_markdown
from .steps import SCENARIO

TARGETS = ("baraza", "flask-relay", "node-relay")
OPTIONAL_TARGETS = ("flask-defaults",)  # the Flask relay as the libraries ship it


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--n", default="100,500,1000,2000,5000", help="attendee counts, comma-separated"
    )
    parser.add_argument("--modes", default="eventlet,gevent", help="async modes of the servers")
    parser.add_argument(
        "--targets", default=",".join(TARGETS), help="of " + ", ".join(TARGETS + OPTIONAL_TARGETS)
    )
    parser.add_argument("--rate", type=float, default=50, help="attendees joining per second")
    parser.add_argument("--actions", type=int, default=30, help="moderator actions timed")
    parser.add_argument("--gap", type=float, default=0.3, help="seconds between actions")
    parser.add_argument(
        "--burst-seconds",
        type=float,
        default=10,
        help="seconds the question, vote and ballot bursts are spread over",
    )
    parser.add_argument(
        "--askers", type=float, default=0.1, help="share of attendees asking in the ask burst"
    )
    parser.add_argument("--relay-bytes", type=int, default=1000, help="baseline padding per action")
    parser.add_argument("--load-workers", type=int, default=2, help="load-generator processes")
    parser.add_argument(
        "--transports", default="websocket", help="websocket, or polling,websocket as browsers"
    )
    parser.add_argument(
        "--generator", choices=("node", "python"), default="node", help="load-generator clients"
    )
    parser.add_argument(
        "--first-sync",
        choices=FIRST_SYNCS,
        default="auth",
        help="how an attendee takes its first snapshot: auth (as the attendee page does, "
        "`sync: true` in the connection's auth: the snapshot comes with the connection) or "
        "event (connect, then send `sync`: the benchmark's way until step 78)",
    )
    parser.add_argument("--servers", type=int, default=1, help="Baraza worker processes")
    parser.add_argument("--database-url", help="PostgreSQL server (a fresh database per run)")
    parser.add_argument("--redis-url", help="Redis for Socket.IO's message queue")
    parser.add_argument("--profile", action="store_true", help="py-spy the server (raw/)")
    parser.add_argument(
        "--profile-step",
        action="append",
        default=[],
        metavar="STEP",
        help="py-spy the server during this step or phase only (raw/, one file each; repeatable)",
    )
    parser.add_argument("--max-minutes", type=float, default=60, help="stop the matrix after")
    parser.add_argument("--out", default=str(ROOT / "bench/results/latest.json"))
    parser.add_argument("--note", default="", help="free text kept with the results")
    options = parser.parse_args()
    if options.servers > 1 and not (options.database_url and options.redis_url):
        parser.error("several servers share state: give --database-url and --redis-url")
    return options


def meta(args: argparse.Namespace) -> dict[str, Any]:
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    with open("/proc/loadavg") as loadavg:
        load = loadavg.read().split()[:3]
    return {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "machine": f"{platform.machine()}, {len(__import__('os').sched_getaffinity(0))} cores",
        "load_average_at_start": load,
        "python": platform.python_version(),
        "node": node,
        "versions": {
            name: version(name)
            for name in ("python-socketio", "python-engineio", "Flask-SocketIO", "eventlet")
            + ("gevent", "aiohttp")
        },
        "arguments": {k: v for k, v in vars(args).items() if k != "database_url"},
        "scenario": [step.name for step in SCENARIO],
        "note": args.note,
    }


async def start(target: str, mode: str, args: argparse.Namespace, raw: Path) -> Server:
    if target == "baraza":
        return await start_baraza(mode, raw, args.servers, args.database_url, args.redis_url)
    return await start_relay(target, mode, raw)


async def main() -> int:
    args = parse()
    raise_open_files_limit()  # the load generators inherit it: a socket each
    out = results_path(args.out)
    raw = out.parent / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    options = Options(
        rate=args.rate,
        actions=args.actions,
        gap=args.gap,
        burst_seconds=args.burst_seconds,
        askers=args.askers,
        relay_bytes=args.relay_bytes,
        load_workers=args.load_workers,
        transports=tuple(args.transports.split(",")),
        profile=args.profile,
        profile_steps=frozenset(args.profile_step),
        generator=args.generator,
        first_sync=args.first_sync,
        raw_dir=raw,
    )
    deadline = time.monotonic() + args.max_minutes * 60
    results: dict[str, Any] = {"meta": meta(args), "runs": []}
    modes = args.modes.split(",")
    for n in [int(value) for value in args.n.split(",")]:
        for target in args.targets.split(","):
            # Node's server has no async mode: one run per N.
            for mode in modes if target != "node-relay" else ["node"]:
                entry: dict[str, Any] = {"target": target, "mode": mode, "n": n}
                entry["servers"] = args.servers if target == "baraza" else 1
                results["runs"].append(entry)
                remaining = deadline - time.monotonic()
                if remaining < 30:
                    entry["status"] = "skipped: --max-minutes reached"
                    continue
                print(f"{target} / {mode} / N={n}", flush=True)
                logs = raw / f"{target}-{mode}-{n}"
                logs.mkdir(exist_ok=True)
                server = await start(target, mode, args, logs)
                try:
                    entry["figures"] = {}
                    await asyncio.wait_for(
                        run_once(
                            server,
                            n,
                            replace(options, raw_dir=logs),
                            entry["figures"],
                            lambda line: print(line, flush=True),
                        ),
                        remaining,
                    )
                    entry["status"] = "ok"
                except Exception as error:  # keep the other runs and say what failed
                    entry["status"] = f"failed: {type(error).__name__}: {error}"[:300]
                    print(f"    {entry['status']}", flush=True)
                finally:
                    await server.stop()
                results["table"] = table(results["runs"])
                out.write_text(json.dumps(results, indent=1))
    write_markdown(results, out.with_suffix(".md"))
    from .plot import plot

    plot(results, out.with_suffix(".png"))
    print(f"results: {out}, {out.with_suffix('.md')}, {out.with_suffix('.png')}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
