"""Connecting, catching up and leaving.

Who sends what: a client connects with `auth = {code, token?, since?, view?, sync?}`
(the participant token may come from the `bz_<code>` cookie instead); the server
puts it in its audience room and its own room. The client then sends `sync`
and receives a snapshot or the events it missed — or, with `sync: true` in its
auth, is sent that answer as a `synced` message with the connection, a round trip
sooner (what a phone on a slow link waits for most). `view: "present"` connects a
screen-sharing view with the public audience whatever its owner's role.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping
from functools import partial
from typing import Any, NoReturn, cast

from flask import current_app, request, session
from flask_socketio import ConnectionRefusedError as ConnectionRefused
from flask_socketio import emit, join_room
from socketio import Server as SocketIOServer

from server.core import commands, emitter, rooms
from server.core.access import COOKIE, Viewer, hash_token, identify, normalise_join_code
from server.core.errors import DomainError, Forbidden
from server.core.events import ATTENDEE
from server.core.runtime import Core, current_core
from server.core.socket import ClientEvent, socketio
from server.features.consultations import snapshots
from server.features.presence import service as presence
from server.features.presence.attendance import head_count_moved
from server.i18n import translate_error

log = logging.getLogger(__name__)

WORKER = f"{socket.gethostname()}:{os.getpid()}"


def current_sid() -> str:
    """The Socket.IO session id of the event being handled (Flask-SocketIO sets it)."""
    return cast(str, request.sid)  # type: ignore[attr-defined]


def current_viewer() -> Viewer | None:
    return session_viewer(session)


def session_viewer(connection: Mapping[str, Any]) -> Viewer | None:
    """Who a connection's session says it is (`on_connect` stores it)."""
    stored = connection.get("viewer")
    return Viewer(*stored) if stored else None


def credentials(auth: Any) -> tuple[Any, Any]:
    """The token a connection offers (its auth's, else the cookie of the consultation
    its `code` names) and that join code."""
    auth = auth if isinstance(auth, dict) else {}
    token = auth.get("token")
    code = auth.get("code")
    if token is None and isinstance(code, str) and len(code) <= 12:
        token = request.cookies.get(COOKIE.format(code=code.upper()))
    return token, code


def welcome_back(core: Core, digest: str, code: Any, auth: Any) -> Viewer | None:
    """The person back through the worker that holds their dropped connection, with the
    token it was opened with (`digest`, its hash), their row taken over and nothing read
    before (`presence.returning`): only for a connection that asks for its catch-up,
    whose read of the link's standing confirms it. None: the connection comes in as any."""
    if not (is_syncing(auth) and digest):
        return None
    try:
        join_code = None if code is None else normalise_join_code(code)
        return presence.returning(core, digest, join_code, current_sid(), WORKER)
    except DomainError:  # a code that is no code, the database away: the usual way answers
        return None


def is_present_view(auth: Any) -> bool:
    return isinstance(auth, dict) and auth.get("view") == "present"


def is_syncing(auth: Any) -> bool:
    """Whether the client asks for `sync`'s answer with the connection (`synced`)."""
    return isinstance(auth, dict) and auth.get("sync") is True


def refuse(error: DomainError) -> NoReturn:
    """Refuse a connection, telling the client why: `connect_error` with `data: {code, message}`."""
    message = translate_error(error)
    raise ConnectionRefused(message, {"code": error.code, "message": message})


@socketio.on("connect")  # type: ignore[untyped-decorator]
def on_connect(auth: Any = None) -> bool:
    """Anyone with a valid token: refuse the rest before they join any room."""
    core = current_core()
    token, code = credentials(auth)
    # What it is opened with, hashed: for it to take over a dropped connection opened
    # with the same, and for one to take it over when it drops.
    digest = hash_token(token) if isinstance(token, str) else ""
    returned = welcome_back(core, digest, code, auth)
    try:
        viewer = returned or identify(core, token, code)
    except DomainError as error:
        log.info("connection refused: %s", error.code)
        refuse(error)
    if is_present_view(auth):
        viewer = Viewer(viewer.consultation_id, viewer.participant_id, ATTENDEE)
    session["viewer"] = (viewer.consultation_id, viewer.participant_id, viewer.role)
    session["token"] = digest
    config = current_app.config["BARAZA"]
    session["rate"] = commands.RateLimit(config.command_rate, config.command_burst, core.timer)
    join_room(rooms.audience(viewer.consultation_id, viewer.role))
    join_room(rooms.person(viewer.participant_id))
    if is_present_view(auth):
        join_room(rooms.audience(viewer.consultation_id, rooms.PRESENT_VIEWS))
    synced = arrive(core, viewer, auth, took_over=returned is not None)
    # What this worker holds, so that it can record it in presence again if the
    # others forgot it (cluster.py, `rejoin`).
    core.held[current_sid()] = viewer
    if synced is not None:
        # Sent before Socket.IO's own CONNECT: the client holds it until `connect`.
        emit("synced", synced)
    return True


