"""Commands sent on one connection without waiting are applied in the order sent.

A client that toggles a vote (`unvote`, `vote`, `unvote`, …) or replays its
offline outbox sends commands back to back; each must see the state the
previous one left, whatever else the server is doing meanwhile.
"""

from __future__ import annotations

import threading

import pytest
import requests
import socketio

from tests.realtime.servers import start_server

pytestmark = pytest.mark.slow

VOTERS = 12
TOGGLES = 40  # per voter, sent at once: unvote, vote, unvote, … ending on vote


@pytest.fixture(scope="module", params=["eventlet", "threading"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    running = start_server(
        tmp_path_factory.mktemp(f"order-{request.param}"),
        request.param,
        COMMAND_BURST=str(TOGGLES + 10),
    )
    yield running
    running.stop()


def connect(url: str, token: str) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=10)
    return client


def join(url: str, code: str, name: str) -> str:
    response = requests.post(
        f"{url}/api/consultations/{code}/join", json={"display_name": name}, timeout=10
    )
    return response.json()["token"]


def approved_question(server) -> int:
    chair_token = requests.post(
        f"{server.url}/api/links/claim",
        json={"link": server.links["moderator"], "display_name": "Chair"},
        timeout=10,
    ).json()["token"]
    asker = connect(server.url, join(server.url, server.links["join_code"], "Asker"))
    chair = connect(server.url, chair_token)
    try:
        question = asker.call("ask_question", {"text": "In order?"}, timeout=10)["question"]
        approved = chair.call("approve_question", {"question_id": question["id"]}, timeout=10)
        assert approved["ok"], approved
        return int(question["id"])
    finally:
        asker.disconnect()
        chair.disconnect()


def test_a_burst_of_toggled_votes_is_applied_in_the_order_sent(server):
    question_id = approved_question(server)
    voters = [
        connect(server.url, join(server.url, server.links["join_code"], f"Voter {n}"))
        for n in range(VOTERS)
    ]
    sent = ["vote_question" if n % 2 else "unvote_question" for n in range(TOGGLES)]
    # Each reply kept by the command it answers: the Socket.IO client runs every
    # message's callback in a thread of its own, so replies may be *handled* out of
    # order here though they arrived in order. What each says is the server's order.
    acks: list[dict[int, dict]] = [{} for _ in voters]
    lock = threading.Lock()
    done = threading.Semaphore(0)

    def acknowledged(voter: int, command: int):
        def keep(ack: dict) -> None:
            with lock:
                acks[voter][command] = ack
                finished = len(acks[voter]) == len(sent)
            if finished:
                done.release()

        return keep

    try:
        for voter in voters:
            assert voter.call("vote_question", {"question_id": question_id}, timeout=10)["ok"]
        for n, voter in enumerate(voters):
            for k, name in enumerate(sent):
                voter.emit(name, {"question_id": question_id}, callback=acknowledged(n, k))
        for _ in voters:
            assert done.acquire(timeout=60)
        for by_command in acks:
            replies = [by_command[k] for k in range(len(sent))]
            assert [ack.get("error", {}).get("code") for ack in replies] == [None] * len(sent)
            assert replies == [
                {"ok": True, "question_id": question_id, "voted": name == "vote_question"}
                for name in sent
            ]
    finally:
        # At once: Werkzeug's server takes seconds to close each WebSocket.
        closing = [threading.Thread(target=voter.disconnect) for voter in voters]
        for thread in closing:
            thread.start()
        for thread in closing:
            thread.join()
