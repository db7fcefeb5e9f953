"""Start real Baraza server processes for tests: `python -m server` on a free port."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


# For a crowd played by one client at one address (web/join_limits.py would refuse it).
NO_JOIN_LIMITS = {"JOIN_LIMIT_PER_ADDRESS": "0", "JOIN_LIMIT_PER_CONSULTATION": "0"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RunningServer:
    url: str
    process: subprocess.Popen[str]
    output: Path
    links: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(instance: Path, async_mode: str = "eventlet", **env: str) -> RunningServer:
    """Run the service as `make run` does and wait until it answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    output = instance / "server.log"
    instance.mkdir(parents=True, exist_ok=True)
    environment = {
        **os.environ,
        "PORT": str(port),
        "PUBLIC_URL": url,
        "ASYNC_MODE": async_mode,
        "BARAZA_INSTANCE": str(instance),
        "PYTHONPATH": str(ROOT),
        **env,
    }
    with output.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "server"],
            cwd=instance,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    server = RunningServer(url, process, output)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{output.read_text()}")
        try:
            if requests.get(f"{url}/api/health", timeout=1).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.2)
    else:
        server.stop()
        raise RuntimeError(f"server did not answer:\n{output.read_text()}")
    server.links.update(printed_links(output.read_text(), url))
    return server


def printed_links(text: str, url: str) -> dict[str, str]:
    """The demo's staff links and join code, as `seed-demo` prints them for `url`."""
    links = {}
    for role, prefix in (("moderator", "m"), ("rapporteur", "r")):
        found = re.search(rf"{re.escape(url)}/{prefix}/(\S+)", text)
        if found:
            links[role] = found.group(1)
    code = re.search(r"join code (\w+)", text)
    if code:
        links["join_code"] = code.group(1)
    return links
