"""One client acting as a crowd of 500 against a real server (or a cluster behind nginx).

From one address it joins 500 times, then every attendee it got in casts the same
ballot in the live poll and upvotes the same question, as fast as it can. What it
achieves is bounded by the join limit per address (web/join_limits.py: 200 a minute,
in fixed windows of the clock), and the moderator, connected to the console's
socket, hears the integrity flags that say so (features/integrity).
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import requests
import socketio

CROWD = 500
PER_ADDRESS = 200  # JOIN_LIMIT_PER_ADDRESS's default, documented in docs/api.md
THREADS = 16  # requests in flight at once, all from this one address


class Console:
    """The moderator's socket: keeps every integrity flag it hears, latest view by id."""

    def __init__(self, url: str, token: str, origin: str | None = None) -> None:
        self.flags: dict[int, dict[str, Any]] = {}
        self.heard = threading.Event()
        self._lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        self.client.on("events", self._on_events)
        headers = {"Origin": origin} if origin else None
        self.client.connect(
            url, auth={"token": token}, transports=["websocket"], headers=headers, wait_timeout=10
        )

    def _on_events(self, envelopes: list[dict[str, Any]]) -> None:
        with self._lock:
            for envelope in envelopes:
                if envelope["type"].startswith("integrity_flag_"):
                    flag = envelope["data"]["flag"]
                    self.flags[flag["id"]] = flag
        self.heard.set()

    def wait_until(self, done: Any, timeout: float = 20) -> dict[int, dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                flags = dict(self.flags)
            if done(flags):
                return flags
            self.heard.wait(0.2)
            self.heard.clear()
        raise AssertionError(f"the flags staff heard: {list(self.flags.values())}")

    def close(self) -> None:
        self.client.disconnect()


@dataclass
class Attack:
    tokens: list[str] = field(default_factory=list)
    refusals: list[tuple[int, str]] = field(default_factory=list)
    windows: int = 1
    ballots: int = 0
    upvotes: int = 0


def patiently(send: Any) -> requests.Response:
    """`send()` again while nginx answers its own per-address rate (`rate_limited`)."""
    for _ in range(200):
        answer: requests.Response = send()
        if answer.status_code == 429 and answer.json()["error"]["code"] == "rate_limited":
            time.sleep(0.05)  # nginx's own limit, not the application's: wait and resend
            continue
        return answer
    raise AssertionError("still rate limited")


def command(session: requests.Session, url: str, token: str, name: str, **payload: Any) -> Any:
    """A command over HTTP; nginx's per-address rate is waited out."""
    return patiently(
        lambda: session.post(
            f"{url}/api/commands/{name}",
            json=payload,
            headers={"Authorization": f"Bearer {token}"},
            timeout=20,
        )
    ).json()


def snapshot_of(session: requests.Session, url: str, token: str) -> Any:
    """`GET /api/snapshot`'s snapshot; nginx's per-address rate is waited out."""
    response = patiently(
        lambda: session.get(
            f"{url}/api/snapshot", headers={"Authorization": f"Bearer {token}"}, timeout=20
        )
    )
    assert response.status_code == 200, (response.status_code, response.text)
    return response.json()["snapshot"]


def prepare(url: str, moderator: str) -> tuple[int, int]:
    """The moderator starts the first item and opens a poll: (poll id, first item id)."""
    with requests.Session() as session:
        snapshot = snapshot_of(session, url, moderator)
        item_id = snapshot["agenda"]["items"][0]["id"]
        assert command(session, url, moderator, "start_item", item_id=item_id)["ok"]
        poll = command(
            session,
            url,
            moderator,
            "create_poll",
            type="single",
            question="Ratify the Convention?",
            options=["Yes", "No"],
            visibility="live",
            open=True,
        )
        assert poll["ok"], poll
        return poll["poll_id"], item_id


def crowd_joins(url: str, code: str) -> Attack:
    """500 joins from this one address, 8 at a time, as fast as they are answered."""
    attack = Attack()
    local = threading.local()

    def join(n: int) -> requests.Response:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        # A patient attacker resends what nginx's own rate per address refused.
        return patiently(
            lambda: local.session.post(
                f"{url}/api/consultations/{code}/join",
                json={"display_name": f"Voter {n}", "stakeholder_group": "civil_society"},
                # Believed by no one: the app and nginx count the address they saw.
                headers={"X-Forwarded-For": f"10.9.{n // 250}.{n % 250}"},
                timeout=20,
            )
        )

    started = time.time()
    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(join, range(CROWD)))
    ended = time.time()
    for answer in answers:
        if answer.ok:
            attack.tokens.append(answer.json()["token"])
        else:
            attack.refusals.append((answer.status_code, answer.json()["error"]["code"]))
    # The limit counts in fixed windows of the clock's minutes.
    attack.windows = int(ended // 60) - int(started // 60) + 1
    return attack


def ask(url: str, token: str, moderator: str) -> int:
    """The first of the crowd asks a question, which the moderator approves."""
    with requests.Session() as session:
        asked = command(session, url, token, "ask_question", text="Why not vote yes?")
        assert asked["ok"], asked
        question_id: int = asked["question"]["id"]
        approved = command(session, url, moderator, "approve_question", question_id=question_id)
        assert approved["ok"], approved
    return question_id


def crowd_votes(url: str, attack: Attack, poll_id: int, question_id: int) -> None:
    """Every attendee in casts the same ballot and upvotes the same question, in parallel."""
    local = threading.local()

    def act(token: str) -> tuple[bool, bool]:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        ballot = command(local.session, url, token, "cast_ballot", poll_id=poll_id, answer=0)
        upvote = command(local.session, url, token, "vote_question", question_id=question_id)
        return ballot["ok"], upvote["ok"]

    with ThreadPoolExecutor(THREADS) as pool:
        done = list(pool.map(act, attack.tokens))
    attack.ballots = sum(ballot for ballot, _ in done)
    attack.upvotes = sum(upvote for _, upvote in done)  # the asker's own is refused


def check_flags(console: Console, attack: Attack, poll_id: int, question_id: int) -> dict:
    """Staff heard every signal, the join burst naming every attendee the crowd got in."""
    joined = len(attack.tokens)

    def complete(flags: dict[int, dict[str, Any]]) -> bool:
        seen = {(f["kind"], f["poll_id"], f["question_id"]): f for f in flags.values()}
        burst = [f for f in flags.values() if f["kind"] == "join_burst"]
        return (
            sum(f["evidence"]["count"] for f in burst) == joined
            and seen.get(("identical_votes", poll_id, None), {}).get("evidence", {}).get("count")
            == attack.ballots
            and seen.get(("identical_votes", None, question_id), {})
            .get("evidence", {})
            .get("count")
            == attack.upvotes
            and seen.get(("late_ballots", poll_id, None), {}).get("evidence", {}).get("count")
            == attack.ballots
        )

    # The server's clock checks every 10 s (realtime/ticker.py): two checks and a slow machine.
    return console.wait_until(complete, timeout=40)


def results(url: str, moderator: str, poll_id: int, question_id: int) -> tuple[int, int]:
    """(voters in the poll, upvotes of the question) as the moderator's snapshot says."""
    with requests.Session() as session:
        snapshot = snapshot_of(session, url, moderator)
    voters = snapshot["polls"]["results"][str(poll_id)]["voters"]
    upvotes = next(q["votes"] for q in snapshot["questions"]["list"] if q["id"] == question_id)
    return voters, upvotes


@dataclass
class Outcome:
    """What the attack achieved and what staff were told."""

    poll_id: int
    question_id: int
    flags: dict


def attack_and_check(url: str, code: str, moderator: str, console: Console) -> Outcome:
    """One client, CROWD joins from one address, then a ballot and an upvote from each
    attendee it got in: no more than the limit per address get in (two windows' worth
    if the joins straddle a minute of the clock), every one of their ballots and upvotes
    counts until a moderator decides, and staff hear the flags naming them."""
    poll_id, _item = prepare(url, moderator)
    attack = crowd_joins(url, code)
    joined = len(attack.tokens)
    if attack.windows == 1:
        assert joined == PER_ADDRESS
    else:
        assert PER_ADDRESS <= joined <= PER_ADDRESS * attack.windows
    assert len(attack.refusals) == CROWD - joined
    assert set(attack.refusals) == {(429, "too_many_joins")}
    question_id = ask(url, attack.tokens[0], moderator)
    crowd_votes(url, attack, poll_id, question_id)
    assert (attack.ballots, attack.upvotes) == (joined, joined - 1)
    assert results(url, moderator, poll_id, question_id) == (joined, joined - 1)
    return Outcome(poll_id, question_id, check_flags(console, attack, poll_id, question_id))
