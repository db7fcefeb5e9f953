"""Event names the server keeps for itself are never handlers of client events.

`connect` and `disconnect` are what the server runs when a connection opens or
closes; a client sending an event of that name is sending an unknown command.
"""

import pytest


def present(client) -> int:
    return client.emit("sync", {}, callback=True)["snapshot"]["present"]


@pytest.mark.parametrize("name", ["connect", "disconnect", "connect_error"])
def test_a_client_event_named_like_a_lifecycle_event_is_an_unknown_command(
    socket_client, app_consultation, name
):
    c = app_consultation
    watcher = socket_client(c.moderator_token)
    attendee = socket_client(c.join_with_token(display_name="Sly")[1])
    assert present(watcher) == 2

    ack = attendee.emit(name, {}, callback=True)

    assert ack["ok"] is False and ack["error"]["code"] == "unknown_command"
    assert attendee.is_connected()
    assert present(watcher) == 2  # still counted, once
    assert attendee.emit("sync", {}, callback=True)["ok"] is True
