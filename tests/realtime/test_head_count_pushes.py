"""The head count (`present`), pushed as a coalesced count: the people running the
meeting and the present view see it move within a second, attendees every five
seconds, as each push goes to the whole room (docs/performance.md, step 106)."""

from server.core import tallies

# Ticks of the quarter-second tally interval: a second, and five.
A_SECOND, FIVE_SECONDS = 4, 20


def pushes(client):
    """The `state` pushes `client` was sent since last asked."""
    return [m["args"][0] for m in client.get_received() if m["name"] == "state"]


def test_presence_is_pushed_as_a_coalesced_count(app, socket_client, app_consultation):
    c = app_consultation
    watcher = socket_client(c.join_with_token()[1])
    for _ in range(3):
        socket_client(c.join_with_token()[1])
    watcher.get_received()
    assert tallies.flush(app.extensions["baraza"]) >= 1
    assert pushes(watcher) == [{"name": "present", "data": {"present": 4}}]


def test_staff_and_the_screen_hear_the_count_each_second_and_attendees_every_five_seconds(
    app, socket_client, app_consultation
):
    c = app_consultation
    core = app.extensions["baraza"]
    moderator = socket_client(c.moderator_token)
    screen = socket_client(c.moderator_token, view="present")  # the same person: counted once
    attendee = socket_client(c.join_with_token()[1])
    tallies.flush(core)
    for client in (moderator, screen, attendee):
        client.get_received()

    socket_client(c.join_with_token()[1])
    three = {"name": "present", "data": {"present": 3}}
    tallies.flush(core, tick=10 * FIVE_SECONDS + A_SECOND)
    assert pushes(moderator) == [three]
    assert pushes(screen) == [three]
    assert pushes(attendee) == []

    tallies.flush(core, tick=11 * FIVE_SECONDS)  # nothing lost: the attendees' turn
    assert pushes(attendee) == [three]
    assert pushes(moderator) == []