def arrive(core: Core, viewer: Viewer, auth: Any, took_over: bool) -> dict[str, Any] | None:
    """Record the connection in presence (unless it `took_over` its dropped row already);
    with `auth.sync`, `sync`'s answer to send with it.

    A person back through the worker that holds their dropped connection takes its
    row over (`presence.take_over`, `returning`); the catch-up sent with the connection
    reads the link's standing, so it is the takeover's confirmation too: one read
    fewer on the way back (docs/performance.md)."""
    sid = current_sid()
    since = auth.get("since") if isinstance(auth, dict) else None
    syncing = is_syncing(auth)
    try:
        if took_over or (syncing and presence.take_over(core, viewer, sid, WORKER)):
            return caught_up_or_leave(core, viewer, sid, since)
        arrived = presence.arrive(core, viewer, sid, WORKER)
    except Forbidden as error:  # its link revoked since it was authenticated
        log.info("connection refused on arrival: %s", error.code)
        refuse(error)
    except DomainError:  # the database away: serve it; a page refused would not retry
        log.warning("presence not recorded for %s", sid)
    else:
        emitter.publish(core, arrived)
        if arrived:  # someone new is here: the head count changed
            head_count_moved(core, viewer.consultation_id)
    return state_since(core, viewer, since) if syncing else None


def caught_up_or_leave(core: Core, viewer: Viewer, sid: str, since: Any) -> dict[str, Any]:
    """`sync`'s answer after a takeover; a viewer whose link fell meanwhile is forgotten
    and refused (`Forbidden` raised), as `presence.arrive` does."""
    try:
        answer = presence.after_takeover(core, sid, partial(state, core, viewer, since))
    except Forbidden:  # `arrive` refuses the connection
        raise
    except DomainError as error:  # the database away: answered, as `sync` is
        return commands.failure(error, translate_error)
    return {"ok": True, **answer}


# Why a connection ended, when nobody ended it on purpose (Socket.IO's reasons).
DROPPED = frozenset(
    {
        SocketIOServer.reason.TRANSPORT_CLOSE,
        SocketIOServer.reason.TRANSPORT_ERROR,
        SocketIOServer.reason.PING_TIMEOUT,
    }
)


@socketio.on("disconnect")  # type: ignore[untyped-decorator]
def on_disconnect(reason: str = "") -> None:
    """A connection that dropped may come back within seconds: presence holds it for
    its grace. One the client or the server closed on purpose is forgotten at once."""
    core = current_core()
    viewer = core.held.pop(current_sid(), None) or current_viewer()
    if viewer is None:  # refused on connecting: nothing was recorded
        return
    try:
        if reason in DROPPED:
            consultation_id, events = presence.close(
                core, current_sid(), viewer, session.get("token", "")
            )
        else:
            consultation_id, events = presence.leave(core, current_sid())
    except DomainError:
        log.warning("departure not recorded for %s", current_sid())
        return
    emitter.publish(core, events)
    if consultation_id is not None:
        head_count_moved(core, consultation_id)


def drop_revoked(core: Core, consultation_id: int) -> None:
    """Close, on whichever worker holds it, every connection of `consultation_id` made
    with a staff link revoked since (Socket.IO's message queue carries the request)."""
    for sid in presence.revoked_connections(core, consultation_id=consultation_id):
        socketio.server.disconnect(sid, namespace="/")


# Links revoked from the command line (`new-links`) reach no worker directly: each
# worker looks for its own connections made with a revoked link this often.
REVOCATION_SWEEP_SECONDS = 2.0


def sweep_revoked(core: Core) -> None:
    """Forever: close this worker's connections whose staff link was revoked."""
    while True:
        socketio.sleep(REVOCATION_SWEEP_SECONDS)
        try:
            for sid in presence.revoked_connections(core, worker=WORKER):
                socketio.server.disconnect(sid, namespace="/", ignore_queue=True)
        except Exception:  # the database away: look again next time
            log.exception("revocation sweep failed")


def sync(
    core: Core,
    viewer: Viewer,
    payload: Any,
    translate: commands.Translate,
    rate: commands.RateLimit | None,
) -> dict[str, Any]:
    """A client asks for its state: `{since}` replays what it missed, else a snapshot."""
    try:
        commands.check_rate(rate)
        payload = commands.payload_object(payload)
    except DomainError as error:
        return commands.failure(error, translate)
    return state_since(core, viewer, payload.get("since"), translate)


def state_since(
    core: Core, viewer: Viewer, since: Any, translate: commands.Translate = translate_error
) -> dict[str, Any]:
    """`sync`'s answer: the events after `since` (a seq) when given, else a snapshot;
    refused to a viewer whose link was revoked since it connected (both read it)."""
    try:
        return {"ok": True, **state(core, viewer, since)}
    except DomainError as error:
        return commands.failure(error, translate)


def state(core: Core, viewer: Viewer, since: Any) -> dict[str, Any]:
    """What `sync` answers besides `ok`; raises what refuses it."""
    if isinstance(since, int) and not isinstance(since, bool) and since >= 0:
        return snapshots.catch_up(core, viewer, since)
    return {"snapshot": snapshots.snapshot(core, viewer)}


@socketio.on_client_event
def on_command(event: ClientEvent, name: str, payload: Any = None) -> dict[str, Any]:
    """Every other event, `sync` or a command from the registry (see docs/api.md), is run
    without a request context: its error, if any, said in the connection's language."""
    core: Core = event.app.extensions["baraza"]
    connection = event.session
    translate = event.with_request(translate_error)
    viewer = session_viewer(connection)
    if name == "sync" and viewer is not None:
        return sync(core, viewer, payload, translate, connection.get("rate"))
    return commands.run(core, viewer, name, payload, translate, connection.get("rate"))
