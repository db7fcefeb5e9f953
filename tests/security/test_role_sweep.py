"""Every command and every endpoint, tried by every role: nobody does what their role may not.

The cases come from the registry (`COMMANDS`) and the URL map, so a feature's new
command or endpoint is swept as soon as it exists — and the sweep fails until the
feature says below who may use it:

- `COMMANDS_ALLOWED`: command -> (roles that may run it, a payload that succeeds
  for them). The sweep runs the payload as each allowed role (it must succeed,
  which shows the payload is a real one) and as every other role, over Socket.IO
  and over HTTP: each must be refused — never `ok`, never `internal_error` — and
  leave the database exactly as it was.
- `ENDPOINTS_ALLOWED`: (method, URL rule) -> roles that get a 2xx answer.
- `PAGES_ALLOWED`: page endpoint -> roles that see the page (others are sent
  elsewhere or refused).

Roles: the three of docs/api.md, `none` (no token) and `other` (a moderator of
another consultation, whose payloads name this consultation's things).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from server.core import commands
from server.core.access import Viewer
from server.core.events import ATTENDEE, MODERATOR, PUBLIC, RAPPORTEUR
from server.core.models import Consultation as ConsultationRow
from server.core.models import Event
from server.features.consultations import service as consultations
from server.features.integrity import service as integrity
from server.features.integrity.models import IntegrityFlag
from server.features.integrity.rules import Thresholds
from server.features.invitations import service as invitations
from server.features.polls.models import Ballot
from server.features.series import service as series
from server.features.series.rules import parse_series
from server.storage.metadata import metadata
from tests.conftest import DEMO_SPEC, WIRING, Consultation, new_consultation
from tests.realtime.messages import envelopes

COMMANDS = WIRING.commands  # every command the features add

NONE = "none"
OTHER = "other"
SECOND = "second attendee"  # not a role of the sweep: the asker and speaker in examples
ROLES = (ATTENDEE, RAPPORTEUR, MODERATOR, NONE, OTHER)
PARTICIPANTS = {ATTENDEE, RAPPORTEUR, MODERATOR, OTHER}


@dataclass
class World:
    """A consultation with one person of each role (and a second attendee, who asks
    and speaks), and a moderator of another consultation."""

    consultation: Consultation
    other: Consultation
    tokens: dict[str, str | None]
    viewers: dict[str, Viewer]

    @property
    def items(self) -> list[int]:
        return self.consultation.item_ids()

    def run(self, role: str, name: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Run a command directly (no transport), to prepare a case."""
        ack = commands.run(self.consultation.core, self.viewers[role], name, payload, str)
        assert ack["ok"], (name, ack)
        return ack

    def then(self, payload: dict[str, Any], *steps: tuple[str, dict[str, Any]]) -> dict[str, Any]:
        """`payload`, once the moderator has given the commands of `steps`."""
        for name, step in steps:
            self.run(MODERATOR, name, step)
        return payload

    def poll(self, kind: str = "single", *, open: bool = False) -> int:
        definition: dict[str, Any] = {"type": kind, "question": "Ready to move on?"}
        if kind == "single":
            definition["options"] = ["Yes", "No"]
        return self.run(MODERATOR, "create_poll", {**definition, "open": open})["poll_id"]

    def keyed_poll(self) -> dict[str, Any]:
        """A poll of this consultation that is a shared poll of a series, re-keyed."""
        poll_id = self.poll()
        core, c = self.consultation.core, self.consultation
        shared = {
            "key": "poll.ready",
            "type": "single",
            "question": "Ready to move on?",
            "options": [{"key": "yes", "label": "Yes"}, {"key": "no", "label": "No"}],
        }
        spec = {
            "short_name": f"sweep-{uuid.uuid4().hex[:8]}",
            "title": "Sweep",
            "agenda": [{"key": "a", "title": "A", "minutes": 5, "polls": [shared]}],
        }
        made = series.create_series(core, parse_series(spec))
        link = {"join_code": c.join_code, "moderator_link": c.moderator_link}
        keyed = {"poll.ready": {"position": 1, "options": ["yes", "no"]}}
        series.add_consultation(
            core, made.series_id, made.organiser_token, {**link, "polls": keyed}
        )
        return {"poll_id": poll_id, "option_keys": ["no", "yes"]}

    def open_text_answer(self, *, shown: bool) -> dict[str, Any]:
        poll_id = self.poll("open_text", open=True)
        self.run(ATTENDEE, "cast_ballot", {"poll_id": poll_id, "answer": "More time, please"})
        with self.consultation.core.store.reading() as tx:
            answer_id = tx.scalar(select(Ballot.id).where(Ballot.poll_id == poll_id))
        ids = {"poll_id": poll_id, "answer_id": answer_id}
        return self.then(ids, ("show_poll_answer", ids)) if shown else ids

    def excluded_answer(self) -> dict[str, Any]:
        ids = self.open_text_answer(shown=False)
        return self.then(ids, ("exclude_poll_answer", ids))

    def item_running(self) -> None:
        if self.consultation_row().state == "draft":
            self.run(MODERATOR, "next_item", {})

    def consultation_row(self) -> Any:
        with self.consultation.core.store.reading() as tx:
            return tx.get_one(ConsultationRow, self.consultation.id)

    def hand(self, by: str = SECOND, *, floor: bool = False) -> int:
        self.item_running()
        hand_id: int = self.run(by, "raise_hand", {"topic": "Budget"})["hand_id"]
        return self.then(hand_id, ("give_floor", {"hand_id": hand_id})) if floor else hand_id

    def invitation(self) -> int:
        """An invitation of this consultation (its person has not come)."""
        core, c = self.consultation.core, self.consultation
        invitations.import_list(core, c.moderator, INVITED_LIST, "test-secret")
        return invitations.invitations(core, c.moderator, "test-secret")[-1]["invitation_id"]

    def invitation_link(self) -> str:
        core, c = self.consultation.core, self.consultation
        self.invitation()
        return invitations.invitations(core, c.moderator, "test-secret")[-1]["link"][3:]

    def flag(self, *, excluded: bool = False) -> dict[str, Any]:
        """An open integrity flag (two attendees joined from one address, the threshold
        two), its ballots and upvotes excluded by the moderator if `excluded`."""
        core, c = self.consultation.core, self.consultation
        form = {"display_name": "Crowd", "stakeholder_group": "academia"}
        for _ in range(2):
            consultations.join(core, c.join_code, form, address_hash="c" * 32)
        integrity.check(core, c.id, Thresholds(join_burst=2))
        with core.store.reading() as tx:
            flag_id = tx.scalars(
                select(IntegrityFlag.id).where(IntegrityFlag.consultation_id == c.id)
            ).one()
        ids = {"flag_id": flag_id, "reason": "One laptop, many attendees"}
        return self.then(ids, ("exclude_flagged", ids)) if excluded else ids

    def question(self, by: str = SECOND, *, approved: bool = False) -> int:
        asked = self.run(by, "ask_question", {"text": f"When will {by} hear back?"})
        question_id: int = asked["question"]["id"]
        if approved:
            self.run(MODERATOR, "approve_question", {"question_id": question_id})
        return question_id


