"""Coalesced tallies: each topic goes out at most once per its own interval."""

from server.core import tallies


def test_a_topic_waits_its_interval_between_pushes_and_loses_no_change(app, monkeypatch):
    for name in ("_renderers", "_every"):
        monkeypatch.setattr(tallies, name, dict(getattr(tallies, name)))
    monkeypatch.setattr(tallies, "dirty", tallies.DirtySet())
    pushed = []
    monkeypatch.setattr(
        tallies.emitter, "push_state", lambda cid, _roles, name, data: pushed.append((cid, data))
    )

    @tallies.topic("slow-count", every=1.0)
    def render(_core, _consultation_id, keys):
        return [tallies.Push(("attendee",), "slow-count", sorted(keys))]

    core = app.extensions["baraza"]
    tallies.mark(7, "slow-count", "a")
    assert tallies.flush(core, tick=400) == 1  # every 1 s = every 4th quarter-second tick
    tallies.mark(7, "slow-count", "b")
    assert tallies.flush(core, tick=402) == 0
    tallies.mark(7, "slow-count", "c")
    assert tallies.flush(core, tick=404) == 1
    assert pushed == [(7, ["a"]), (7, ["b", "c"])]
