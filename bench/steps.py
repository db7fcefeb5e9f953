"""The scenario, step by step: what the crowd and the moderator do, and what is measured.

A step is an object with a `name`, the `targets` it applies to ("baraza", or
"relay" for the bare baselines) and `async run(run) -> dict` of figures; the
coordinator runs `SCENARIO` in order and files each step's figures under its
name. Work an attendee does inside a load-generator process is a *worker
action*, registered in `WORKER_ACTIONS` and started with `run.crowds.act(...)`.

Inside a step, `async with run.phase(name) as phase:` measures the server's CPU
and memory, the load generators' CPU, the rest of the machine, and the messages
and bytes attendees received during the block (`phase.figures`). `Timed` times
moderator actions to the last attendee; `send_burst` has a share of the crowd
send a few commands each (worker action `burst`) and gathers the acknowledgements.
The coordinator also reads the server's database (`run.votes_for`,
`run.ballots_in`), to check that what was acknowledged was written.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .coordinator import Phase, Run
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

    Presence is a coalesced tally, pushed to attendees at most every 5 s (step 106 of
    the third round; once a second before it); the figure is how long after
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
        pushes = join.get("messages_by_event_per_attendee", {}).get("state:present", 0)
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


class Timed:
    """Moderator actions timed to the LAST attendee, one after another.

    Each action waits until every attendee has its tracked event (or
    `--deliver-within` runs out), then `--gap` seconds; `figures` then asks the
    generators for every arrival. `FanOut` times agenda moves this way, the
    question and poll steps their pins, openings and closings.
    """

    def __init__(self, run: Run) -> None:
        self.run = run
        self.sent: list[tuple[Any, float]] = []
        self.errors: Counter[str] = Counter()
        self.incomplete = 0

    async def act(self, action: Awaitable[tuple[Any, float]]) -> None:
        """Await `action` (its event's key and when it was sent) and its last delivery."""
        try:
            key, sent_at = await action
        except Exception as error:  # an error is a figure
            self.errors[f"{type(error).__name__}: {error}"[:100]] += 1
            return
        self.sent.append((key, sent_at))
        if not await self.run.crowds.complete(key, self.run.options.deliver_within):
            self.incomplete += 1
        await asyncio.sleep(self.run.options.gap)

    async def figures(self) -> dict[str, Any]:
        found = await self.run.crowds.deliveries([key for key, _ in self.sent])
        last, every = [], []
        for key, sent_at in self.sent:
            times = found[key].times
            every += [t - sent_at for t in times]
            if times and not found[key].missed:
                last.append(max(times) - sent_at)
        delivered = list(found.values())
        told = all(d.never is not None for d in delivered)
        return {
            "actions": len(self.sent),
            "errors": dict(self.errors),
            "incomplete_actions": self.incomplete,
            "missed_deliveries": sum(d.missed for d in delivered),
            # Of those missed live: had it by the end all the same, and had not reached it
            # (None where the generator does not tell).
            "caught_up_deliveries": sum(d.caught_up or 0 for d in delivered) if told else None,
            "never_delivered": sum(d.never or 0 for d in delivered) if told else None,
            "last_attendee_ms": quantiles(last),
            "every_delivery_ms": quantiles(every),
        }


class FanOut:
    """The moderator acts `--actions` times; each time, how long until the LAST attendee has it.

    Baraza: the moderator starts the next agenda item (`start_item`): one command,
    one transaction, two events (item_ended, item_started), one `events` message to
    every audience; the clock stops when the last attendee receives item_started.
    Relays: the moderator sends one message padded with `--relay-bytes`, which the
    server sends to all, so it carries as many messages and bytes as Baraza's.
    The next action waits until every attendee has this one (or `--deliver-within`
    runs out), then `--gap` seconds. Figures: the last-attendee latency per action,
    every single delivery's latency, misses, acknowledgement errors, and the cost.
    """

    name = "fanout"
    targets = BOTH

    async def run(self, run: Run) -> dict[str, Any]:
        timed = Timed(run)
        async with run.phase("fanout") as phase:
            for number in range(run.options.actions):
                await timed.act(run.moderator.act(number))
        figures = await timed.figures()
        return {
            **figures,
            **phase.figures(run.n),
            "server_cpu_ms_per_action": round(
                phase.server_cpu / max(1, figures["actions"]) * 1000, 2
            ),
        }


class Acks:
    """The acknowledgements of one burst, gathered from every load generator."""

    def __init__(self, replies: list[dict[str, Any]], within: float) -> None:
        self.within = within
        self.codes: Counter[str] = Counter()
        for reply in replies:
            self.codes.update(reply["codes"])
        self.senders = sum(r["senders"] for r in replies)
        self.repeated = sum(r["repeated"] for r in replies)
        self.latencies = [t for r in replies for t in r["latencies"]]
        # (attendee number, reply) of every command acknowledged ok.
        self.accepted: list[tuple[int, dict[str, Any]]] = [
            (ok["attendee"], ok["reply"]) for r in replies for ok in r["replies"]
        ]
        starts = [r["first_sent"] for r in replies if r["first_sent"] is not None]
        ends = [r["last_ack"] for r in replies if r["last_ack"] is not None]
        self.seconds = max(ends) - min(starts) if starts and ends else None
        # The slowest generator's event-loop delay (Node's only): how late it may read an ack.
        lags = [r["lag_ms"] for r in replies if "lag_ms" in r]
        self.generator_lag_ms = (
            {key: round(max(lag[key] for lag in lags), 1) for key in ("p99", "max")}
            if lags
            else None
        )

    def figures(self) -> dict[str, Any]:
        """Accepted per second: ok acks ÷ seconds from the first send to the last ack."""
        sent = sum(self.codes.values())
        return {
            "senders": self.senders,
            "sent": sent,
            "repeated": self.repeated,
            "codes": dict(self.codes),
            "offered_per_s": round(sent / self.within, 1),
            "accepted_per_s": (
                round(len(self.accepted) / self.seconds, 1) if self.seconds else None
            ),
            "ack_ms": quantiles(self.latencies),
            "generator_lag_ms": self.generator_lag_ms,
        }


async def send_burst(
    run: Run,
    event: str,
    payloads: list[list[dict[str, Any]]],
    share: float,
    repeat_share: float = 0.0,
) -> Acks:
    """Worker action `burst` in every generator, over `--burst-seconds` from half a second on."""
    within = run.options.burst_seconds
    params = {
        "event": event,
        "payloads": payloads,
        "share": share,
        "repeat_share": repeat_share,
        "start_at": time.monotonic() + 0.5,
        "within": within,
    }
    return Acks(await run.crowds.act("burst", params, timeout=within + 120), within)


def costs(phase: Phase, attendees: int, accepted: int, state: str | None = None) -> dict[str, Any]:
    """A burst's cost: CPU per accepted command, `state` pushes per second, the phase's figures."""
    pushes = {f"{state}_per_attendee_per_s": phase.rate_of(f"state:{state}", attendees)}
    return {
        **(pushes if state else {}),
        "server_cpu_ms_per_accepted": round(phase.server_cpu / max(1, accepted) * 1000, 3),
        **phase.figures(attendees),
    }


VOTES_EACH = 3  # questions each attendee upvotes
PINS = 5  # questions the moderator pins, one after another
REPEATERS = 0.1  # the share of senders who send each command twice


def vote_plan(questions: list[tuple[int, int]], attendees: int) -> list[list[dict[str, Any]]]:
    """What attendee k upvotes: VOTES_EACH questions round-robin from the k-th, never their own.

    `questions` are (question id, number of the attendee who asked it). Every
    attendee's list is its own payloads, so the generators need no ids of people.
    """
    plan: list[list[dict[str, Any]]] = []
    for number in range(attendees):
        chosen: list[dict[str, Any]] = []
        for turn in range(len(questions)):
            question_id, asker = questions[(number + turn) % len(questions)]
            if asker != number:
                chosen.append({"question_id": question_id})
            if len(chosen) == VOTES_EACH:
                break
        plan.append(chosen)
    return plan


class AskAndUpvote:
    """Attendees ask and upvote, the moderator pins.

    Commands and events are those of docs/api.md, "The question queue". On the
    crowd already seated by `Join`:
    1. The moderator sets `set_question_settings {"moderation": "post",
       "min_interval_seconds": 0}`, so questions are public and votable at once.
    2. `burst`: `--askers` (10 %) of attendees each send `ask_question` once, spread over
       `--burst-seconds` (10); the ids come from the ok replies. Post-moderated,
       each question is a `question_asked` event to everyone.
    3. `burst`: every attendee sends `vote_question {"question_id"}` for three
       of those questions (round-robin, never their own), 10 % of them each
       twice (`repeat_share`): a repeat must be refused `already_voted`.
    4. The moderator sends `pin_question` five times, each timed to the LAST
       attendee like `FanOut` (`question_pinned` is a tracked event).
    5. The vote rows in the database must be exactly the distinct (question,
       voter) pairs acknowledged ok.
    Each attendee sends at most 1 + 2 × 3 commands: well within the
    per-connection burst of `COMMAND_BURST` (30); askers ask once, within
    `max_per_person` (20).
    Figures, under `ask`, `vote` and `pin`: commands accepted per second (ok
    acks ÷ seconds from the first send to the last ack), ack latency, reply
    codes, rows expected and found, repeats refused, pin latency to the last
    attendee, `question_votes` state messages per attendee per second during
    each burst, and each burst's costs (`phase.figures`).
    """

    name = "ask_and_upvote"
    targets = BARAZA

    async def run(self, run: Run) -> dict[str, Any]:
        chair = run.chair
        await chair.command(
            "set_question_settings", {"moderation": "post", "min_interval_seconds": 0}
        )
        texts = [[{"text": f"Question {k}: how will the treaty be applied?"}] for k in range(10)]
        async with run.phase("ask") as asking:
            asked = await send_burst(run, "ask_question", texts, share=run.options.askers)
        questions = [(reply["question"]["id"], asker) for asker, reply in asked.accepted]
        if not questions:
            return {"status": "failed: no question was accepted", "ask": asked.figures()}
        async with run.phase("upvote") as voting:
            voted = await send_burst(
                run,
                "vote_question",
                vote_plan(questions, run.n),
                share=1.0,
                repeat_share=REPEATERS,
            )
        pairs = {(reply["question_id"], voter) for voter, reply in voted.accepted}
        found = await run.votes_for([question_id for question_id, _ in questions])
        pins = Timed(run)
        for question_id, _ in questions[:PINS]:
            await pins.act(
                chair.act_and_wait(
                    "pin_question",
                    {"question_id": question_id},
                    "question_pinned",
                    partial(_is_question, question_id),
                )
            )
        return {
            "questions": len(questions),
            "ask": {
                **asked.figures(),
                **costs(asking, run.n, len(asked.accepted)),
            },
            "vote": {
                **voted.figures(),
                "rows_expected": len(pairs),
                "rows_found": found,
                "repeats_refused": voted.codes.get("already_voted", 0),
                **costs(voting, run.n, len(voted.accepted), "question_votes"),
            },
            "pin": await pins.figures(),
        }


OPTIONS = ["Training", "Shared evidence", "Joint investigations", "Legislation"]
POLL = {
    "type": "single",
    "question": "Which measure matters most to your organisation?",
    "options": OPTIONS,
    "visibility": "live",
}


class PollBurst:
    """A poll opens, most attendees vote within ten seconds, the poll closes.

    Commands and events are those of docs/api.md, "Live polls". On the crowd
    already seated by `Join` (`FanOut` left an agenda item running):
    1. The moderator sends `create_poll` (a `single` poll of 4 options, results
       `live`) then `open_poll`, timed to the LAST attendee like `FanOut`
       (`poll_opened` and `poll_closed` are tracked events).
    2. `burst`: 90 % of attendees send `cast_ballot {"poll_id", "answer"}`
       (attendee k option k mod 4) spread over `--burst-seconds` (10), 10 % of
       them twice with the same answer (`repeat_share`): the repeat is
       acknowledged ok with `changed: false`, as every first ballot is.
    3. The moderator sends `close_poll`, timed to the last attendee too.
    4. The ballot rows in the database must be exactly one per voter
       acknowledged ok.
    Figures, under `open`, `ballot` and `close`: ballots accepted per second
    (each committed before its ack; target ≥ 1,000/s), ack latency, reply
    codes, acks that said `changed: true` (none expected), rows expected and
    found, `poll_results` state messages per attendee per second during the
    burst (flat as N grows: the tallies are coalesced), server CPU per ballot,
    the burst's costs (`phase.figures`), and the opening's and closing's latency
    to the last attendee.
    """

    name = "poll_burst"
    targets = BOTH

    async def run(self, run: Run) -> dict[str, Any]:
        if run.server.kind != "baraza":
            return await self.baseline(run)
        chair = run.chair
        poll_id = (await chair.command("create_poll", POLL))["poll_id"]
        opening, closing = Timed(run), Timed(run)
        await opening.act(
            chair.act_and_wait(
                "open_poll", {"poll_id": poll_id}, "poll_opened", lambda data: data["id"] == poll_id
            )
        )
        answers = [[{"poll_id": poll_id, "answer": option}] for option in range(len(OPTIONS))]
        async with run.phase("poll_burst") as phase:
            cast = await send_burst(run, "cast_ballot", answers, share=0.9, repeat_share=REPEATERS)
        voters = {voter for voter, _ in cast.accepted}
        found = await run.ballots_in(poll_id)
        await closing.act(
            chair.act_and_wait(
                "close_poll",
                {"poll_id": poll_id},
                "poll_closed",
                lambda data: data["poll"]["id"] == poll_id,
            )
        )
        return {
            "poll_id": poll_id,
            "open": await opening.figures(),
            "ballot": {
                **cast.figures(),
                "changed_true": sum(1 for _, reply in cast.accepted if reply.get("changed")),
                "rows_expected": len(voters),
                "rows_found": found,
                **costs(phase, run.n, len(cast.accepted), "poll_results"),
            },
            "close": await closing.figures(),
        }

    async def baseline(self, run: Run) -> dict[str, Any]:
        """The relays: the same burst of acknowledged messages, answered `{"ok": true}` at once.

        What the transport alone does per acknowledged command, with no database,
        rules or log: the ceiling Baraza's ballots per second are read against.
        """
        answers = [[{"answer": option}] for option in range(len(OPTIONS))]
        async with run.phase("poll_burst") as phase:
            acked = await send_burst(run, "ballot", answers, share=0.9, repeat_share=REPEATERS)
        return {"ballot": {**acked.figures(), **costs(phase, run.n, len(acked.accepted))}}


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
    """Worker action: a share of attendees send a few commands each, spread over a window.

    params: `event` (the command); `payloads`: attendee k sends each payload of
    `payloads[k % len]` in turn, each after the previous one's ack; `share` (0..1
    of this process's attendees, chosen at random); `repeat_share` (0..1 of those
    who send each payload twice, the second right after the first's ack);
    `start_at` (monotonic) and `within` (seconds to spread the first sends over).
    Returns the acks: codes, latencies, the ok replies with the number of the
    attendee who had each, how many sends were repeats, the first send and the
    last ack times.
    """
    rng = random.Random(params.get("seed", 0) + crowd.first_number)
    people = [a for a in crowd.connected if rng.random() < params["share"]]
    payloads = params["payloads"]
    codes: Counter[str] = Counter()
    latencies: list[float] = []
    replies: list[dict[str, Any]] = []
    first_sent: list[float] = []
    last_ack: list[float] = []
    repeated = 0

    async def send_one(attendee: Any, payload: dict[str, Any]) -> None:
        sent = time.monotonic()
        first_sent.append(sent)
        try:
            reply = await attendee.call(params["event"], crowd.target.command(payload))
        except Exception as error:  # a time-out is a figure
            codes[type(error).__name__] += 1
            return
        last_ack.append(time.monotonic())
        latencies.append(last_ack[-1] - sent)
        if reply.get("ok"):
            codes["ok"] += 1
            replies.append({"attendee": attendee.number, "reply": reply})
        else:
            codes[reply.get("error", {}).get("code", "?")] += 1

    async def send(attendee: Any, delay: float, times: int) -> None:
        nonlocal repeated
        await asyncio.sleep(max(0.0, params["start_at"] + delay - time.monotonic()))
        for payload in payloads[attendee.number % len(payloads)]:
            for _ in range(times):
                await send_one(attendee, payload)
            repeated += times - 1

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
        "repeated": repeated,
        "codes": dict(codes),
        "latencies": latencies,
        "replies": replies,
        "first_sent": min(first_sent, default=None),
        "last_ack": max(last_ack, default=None),
    }


WORKER_ACTIONS: dict[str, Callable[[Crowd, dict[str, Any]], Awaitable[dict[str, Any]]]] = {
    "burst": burst,
}


def _is_question(question_id: int, data: Any) -> bool:
    """Whether an event's `question` is the one asked for."""
    return bool(data["question"]["id"] == question_id)