Example = Callable[[World], dict[str, Any]]

INVITED_LIST = b"name,stakeholder_group,country,language\nInvited Person,academia,,en\n"
SECOND_POLL = {"type": "single", "question": "Ready now?", "options": ["Yes", "No"]}
STAFF_AND_ATTENDEES = {ATTENDEE, RAPPORTEUR, MODERATOR, OTHER}  # anyone with a token


def qid(question_id: int, **more: Any) -> dict[str, Any]:
    return {"question_id": question_id, **more}


# Who may run each command, and a payload that succeeds for them — made ready by
# the example itself (a poll to close, a hand to give the floor to…).
COMMANDS_ALLOWED: dict[str, tuple[set[str], Example]] = {
    # Agenda
    "start_item": ({MODERATOR}, lambda w: {"item_id": w.items[1]}),
    "next_item": ({MODERATOR}, lambda w: {}),
    "previous_item": ({MODERATOR}, lambda w: w.then({}, ("next_item", {}), ("next_item", {}))),
    "extend_item": ({MODERATOR}, lambda w: {"item_id": w.items[0], "minutes": 5}),
    "reorder_items": ({MODERATOR}, lambda w: {"order": list(reversed(w.items))}),
    "add_item": ({MODERATOR}, lambda w: {"title": "Any other business", "minutes": 5}),
    "update_item": ({MODERATOR}, lambda w: {"item_id": w.items[0], "title": "Opening"}),
    "end_consultation": ({MODERATOR}, lambda w: {}),
    "replace_link": ({MODERATOR}, lambda w: {"role": "rapporteur"}),
    # Invitations
    "set_participation": ({MODERATOR}, lambda w: {"mode": "invited"}),
    "revoke_invitation": ({MODERATOR}, lambda w: {"invitation_id": w.invitation()}),
    # Polls
    "create_poll": ({MODERATOR}, lambda w: SECOND_POLL),
    "update_poll": ({MODERATOR}, lambda w: {**SECOND_POLL, "poll_id": w.poll()}),
    "delete_poll": ({MODERATOR}, lambda w: {"poll_id": w.poll()}),
    "open_poll": ({MODERATOR}, lambda w: {"poll_id": w.poll()}),
    "close_poll": ({MODERATOR}, lambda w: {"poll_id": w.poll(open=True)}),
    "show_poll_answer": ({MODERATOR}, lambda w: w.open_text_answer(shown=False)),
    "hide_poll_answer": ({MODERATOR}, lambda w: w.open_text_answer(shown=True)),
    "exclude_poll_answer": ({MODERATOR}, lambda w: w.open_text_answer(shown=False)),
    "include_poll_answer": ({MODERATOR}, lambda w: w.excluded_answer()),
    "key_poll": ({MODERATOR}, lambda w: w.keyed_poll()),
    "cast_ballot": ({ATTENDEE}, lambda w: {"poll_id": w.poll(open=True), "answer": 0}),
    # Integrity flags
    "exclude_flagged": ({MODERATOR}, lambda w: w.flag()),
    "include_flagged": ({MODERATOR}, lambda w: w.flag(excluded=True)),
    "dismiss_flag": ({MODERATOR}, lambda w: w.flag()),
    # Speakers' queue
    "raise_hand": ({ATTENDEE}, lambda w: w.item_running() or {"topic": "Funding"}),
    "withdraw_hand": ({ATTENDEE}, lambda w: {"hand_id": w.hand(by=ATTENDEE)}),
    "give_floor": ({MODERATOR}, lambda w: {"hand_id": w.hand()}),
    "end_turn": ({MODERATOR}, lambda w: w.hand(floor=True) and {}),
    "extend_turn": ({MODERATOR}, lambda w: w.hand(floor=True) and {"seconds": 60}),
    "put_hand_back": (
        {MODERATOR},
        lambda w: (h := w.hand()) and w.then({"hand_id": h}, ("remove_hand", {"hand_id": h})),
    ),
    "remove_hand": ({MODERATOR}, lambda w: {"hand_id": w.hand()}),
    "close_speakers_list": ({MODERATOR}, lambda w: w.item_running() or {}),
    "reopen_speakers_list": (
        {MODERATOR},
        lambda w: w.item_running() or w.then({}, ("close_speakers_list", {})),
    ),
    "set_speakers_ordering": ({MODERATOR}, lambda w: {"ordering": "balanced"}),
    "set_chatham_house": ({MODERATOR}, lambda w: {"on": True}),
    "set_speaking_time": ({MODERATOR}, lambda w: {"seconds": 120}),
    # The shared screen
    "show_on_screen": ({MODERATOR}, lambda w: {"subject": "join"}),
    "current_screen": (STAFF_AND_ATTENDEES, lambda w: {}),
    # Publishing: the report once ended, the moderation counts at any time
    "publish_report": ({MODERATOR, RAPPORTEUR}, lambda w: w.then({}, ("end_consultation", {}))),
    "withdraw_report": (
        {MODERATOR, RAPPORTEUR},
        lambda w: w.then({}, ("end_consultation", {}), ("publish_report", {})),
    ),
    "publish_moderation_page": ({MODERATOR}, lambda w: {}),
    "withdraw_moderation_page": (
        {MODERATOR},
        lambda w: w.then({}, ("publish_moderation_page", {})),
    ),
    # Rapporteur's notes
    "save_note": ({RAPPORTEUR}, lambda w: {"item_id": None, "text": "Opening", "revision": 1}),
    # Questions
    "ask_question": ({ATTENDEE}, lambda w: {"text": "What happens next?"}),
    "vote_question": ({ATTENDEE}, lambda w: qid(w.question(approved=True))),
    "unvote_question": (
        {ATTENDEE},
        lambda w: (
            (q := w.question(approved=True)) and w.run(ATTENDEE, "vote_question", qid(q)) and qid(q)
        ),
    ),
    "my_questions": (STAFF_AND_ATTENDEES, lambda w: {"receipts": []}),
    "question_counts": (STAFF_AND_ATTENDEES, lambda w: {}),
    "approve_question": ({MODERATOR}, lambda w: qid(w.question())),
    "approve_questions": ({MODERATOR}, lambda w: {"question_ids": [w.question()]}),
    "dismiss_question": ({MODERATOR}, lambda w: qid(w.question(), reason="Off topic")),
    "edit_question": ({MODERATOR}, lambda w: qid(w.question(), text="When is the next step?")),
    "merge_questions": (
        {MODERATOR},
        lambda w: qid(w.question(), into_id=w.question(by=ATTENDEE, approved=True)),
    ),
    "pin_question": ({MODERATOR}, lambda w: qid(w.question(approved=True))),
    "unpin_question": (
        {MODERATOR},
        lambda w: w.then({}, ("pin_question", qid(w.question(approved=True)))),
    ),
    "answer_question": ({MODERATOR}, lambda w: qid(w.question(approved=True), answer="Soon.")),
    "reopen_question": (
        {MODERATOR},
        lambda w: (q := qid(w.question())) and w.then(q, ("dismiss_question", q)),
    ),
    "archive_question": ({MODERATOR}, lambda w: qid(w.question(approved=True))),
    "set_question_settings": ({MODERATOR}, lambda w: {"moderation": "post"}),
    "close_questions": ({MODERATOR}, lambda w: {}),
    "open_questions": ({MODERATOR}, lambda w: w.then({}, ("close_questions", {}))),
    # Privacy: anyone with a token erases their own name (again: nothing more happens)
    "erase_my_name": (STAFF_AND_ATTENDEES, lambda w: {}),
    "ban_participant": (
        {MODERATOR},
        lambda w: {"participant_id": w.viewers[SECOND].participant_id},
    ),
    "unban_participant": (
        {MODERATOR},
        lambda w: w.then(
            {"participant_id": w.viewers[SECOND].participant_id},
            ("ban_participant", {"participant_id": w.viewers[SECOND].participant_id}),
        ),
    ),
}

