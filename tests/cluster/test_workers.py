"""Several workers, one consultation: everyone sees the same thing whichever worker they use."""

from __future__ import annotations

import threading
import uuid
from functools import partial

import pytest
from sqlalchemy import func, select

from server.core.models import Event
from tests.threads import together

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture(scope="module")
def cluster(start_cluster):
    return start_cluster(workers=2, TALLY_INTERVAL="1.0")


def logged_seqs(cluster, consultation, *, after: int, public_only: bool) -> list[int]:
    with cluster.core.store.reading() as tx:
        query = select(Event.seq).where(Event.consultation_id == consultation.id, Event.seq > after)
        if public_only:
            query = query.where(Event.visibility == "public")
        return list(tx.scalars(query.order_by(Event.seq)))


def test_an_attendee_on_one_worker_sees_a_moderator_on_another(cluster):
    c = cluster.consultation()
    attendee = cluster.follow(0, cluster.join(c, "Amina"))
    moderator = cluster.follow(1, c.moderator_token)
    assert attendee.url != moderator.url
    ack = moderator.call("start_item", {"item_id": c.item_ids()[0]})
    assert ack == {"ok": True}
    attendee.wait_until(lambda: "item_started" in attendee.types())
    assert attendee.types()[-2:] == ["consultation_started", "item_started"]
    assert attendee.resyncs == 0


def test_concurrent_commands_on_both_workers_keep_one_gap_free_order(cluster):
    c = cluster.consultation()
    first_item = c.item_ids()[0]
    watchers = [
        cluster.follow(0, cluster.join(c, "Watcher A")),
        cluster.follow(1, cluster.join(c, "Watcher B")),
    ]
    staff = [cluster.follow(0, c.moderator_token), cluster.follow(1, c.moderator_token)]
    start_seq, _ = cluster.last_seqs(c)

    def extend(moderator):
        return [
            moderator.call("extend_item", {"item_id": first_item, "minutes": 1}) for _ in range(15)
        ]

    acks = together([partial(extend, moderator) for moderator in staff])
    assert acks == [[{"ok": True}] * 15] * len(staff)

    last_seq, last_public = cluster.last_seqs(c)
    everything = logged_seqs(cluster, c, after=0, public_only=False)
    assert everything == list(range(1, last_seq + 1))  # gap-free in the log
    for moderator in staff:
        moderator.wait_for_seq(last_seq)
        applied = [e["seq"] for e in moderator.applied if e["seq"] > start_seq]
        assert applied == logged_seqs(cluster, c, after=start_seq, public_only=False)
    for watcher in watchers:
        watcher.wait_for_seq(last_public)
        extended = [e for e in watcher.applied if e["type"] == "item_extended"]
        assert [e["data"]["extra_seconds"] for e in extended] == [60 * n for n in range(1, 31)]
    print(f"resyncs after out-of-order delivery: {[f.resyncs for f in staff + watchers]}")


def presence_pushes(follower):
    """The `present` counts the follower was pushed, each with when it came."""
    return [(at, s["data"]["present"]) for at, s in follower.states if s["name"] == "present"]


