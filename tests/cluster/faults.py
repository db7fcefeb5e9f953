"""Things to break on purpose: a TCP relay to cut, a Redis server of our own to restart."""

from __future__ import annotations

import contextlib
import select
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.realtime.servers import free_port


class Relay:
    """A TCP relay on 127.0.0.1 in front of `target`: `cut()` drops every connection and
    refuses new ones until `restore()`, as an unreachable database server would;
    `hang()` keeps every connection open and accepts new ones but passes nothing on
    until `resume()`, as a server that stopped answering would."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._held: list[socket.socket] = []
        self._hanging = threading.Event()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self.restore()

    def hang(self) -> None:
        self._hanging.set()

    def resume(self) -> None:
        """Pass data again; connections accepted meanwhile, never answered, are closed."""
        self._hanging.clear()
        with self._lock:
            held, self._held = self._held, []
        for client in held:
            client.close()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for side in pair:
                with contextlib.suppress(OSError):
                    side.shutdown(socket.SHUT_RDWR)
                side.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            if self._hanging.is_set():
                with self._lock:
                    self._held.append(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                if self._hanging.is_set():
                    time.sleep(0.05)
                    continue
                readable, _, _ = select.select([a, b], [], [], 1.0)
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (b if source is a else a).sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for side in (a, b):
                with contextlib.suppress(OSError):
                    side.close()


def relayed(url: str, default_port: int) -> tuple[Relay, str]:
    """A relay in front of the server of `url` (PostgreSQL, Redis), and `url` through it."""
    parsed = make_url(url)
    relay = Relay(parsed.host or "127.0.0.1", parsed.port or default_port)
    through = parsed.set(host="127.0.0.1", port=relay.port)
    return relay, through.render_as_string(hide_password=False)


class RedisServer:
    """A redis-server of our own on a free port, so restarting it disturbs nobody else."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.start()

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