ENDPOINTS_ALLOWED: dict[tuple[str, str], set[str]] = {
    ("GET", "/api/health"): set(ROLES),
    ("GET", "/api/openapi.json"): set(ROLES),
    ("GET", "/api/consultations/<code>"): set(ROLES),
    ("POST", "/api/consultations/<code>/join"): set(ROLES),
    ("POST", "/api/links/claim"): set(ROLES),
    ("POST", "/api/consultations"): {MODERATOR, OTHER},
    ("GET", "/api/snapshot"): PARTICIPANTS,
    ("GET", "/api/consultations/<code>/privacy-notice"): set(ROLES),
    ("GET", "/api/my-data"): PARTICIPANTS,
    ("POST", "/api/commands/<name>"): set(),  # swept command by command above
    ("POST", "/api/consultations/<code>/invitations"): {MODERATOR},
    ("GET", "/api/consultations/<code>/invitations"): {MODERATOR},
    ("GET", "/api/consultations/<code>/invitations.csv"): {MODERATOR},
    ("POST", "/api/invitations/join"): set(ROLES),  # the personal link is the key
    # Series: created by a moderator; the rest takes the series' organiser link,
    # which no role's token is (tests/web/test_series_api.py tests the link).
    ("POST", "/api/series"): {MODERATOR, OTHER},
    ("POST", "/api/series/import"): {MODERATOR, OTHER},
    ("GET", "/api/series/<series_id>/archive"): set(),
    ("GET", "/api/series/<series_id>"): set(),
    ("POST", "/api/series/<series_id>/consultations"): set(),
    ("POST", "/api/series/<series_id>/members"): set(),
    ("POST", "/api/series/<series_id>/organiser-link"): set(),
    ("GET", "/api/series/<series_id>/comparison"): set(),
    ("GET", "/api/series/<series_id>/comparison/polls/<key>"): set(),
}