def test_a_coalesced_count_is_pushed_once_per_tick_not_once_per_worker(cluster):
    c = cluster.consultation()
    watcher = cluster.follow(0, cluster.join(c, "Watcher"))
    tokens = [cluster.join(c, f"Person {n}") for n in range(8)]
    latecomer = cluster.join(c, "Latecomer")
    watcher.wait_until(lambda: 1 in [n for _, n in presence_pushes(watcher)])  # its own arrival
    watcher.states.clear()

    def arrive(n):
        cluster.follow(n % 2, tokens[n])

    threads = [threading.Thread(target=arrive, args=(n,)) for n in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    watcher.wait_until(lambda: 9 in [n for _, n in presence_pushes(watcher)])
    # Every push goes through one Redis channel, in the order published: once the push
    # of a later tick is here, a second push of the same tick would be here too.
    cluster.follow(1, latecomer)
    watcher.wait_until(lambda: 10 in [n for _, n in presence_pushes(watcher)])
    pushes = presence_pushes(watcher)
    assert [n for _, n in pushes][-2:] == [9, 10]
    gaps = [later - earlier for (earlier, _), (later, _) in zip(pushes, pushes[1:], strict=False)]
    assert all(gap > 0.5 for gap in gaps), f"two pushes in one tick: {pushes}"


def test_no_token_reaches_the_workers_logs(cluster):
    logs = cluster.logs()
    assert "baraza.test" in logs  # the logs are the workers' own
    for follower in cluster.followers:
        assert follower.token not in logs


def test_a_command_sent_through_both_workers_at_once_takes_effect_once(cluster):
    c = cluster.consultation()
    staff = [cluster.follow(0, c.moderator_token), cluster.follow(1, c.moderator_token)]
    payload = {"title": "Any other business", "minutes": 5, "command_id": uuid.uuid4().hex}
    acks = together([partial(moderator.call, "add_item", payload) for moderator in staff])
    assert acks == [{"ok": True}, {"ok": True}]
    last_seq, _ = cluster.last_seqs(c)
    staff[0].wait_for_seq(last_seq)
    assert staff[0].types().count("item_added") == 1
    with cluster.core.store.reading() as tx:
        added = tx.scalar(
            select(func.count())
            .select_from(Event)
            .where(Event.consultation_id == c.id, Event.type == "item_added")
        )
    assert added == 1


def test_concurrent_votes_on_both_workers_give_exact_tallies_pushed_once_per_tick(cluster):
    c = cluster.consultation()
    moderator = cluster.follow(1, c.moderator_token)
    poll = {"type": "single", "question": "Ratify?", "options": ["Yes", "No"], "open": True}
    poll_id = moderator.call("create_poll", poll)["poll_id"]
    watchers = [cluster.follow(n, cluster.join(c, f"Watcher {n}")) for n in (0, 1)]
    voters = [cluster.follow(n % 2, cluster.join(c, f"Voter {n}")) for n in range(16)]
    latecomer = cluster.follow(1, cluster.join(c, "Late voter"))
    for watcher in watchers:
        watcher.states.clear()
    acks: list[dict] = []

    def vote(n: int) -> None:
        acks.append(voters[n].call("cast_ballot", {"poll_id": poll_id, "answer": n % 3 and 1}))
        # ...and changes their mind at once (allowed): still one ballot each
        acks.append(voters[n].call("cast_ballot", {"poll_id": poll_id, "answer": n % 3 and 0}))

    raised = together([partial(vote, n) for n in range(len(voters))])
    assert raised == [None] * len(voters)
    assert all(ack["ok"] for ack in acks)
    expected = [len(voters), 0]  # everyone ends on "Yes"

    def results(watcher):
        pushes = [(at, s["data"]) for at, s in watcher.states if s["name"] == "poll_results"]
        return [(at, data) for at, data in pushes if data["poll_id"] == poll_id]

    for watcher in watchers:
        watcher.wait_until(
            lambda w=watcher: (
                bool(results(w)) and [r["value"] for r in results(w)[-1][1]["rows"]] == expected
            )
        )
    # A later tick's push: once it is here, a second push of an earlier tick would be too.
    assert latecomer.call("cast_ballot", {"poll_id": poll_id, "answer": 0})["ok"] is True
    for watcher in watchers:
        watcher.wait_until(lambda w=watcher: results(w)[-1][1]["voters"] == len(voters) + 1)
    for watcher in watchers:
        pushes = results(watcher)
        assert pushes[-2][1]["voters"] == len(voters)
        gaps = [b - a for (a, _), (b, _) in zip(pushes, pushes[1:], strict=False)]
        assert all(gap > 0.5 for gap in gaps), f"two pushes in one tick: {pushes}"
    closed = moderator.call("close_poll", {"poll_id": poll_id})
    assert closed == {"ok": True}


def test_attendees_asking_through_both_workers_reach_every_watcher_in_order(cluster):
    """Each worker holds its attendees' events for the pacing window and delivers its own
    at once, the other's through Redis: two workers logging at once reached a watcher as
    [10, 12] then [11, 13]. Every attendee then saw a gap and asked for a catch-up: 2,000
    at a time in an ask burst (docs/performance.md, step 89). Each worker now delivers
    an audience's events in the order their `prev` chains them."""
    c = cluster.consultation()
    moderator = cluster.follow(0, c.moderator_token)
    settings = {"moderation": "post", "min_interval_seconds": 0}
    assert moderator.call("set_question_settings", settings)["ok"]
    watchers = [cluster.follow(w, cluster.join(c, f"Watcher {w}")) for w in (0, 1)]
    askers = [cluster.follow(w, cluster.join(c, f"Asker {w}{n}")) for w in (0, 1) for n in (0, 1)]

    def ask(asker):
        return [
            asker.call("ask_question", {"text": f"Question {n} from {asker.url}?"})["ok"]
            for n in range(8)
        ]

    assert together([partial(ask, asker) for asker in askers]) == [[True] * 8] * len(askers)

    _, last_public = cluster.last_seqs(c)
    asked = [s for s in logged_seqs(cluster, c, after=0, public_only=True)]
    for watcher in watchers:
        watcher.wait_for_seq(last_public)
        assert [e["seq"] for e in watcher.applied if e["seq"] > watcher.start_seq] == [
            s for s in asked if s > watcher.start_seq
        ]
        assert sum(e["type"] == "question_asked" for e in watcher.applied) == 32
    assert [watcher.resyncs for watcher in watchers] == [0, 0]
