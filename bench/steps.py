"""The scenario, step by step: what the crowd and the moderator do, and what is measured.

A step is an object with a `name`, the `targets` it applies to ("baraza", or
"relay" for the bare baselines) and `async run(run) -> dict` of figures; the
coordinator runs `SCENARIO` in order and files each step's figures under its
name. Work an attendee does inside a load-generator process is a *worker
action*, registered in `WORKER_ACTIONS` and started with `run.crowds.act(...)`.

Inside a step, `async with run.phase(name) as phase:` measures the server's CPU
and memory, the load generators' CPU, the rest of the machine, and the messages
and bytes attendees received during the block (`phase.figures`).

Two steps are slots, kept in the order of the issue's scenario and left to be
filled when their features are merged: `AskAndUpvote` and `PollBurst`. Each
says what it must do and which figures it must produce; until then it reports
`"status": "not run"` and no figures.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .coordinator import Run
    from .worker import Crowd


def quantiles(values: Sequence[float], scale: float = 1000.0) -> dict[str, float | None]:
    """p50, p95, p99 and max of `values` (nearest rank), times `scale` (s to ms)."""
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    ordered = sorted(values)

    def rank(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * scale, 2)

    return {"p50": rank(0.50), "p95": rank(0.95), "p99": rank(0.99), "max": rank(1.0)}


class Step(Protocol):
    name: str
    targets: frozenset[str]

    async def run(self, run: Run) -> dict[str, Any]: ...


BOTH = frozenset({"baraza", "relay"})
BARAZA = frozenset({"baraza"})


class Join:
    """N attendees arrive at `--rate` a second, spread evenly over the load generators.

    Baraza: each joins over HTTP (POST /api/consultations/CODE/join), connects with
    its token and asks for its snapshot (`sync`), as the attendee page does; join
    latency runs from the attendee's scheduled arrival to its snapshot. Relays:
    connect only. Figures: join rate achieved, join latency, errors, and the cost
    of the arrivals (CPU, memory per attendee, presence traffic).
    """

    name = "join"
    targets = BOTH

    async def run(self, run: Run) -> dict[str, Any]:
        rate = run.options.rate
        async with run.phase("join") as phase:
            start_at = time.monotonic() + 0.5
            replies = await run.crowds.each(
                "join",
                lambda share: {
                    "count": share,
                    "rate": rate * share / run.n,
                    "start_at": start_at,
                },
                timeout=run.n / rate + 120,
            )
        joined = sum(r["joined"] for r in replies)
        errors: Counter[str] = Counter()
        for reply in replies:
            errors.update(reply["errors"])
        latencies = [t for r in replies for t in r["latencies"]]
        last = max((r["last_done_at"] for r in replies if r["last_done_at"]), default=start_at)
        run.last_connected_at = max(
            (r["last_connected_at"] for r in replies if r["last_connected_at"]), default=None
        )
        return {
            "attendees": run.n,
            "joined": joined,
            "errors": dict(errors),
            "rate_asked": rate,
            "rate_achieved": round(joined / max(1e-9, last - start_at), 1),
            "latency_ms": quantiles(latencies),
            **phase.figures(run.n),
            "rss_per_attendee_kb": round(phase.rss_growth / max(1, joined) / 1024, 1),
        }


class Presence:
    """Everyone sees the head count reach N + 1 (the moderator is counted too).

    Presence is a coalesced tally pushed every 250 ms; the figure is how long after
    the last attendee's connection every attendee saw the full count, and what the
    pushes cost each attendee during the arrivals (from the join step's counts).
    """

    name = "presence"
    targets = BARAZA

    async def run(self, run: Run) -> dict[str, Any]:
        expect = run.n + 1
        replies = await run.crowds.each("presence", lambda _share: {"expect": expect, "within": 15})
        behind = sum(r["behind"] for r in replies)
        last = max((r["last_at"] for r in replies if r["last_at"]), default=None)
        join = run.figures.get("join", {})
        pushes = join.get("messages_by_event_per_attendee", {}).get("state", 0)
        return {
            "expected_count": expect,
            "attendees_behind": behind,
            "converged_after_last_connect_ms": (
                round((last - run.last_connected_at) * 1000, 1)
                if last and run.last_connected_at
                else None
            ),
            "pushes_per_attendee_during_join": pushes,
        }


class FanOut:
    """The moderator acts `--actions` times; each time, how long until the LAST attendee has it.

    Baraza: the moderator starts the next agenda item (`start_item`): one command,
    one transaction, two events (item_ended, item_started) to every audience; the
    clock stops when the last attendee receives item_started. Relays: the
    moderator sends two messages padded with `--relay-bytes`, which the server sends to
    all, so they carry as many messages and bytes as Baraza's two events.
    The next action waits until every attendee has this one (or `--deliver-within`
    runs out), then `--gap` seconds. Figures: the last-attendee latency per action,
    every single delivery's latency, misses, acknowledgement errors, and the cost.
    """

    name = "fanout"
    targets = BOTH

    async def run(self, run: Run) -> dict[str, Any]:
        actions: list[tuple[Any, float]] = []
        errors: Counter[str] = Counter()
        incomplete = 0
        async with run.phase("fanout") as phase:
            for number in range(run.options.actions):
                try:
                    key, sent_at = await run.moderator.act(number)
                except Exception as error:  # an error is a figure
                    errors[f"{type(error).__name__}: {error}"[:100]] += 1
                    continue
                actions.append((key, sent_at))
                if not await run.crowds.complete(key, run.options.deliver_within):
                    incomplete += 1
                await asyncio.sleep(run.options.gap)
        found = await run.crowds.deliveries([key for key, _ in actions])
        last, every, missed = [], [], 0
        for key, sent_at in actions:
            times, misses = found[key]
            missed += misses
            every += [t - sent_at for t in times]
            if times and not misses:
                last.append(max(times) - sent_at)
        return {
            "actions": len(actions),
            "errors": dict(errors),
            "incomplete_actions": incomplete,
            "missed_deliveries": missed,
            "last_attendee_ms": quantiles(last),
            "every_delivery_ms": quantiles(every),
            **phase.figures(run.n),
            "server_cpu_ms_per_action": round(phase.server_cpu / max(1, len(actions)) * 1000, 2),
        }


class Slot:
    """A step whose feature is on another branch: reports `not run`, never figures."""

    name = "slot"
    targets = BARAZA
    needs = ""

    async def run(self, run: Run) -> dict[str, Any]:
        reply = await run.moderator.probe(self.needs)
        exists = reply.get("error", {}).get("code") != "unknown_command"
        return {
            "status": "not run",
            "reason": (
                f"the server has `{self.needs}` but this step is not written yet"
                if exists
                else f"the server has no `{self.needs}` command yet"
            ),
        }


class AskAndUpvote(Slot):
    """SLOT — attendees ask and upvote, the moderator pins (fill in now questions are merged).

    Commands and events are those of docs/api.md, "The question queue". What it
    must do, on the crowd already seated by `Join`:
    1. The moderator sets `set_question_settings {"moderation": "post",
       "min_interval_seconds": 0}` (or approves with `approve_questions`), so
       questions are public and votable at once.
    2. `run.crowds.act("burst", ...)`: 10 % of attendees each send `ask_question`
       once, spread over 10 s; keep the question ids from the ok replies.
    3. `run.crowds.act("burst", ...)`: every attendee sends `vote_question
       {"question_id"}` for a few of those ids (payloads round-robin, never their
       own), spread over 10 s, 10 % of them twice (`repeat_share=0.1`): a repeat
       must be refused `already_voted`.
    4. The moderator sends `pin_question` a handful of times, each timed to the
       LAST attendee like `FanOut` (add "question_pinned" to TRACKED_EVENTS in
       bench/node/worker.js and a moderator action beside `act`).
    5. Count the vote rows in the database: exactly the distinct (question, voter)
       pairs acknowledged ok.
    Figures: questions and votes accepted per second (ok acks ÷ seconds from the
    first send to the last ack), ack latency p50/p95/p99, reply codes, rows
    expected and found, pin latency to the last attendee, `question_votes` state
    messages per attendee per second during the burst, and `phase.figures`.
    """

    name = "ask_and_upvote"
    needs = "ask_question"


class PollBurst(Slot):
    """SLOT — a poll opens, most attendees vote within ten seconds, the poll closes.

    Commands and events are those of docs/api.md, "Live polls". What it must do,
    on the crowd already seated by `Join`:
    1. The moderator sends `create_poll` (a `single` poll of 4 options) then
       `open_poll`, the latter timed to the LAST attendee like `FanOut` (add
       "poll_opened" and "poll_closed" to TRACKED_EVENTS in bench/node/worker.js).
    2. `run.crowds.act("burst", ...)`: 90 % of attendees send `cast_ballot
       {"poll_id", "answer"}` spread over 10 s, 10 % of them twice with the same
       answer (`repeat_share=0.1`): the repeat is acknowledged `changed: false`.
    3. The moderator sends `close_poll`, timed to the last attendee too.
    4. Count the ballot rows in the database: exactly one per voter.
    Figures: ballots accepted per second, each committed before its ack (target
    ≥ 1,000/s), ack latency p50/p95/p99, reply codes, rows expected and found,
    `poll_results` state messages per attendee per second during the burst (flat
    as N grows: the tallies are coalesced), server CPU per ballot, and
    `phase.figures`.
    """

    name = "poll_burst"
    needs = "cast_ballot"


class Leave:
    """Everyone disconnects; the server records each departure."""

    name = "leave"
    targets = BOTH

    async def run(self, run: Run) -> dict[str, Any]:
        async with run.phase("leave") as phase:
            replies = await run.crowds.each("leave", lambda _share: {}, timeout=120)
        return {
            "left": sum(r["left"] for r in replies),
            "seconds": round(max(r["seconds"] for r in replies), 2),
            "server_cpu_s": round(phase.server_cpu, 2),
        }


SCENARIO: list[Step] = [Join(), Presence(), FanOut(), AskAndUpvote(), PollBurst(), Leave()]


async def burst(crowd: Crowd, params: dict[str, Any]) -> dict[str, Any]:
    """Worker action: a share of attendees each send one command, spread over a window.

    params: `event` (the command), `payloads` (attendee k sends payloads[k % len]),
    `share` (0..1 of this process's attendees, chosen at random), `repeat_share`
    (0..1 of those who send it a second time, right after the first ack),
    `start_at` (monotonic) and `within` (seconds to spread the sends over).
    Returns the acks: ok count, error codes, latencies, replies of the ok ones,
    and the first send and last ack times.
    """
    rng = random.Random(params.get("seed", 0) + crowd.first_number)
    people = [a for a in crowd.connected if rng.random() < params["share"]]
    payloads = params["payloads"]
    codes: Counter[str] = Counter()
    latencies: list[float] = []
    replies: list[Any] = []
    first_sent: list[float] = []
    last_ack: list[float] = []

    async def send(attendee: Any, delay: float, times: int) -> None:
        await asyncio.sleep(max(0.0, params["start_at"] + delay - time.monotonic()))
        for _ in range(times):
            sent = time.monotonic()
            first_sent.append(sent)
            try:
                reply = await attendee.call(
                    params["event"], payloads[attendee.number % len(payloads)]
                )
            except Exception as error:  # a time-out is a figure
                codes[type(error).__name__] += 1
                continue
            last_ack.append(time.monotonic())
            latencies.append(last_ack[-1] - sent)
            if reply.get("ok"):
                codes["ok"] += 1
                replies.append(reply)
            else:
                codes[reply.get("error", {}).get("code", "?")] += 1

    await asyncio.gather(
        *(
            send(
                a,
                rng.uniform(0, params["within"]),
                2 if rng.random() < params["repeat_share"] else 1,
            )
            for a in people
        )
    )
    return {
        "senders": len(people),
        "codes": dict(codes),
        "latencies": latencies,
        "replies": replies,
        "first_sent": min(first_sent, default=None),
        "last_ack": max(last_ack, default=None),
    }


WORKER_ACTIONS: dict[str, Callable[[Crowd, dict[str, Any]], Awaitable[dict[str, Any]]]] = {
    "burst": burst,
}