# Endpoints that only redirect, whoever asks.
REDIRECTS = {"pages.choose_language"}

PAGES_ALLOWED: dict[str, set[str]] = {
    # The organiser link is the path; no role's token opens them (test_series_pages.py).
    "series_pages.organiser": set(),
    "series_pages.compared": set(),
    "series_pages.download": set(),
    "pages.index": set(ROLES),
    "pages.join_form": set(ROLES),
    "pages.claim_form": set(ROLES),
    "pages.attendee": {ATTENDEE, MODERATOR},
    "pages.moderate": {MODERATOR},
    "pages.report": {RAPPORTEUR},
    "pages.present": {ATTENDEE, RAPPORTEUR, MODERATOR},
    "pages.sister_form": {MODERATOR},
    "pages.my_data": {ATTENDEE, RAPPORTEUR, MODERATOR},
    "pages.my_data_download": {ATTENDEE, RAPPORTEUR, MODERATOR},
    "pages.join_qr": set(ROLES),  # the join link, which every screen shows anyway
    "downloads.download": {MODERATOR, RAPPORTEUR},
    "invitations.invitations_page": {MODERATOR},
    # The personal link is the path; no role's token opens it (test_invitations_http.py).
    "invitations.invitation_form": set(),
    # The link is the path (an unguessable public id, a question's receipt); no role's
    # token opens them (tests/web/test_public_pages.py tests the links).
    "public_pages.published_report": set(),
    "public_pages.published_moderation": set(),
    "public_pages.question_receipt": set(),
    "probes.healthz": set(ROLES),
    "probes.readyz": set(ROLES),
    "prometheus.scrape": set(),  # 404 without METRICS_TOKEN; its token is no participant's
}


