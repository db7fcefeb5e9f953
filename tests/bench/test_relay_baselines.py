"""The bare Flask-SocketIO relays the benchmark measures Baraza beside still serve.

Every target of issue 21 is read beside the relay of the same run; a relay that
no longer starts leaves a run without its baseline.
"""

from __future__ import annotations

import asyncio

import pytest
import socketio

from bench.coordinator import start_relay


@pytest.mark.parametrize("mode", ["eventlet", "gevent"])
@pytest.mark.parametrize("name", ["flask-relay", "flask-defaults"])
def test_a_flask_relay_starts_and_acknowledges_a_ballot(tmp_path, name, mode):
    assert asyncio.run(_ballot_through(name, mode, tmp_path)) == {"ok": True}


async def _ballot_through(name: str, mode: str, raw) -> object:
    server = await start_relay(name, mode, raw)
    client = socketio.AsyncClient()
    try:
        await client.connect(server.urls[0], transports=["websocket"])
        return await client.call("ballot", {}, timeout=10)
    finally:
        await client.disconnect()
        await server.stop()
