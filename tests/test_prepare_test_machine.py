"""`make test` sets the machine up first (deploy/prepare-test-machine.sh).

Where it may not install or start something, it names each missing part with the
command that provides it and stops, instead of letting the suite fail by the dozen.
The script runs for real: as `nobody` (when the tests run as root), with a PATH
from which the parts under test have been taken away, against closed ports.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "deploy" / "prepare-test-machine.sh"
Run = Callable[..., subprocess.CompletedProcess[str]]


def may_administer() -> bool:
    """True when the script would install packages (root or passwordless sudo)."""
    if os.geteuid() == 0:
        return True
    return subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def path_without(directory: Path, commands: tuple[str, ...]) -> Path:
    """A directory of links to every command on PATH except `commands`."""
    directory.mkdir(mode=0o755)
    for entry in os.environ["PATH"].split(os.pathsep):
        for command in Path(entry).glob("*") if Path(entry).is_dir() else []:
            if command.name not in commands and not (directory / command.name).exists():
                (directory / command.name).symlink_to(command)
    return directory


@pytest.fixture
def run_without() -> Iterator[Run]:
    """Factory: run the script as a user who may not install, on a PATH without
    the named commands; `env` adds variables. Returns the finished process."""
    if os.geteuid() != 0 and may_administer():
        pytest.skip("this user has passwordless sudo: the script would install for real")
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("setpriv is needed to run the script as nobody")
    # World-readable, unlike pytest's tmp_path under root's own directory.
    place = Path(tempfile.mkdtemp(prefix="baraza-machine-"))
    place.chmod(0o755)
    (place / "deploy").mkdir(mode=0o755)
    shutil.copy(SCRIPT, place / "deploy" / SCRIPT.name)

    def run(*commands: str, **env: str) -> subprocess.CompletedProcess[str]:
        path = path_without(place / f"bin-without-{'-'.join(commands)}", commands)
        as_nobody = ["setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups"]
        return subprocess.run(
            [*(as_nobody if os.geteuid() == 0 else []), str(place / "deploy" / SCRIPT.name)],
            env={"PATH": str(path), "HOME": str(place), "PYTHON": "", **env},
            cwd=place,
            capture_output=True,
            text=True,
            timeout=60,
        )

    yield run
    shutil.rmtree(place)


def missing_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    header, *parts = result.stderr.splitlines()
    assert header == "make test cannot set up this machine by itself; it needs:"
    return [part.strip() for part in parts]


def test_without_chromium_and_nginx_it_names_each_with_its_command_and_stops(run_without):
    result = run_without("chromium", "nginx")
    assert result.returncode == 1
    assert missing_lines(result) == [
        "Python 3.11 or newer — sudo apt-get install python3"
        " (or make test PYTHON=/path/to/python3.11+)",
        "Chromium (browser tests) — sudo apt-get install chromium",
        "nginx (cluster tests) — sudo apt-get install nginx",
    ]
    assert "installing" not in result.stdout


def test_without_node_it_names_node_and_npm(run_without):
    result = run_without("node", "npm")
    assert result.returncode == 1
    assert "Node.js and npm (the bundles' test) — sudo apt-get install nodejs npm" in (
        missing_lines(result)
    )


def test_without_postgresql_and_redis_it_names_both(run_without):
    postgres, redis = closed_port(), closed_port()
    result = run_without(
        "redis-server",
        TEST_POSTGRES_URL=f"postgresql+psycopg2://postgres@127.0.0.1:{postgres}/test",
        TEST_REDIS_URL=f"redis://127.0.0.1:{redis}/0",
    )
    assert result.returncode == 1
    assert missing_lines(result)[1:3] == [
        f"PostgreSQL on 127.0.0.1:{postgres} (user postgres, trust, database test;"
        " or set TEST_POSTGRES_URL) — sudo apt-get install postgresql",
        "Redis (redis-server) — sudo apt-get install redis-server",
    ]


def test_an_older_python_is_named(run_without):
    result = run_without(PYTHON="python3.10")
    assert missing_lines(result) == [
        "Python 3.11 or newer (PYTHON=python3.10 is not one) — sudo apt-get install python3"
        " (or make test PYTHON=/path/to/python3.11+)"
    ]


@pytest.mark.postgres
@pytest.mark.redis
def test_a_ready_machine_is_left_ready_without_a_complaint():
    if not may_administer():
        pytest.skip("only root or passwordless sudo may start or install what is missing")
    result = subprocess.run(
        [str(SCRIPT)],
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_make_takes_the_first_python_on_path_that_is_3_11_or_newer(tmp_path):
    commands = tmp_path / "bin"
    commands.mkdir()
    (commands / "make").symlink_to(shutil.which("make") or "/usr/bin/make")
    (commands / "python3").write_text("#!/bin/sh\nexit 1\n")  # as Python 3.10 answers
    (commands / "python3").chmod(0o755)
    (commands / "python3.12").symlink_to(sys.executable)
    dry_run = subprocess.run(
        ["make", "--no-print-directory", "-n", "test-machine"],
        cwd=SCRIPT.parents[1],
        env={"PATH": str(commands)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert dry_run.stdout == f'PYTHON="{commands / "python3.12"}" deploy/prepare-test-machine.sh\n'