@pytest.fixture
def new_world(app_core) -> Callable[[], World]:
    def make() -> World:
        consultation = new_consultation(app_core)
        other = new_consultation(app_core, short_name="other")
        rapporteur = consultations.claim_link(app_core, consultation.rapporteur_link, {})
        attendee, attendee_token = consultation.join_with_token(display_name="Attendee")
        second = consultation.join(display_name="Second")
        return World(
            consultation,
            other,
            {
                ATTENDEE: attendee_token,
                RAPPORTEUR: rapporteur.token,
                MODERATOR: consultation.moderator_token,
                NONE: None,
                OTHER: other.moderator_token,
            },
            {
                ATTENDEE: attendee,
                SECOND: second,
                RAPPORTEUR: rapporteur.viewer,
                MODERATOR: consultation.moderator,
            },
        )

    return make


def database_rows(core, *, consultation_id: int | None = None) -> dict[str, list[str]]:
    """Every row of every table (connections aside), or only those of one consultation."""
    rows: dict[str, list[str]] = {}
    with core.store.reading() as tx:
        for table in metadata.sorted_tables:
            if table.name == "connections":
                continue
            query = select(table)
            if consultation_id is not None:
                column = "id" if table.name == "consultations" else "consultation_id"
                if column not in table.c:
                    continue
                query = query.where(table.c[column] == consultation_id)
            rows[table.name] = sorted(json.dumps(list(r), default=str) for r in tx.execute(query))
    return rows


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def test_every_registered_command_is_in_the_allow_list(app):
    missing = sorted(set(COMMANDS) - set(COMMANDS_ALLOWED))
    assert not missing, f"say who may run {missing} in COMMANDS_ALLOWED"
    assert not set(COMMANDS_ALLOWED) - set(COMMANDS), "the allow-list names unknown commands"


