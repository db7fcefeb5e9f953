"""nginx's own refusals on /api/ and /socket.io/ answer the API's JSON error body.

nginx runs alone on deploy/nginx.conf as `make cluster` renders it, in front of
what each test needs: no worker at all, a listener that never answers, a worker
of the test's own. The API's JSON error is `{"ok": false, "error": {"code",
"message"}}` (docs/api.md, "Errors of the proxy").
"""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Callable, Iterator

import pytest
import requests

from tests.cluster.nginx import Nginx, start_nginx
from tests.realtime.servers import free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed"),
]

API = "/api/consultations/AB3K7Q/join"
SOCKET_IO = "/socket.io/?EIO=4&transport=polling"
PATHS = pytest.mark.parametrize("path", [API, SOCKET_IO])


@pytest.fixture
def nginx(tmp_path) -> Iterator[Callable[..., Nginx]]:
    started: list[Nginx] = []

    def start(workers: list[int], **options) -> Nginx:
        server = start_nginx(tmp_path / f"nginx-{len(started)}", workers, **options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def silent_worker() -> Iterator[int]:
    """A port that takes connections and never answers: a worker stuck on a request."""
    listener = socket.create_server(("127.0.0.1", 0))
    yield listener.getsockname()[1]
    listener.close()


def json_error(response: requests.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert body["ok"] is False
    assert body["error"]["code"] == code
    assert body["error"]["message"]


@PATHS
def test_a_body_over_one_megabyte_gets_the_json_413(nginx, path):
    server = nginx([free_port()])
    response = requests.post(
        f"{server.url}{path}",
        data=b"{" + b" " * 1_100_000 + b"}",
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    json_error(response, 413, "request_entity_too_large")


def test_past_the_api_rate_the_answer_is_the_json_429(nginx):
    """The shipped rate: 50 a second after a burst of 100, per address."""
    server = nginx([free_port()])  # refused at once: quick answers, faster than the rate
    with requests.Session() as client:
        for _ in range(1000):
            response = client.get(f"{server.url}/api/health", timeout=10)
            if response.status_code == 429:
                break
    json_error(response, 429, "rate_limited")
    assert response.headers["Retry-After"] == "1"


@PATHS
def test_no_worker_up_is_a_json_502_saying_try_again(nginx, path):
    server = nginx([free_port()])
    json_error(requests.get(f"{server.url}{path}", timeout=10), 502, "try_again")


@PATHS
def test_a_worker_too_slow_is_a_json_504_saying_try_again(nginx, silent_worker, path):
    """The shipped timeouts are a minute; this nginx waits one second, nothing else changed."""

    def one_second(config: str) -> str:
        assert "proxy_read_timeout 60s;" in config
        config = config.replace("proxy_read_timeout 60s;", "proxy_read_timeout 1s;")
        return config.replace("http {", "http {\n    proxy_read_timeout 1s;", 1)

    server = nginx([silent_worker], adjust=one_second)
    json_error(requests.get(f"{server.url}{path}", timeout=10), 504, "try_again")


@PATHS
def test_a_workers_own_error_passes_through_untouched(nginx, path):
    """Only nginx's own refusals are rewritten: a worker's answer reaches the client as sent."""
    body = b'{"ok": false, "error": {"code": "try_again", "message": "nothing was saved"}}'
    listener = socket.create_server(("127.0.0.1", 0))

    def answer() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
            )

    worker = threading.Thread(target=answer, daemon=True)
    worker.start()
    server = nginx([listener.getsockname()[1]])
    try:
        response = requests.get(f"{server.url}{path}", timeout=10)
    finally:
        worker.join(10)
        listener.close()
    assert response.status_code == 503
    assert response.content == body