@pytest.mark.parametrize("transport", ["socketio", "http"])
@pytest.mark.parametrize("name", sorted(COMMANDS_ALLOWED))
def test_only_the_allowed_roles_can_run_each_command(
    app, app_core, socket_client, new_world, name, transport
):
    allowed, example = COMMANDS_ALLOWED[name]
    http = app.test_client()

    sockets: dict[str | None, Any] = {}

    def send(role: str, world: World, command: str, payload: dict[str, Any]) -> dict[str, Any]:
        token = world.tokens[role]
        if transport == "http" or token is None:
            return http.post(f"/api/commands/{command}", json=payload, headers=bearer(token)).json
        return connected(token).emit(command, payload, callback=True)

    def connected(token: str | None) -> Any:
        if token not in sockets:
            sockets[token] = socket_client(token)
        return sockets[token]

    violations = []
    for role in ROLES:
        world = new_world()
        payload = example(world)
        if transport == "socketio" and world.tokens[role]:
            connected(world.tokens[role])  # arriving is logged: do it before looking
        if role == OTHER:  # may act on its own consultation, never on this one
            before = database_rows(app_core, consultation_id=world.consultation.id)
        else:
            before = database_rows(app_core)
        ack = send(role, world, name, payload)
        if role in allowed:
            if ack.get("ok") is not True:
                violations.append(f"{role} could not run {name} with the example: {ack}")
            continue
        if role == OTHER:
            after = database_rows(app_core, consultation_id=world.consultation.id)
        else:
            after = database_rows(app_core)
            if ack.get("ok") is not False:
                violations.append(f"{role} ran {name}: {ack}")
        if not ack.get("ok") and ack["error"]["code"] == "internal_error":
            violations.append(f"{role} made {name} fail: {ack}")
        if after != before:
            changed = [table for table in after if after[table] != before.get(table)]
            violations.append(f"{role} changed {changed} with {name}")
    assert violations == []


def test_every_api_endpoint_is_in_the_allow_list(app):
    routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == set(ENDPOINTS_ALLOWED), "list new endpoints in ENDPOINTS_ALLOWED"


def endpoint_request(world: World, method: str, rule: str) -> tuple[str, dict[str, Any] | None]:
    c = world.consultation
    path = rule.replace("<code>", c.join_code).replace("<name>", "next_item")
    path = path.replace("<series_id>", "1").replace("<key>", "poll.ready")
    series_spec = {
        "short_name": f"sweep-{uuid.uuid4().hex[:8]}",
        "title": "Sweep",
        "agenda": [{"key": "a", "title": "A", "minutes": 5}],
    }
    bodies = {
        "/api/series": series_spec,
        "/api/series/import": {
            "format": "baraza-series-archive",
            "version": 1,
            "series": {**series_spec, "short_name": f"sweep-{uuid.uuid4().hex[:8]}"},
            "consultations": [],
        },
        "/api/series/<series_id>/consultations": {**DEMO_SPEC, "short_name": "region"},
        "/api/series/<series_id>/members": {"join_code": c.join_code},
        "/api/consultations/<code>/join": {"display_name": "Sweeper"},
        "/api/links/claim": {"link": c.rapporteur_link},
        "/api/consultations": {**DEMO_SPEC, "short_name": "sister"},
        "/api/commands/<name>": {},
    }
    if rule == "/api/invitations/join":
        return path, {"link": world.invitation_link()}
    return path, bodies.get(rule) if method == "POST" else None


@pytest.mark.parametrize("role", ROLES)
def test_each_endpoint_answers_each_role_as_the_allow_list_says(app, new_world, role):
    client = app.test_client()
    violations = []
    for (method, rule), allowed in sorted(ENDPOINTS_ALLOWED.items()):
        if rule == "/api/commands/<name>":
            continue
        world = new_world()
        path, body = endpoint_request(world, method, rule)
        if rule == "/api/consultations/<code>/invitations" and method == "POST":
            sent: dict[str, Any] = {"data": INVITED_LIST, "content_type": "text/csv"}
        else:
            sent = {"json": body}
        response = client.open(path, method=method, headers=bearer(world.tokens[role]), **sent)
        if role in allowed and not 200 <= response.status_code < 300:
            violations.append(f"{role} was refused {method} {rule}: {response.json}")
        if role not in allowed:
            if response.status_code not in (401, 403):
                violations.append(f"{role} got {response.status_code} for {method} {rule}")
            elif response.json["error"]["code"] == "internal_error":
                violations.append(f"{role} broke {method} {rule}")
    assert violations == []


@pytest.mark.parametrize("role", ROLES)
def test_each_page_opens_only_for_its_roles(app, new_world, role):
    world = new_world()
    client = app.test_client()
    token = world.tokens[role]
    if token is not None:
        client.set_cookie(f"bz_{world.consultation.join_code}", token)
    values = {
        "code": world.consultation.join_code,
        "token": world.consultation.moderator_link,
        "lang": "fr",
        "fmt": "markdown",
        # No role's join code or link opens a published page or a receipt.
        "public_id": world.consultation.join_code,
        "receipt": world.consultation.moderator_link,
    }
    violations = []
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods]
    pages = [r for r in rules if r.endpoint != "static" and not r.rule.startswith("/api/")]
    listed = set(PAGES_ALLOWED) | REDIRECTS
    assert {r.endpoint for r in pages} == listed, "list new pages in PAGES_ALLOWED"
    for rule in pages:
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<{argument}>", values[argument])
        response = client.get(path)
        shown = response.status_code == 200
        if response.status_code >= 500:
            violations.append(f"{path} failed for {role}")
        elif rule.endpoint in REDIRECTS:
            if response.status_code != 302:
                violations.append(f"{path} answered {response.status_code} to {role}")
        elif (
            shown != (role in PAGES_ALLOWED[rule.endpoint]) and rule.endpoint != "pages.claim_form"
        ):
            violations.append(f"{path} {'shown to' if shown else 'hidden from'} {role}")
    assert violations == []


@pytest.mark.parametrize("role", ROLES)
def test_every_form_post_without_its_csrf_token_is_refused(app, app_core, new_world, role):
    world = new_world()
    client = app.test_client()
    token = world.tokens[role]
    if token is not None:
        client.set_cookie(f"bz_{world.consultation.join_code}", token)
    values = {
        "code": world.consultation.join_code,
        "token": world.consultation.moderator_link,
        "consultation_id": str(world.consultation.id),
        "invitation_id": "1",
    }
    posts = [
        r
        for r in app.url_map.iter_rules()
        if "POST" in r.methods and not r.rule.startswith("/api/")
    ]
    assert posts
    before = database_rows(app_core)
    for rule in posts:
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<{argument}>", values[argument])
        client.get(path)  # the browser has a session, but not this form's token
        response = client.post(path, data={"display_name": "Forged", "title": "Forged"})
        assert response.status_code == 403 and "csrf_failed" in response.text, path
    assert database_rows(app_core) == before


MODERATORS_COMMANDS = sorted(
    name for name, (who, _) in COMMANDS_ALLOWED.items() if MODERATOR in who
)


@pytest.mark.parametrize("name", MODERATORS_COMMANDS)
def test_attendees_never_receive_staff_events_or_secrets(
    app, app_core, socket_client, new_world, name
):
    """Run each command's example as the moderator, in a world of its own, while an
    attendee and a present view listen; then compare what they got with the log."""
    world = new_world()
    c = world.consultation
    listeners = [
        socket_client(world.tokens[ATTENDEE]),
        socket_client(world.tokens[MODERATOR], view="present"),
    ]
    moderator = socket_client(world.tokens[MODERATOR])
    secrets = {c.moderator_link, c.rapporteur_link, world.tokens[MODERATOR]}
    secrets.add(world.tokens[RAPPORTEUR])
    ack = moderator.emit(name, COMMANDS_ALLOWED[name][1](world), callback=True)
    assert ack["ok"], ack
    secrets.update(v for v in ack.values() if isinstance(v, str))
    with app_core.store.reading() as tx:
        public = set(
            tx.scalars(
                select(Event.seq).where(Event.consultation_id == c.id, Event.visibility == PUBLIC)
            )
        )
    for listener in listeners:
        received = listener.get_received()
        events = envelopes(received)
        received.append({"args": [listener.emit("sync", {}, callback=True)]})
        received.append({"args": [listener.emit("sync", {"since": 0}, callback=True)]})
        assert {e["seq"] for e in events} <= public
        replayed = received[-1]["args"][0]["events"]
        assert {e["seq"] for e in replayed} == public
        text = json.dumps(received)
        assert not [s for s in secrets if s in text]
    snapshot = app.test_client().get("/api/snapshot", headers=bearer(world.tokens[ATTENDEE]))
    assert not [s for s in secrets if s in snapshot.text]
