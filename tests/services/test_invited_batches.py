"""Batches in an invited consultation: whoever lost their invitation or link is refused as
they would be alone, and a batch reads its people's invitations and links in one
statement, not one each (docs/performance.md, step 83)."""

import re
from datetime import UTC, datetime

import pytest

from server.core.errors import DomainError
from server.core.group_commit import Pending
from server.features.agenda import service as agenda
from server.features.consultations import service as consultations
from server.features.invitations import service as invitations
from server.features.polls import ballots
from server.features.polls import service as polls
from server.features.presence import service as presence
from server.features.presence.service import Arrival
from server.features.questions import asks, votes
from server.features.questions import service as questions
from tests.conftest import WIRING

SECRET = "test-secret"
NOW = datetime(2024, 1, 18, 8, 45, tzinfo=UTC)
PEOPLE = 12


@pytest.fixture
def c(create_consultation, core):
    """An invited consultation, running its first item, with twelve people invited."""
    c = create_consultation(settings={"invitations": {"mode": "invited"}})
    rows = "".join(f"Person {n},,academia,KE,en\n" for n in range(PEOPLE))
    listed = f"name,email,stakeholder_group,country,language\n{rows}"
    invitations.import_list(core, c.moderator, listed.encode(), SECRET)
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    questions.change_settings(core, c.moderator, {"min_interval_seconds": 0, "moderation": "post"})
    return c


@pytest.fixture
def invited(core, c):
    """Everyone on the list, come by their personal link; the first's invitation revoked."""
    listed = invitations.invitations(core, c.moderator, SECRET)
    people = [invitations.join_by_link(core, each["link"][3:]).viewer for each in listed]
    invitations.revoke(core, c.moderator, listed[0]["invitation_id"])
    return people


def codes(outcomes):
    """What each command of a batch came to: `ok`, or its refusal's code."""
    return [o.code if isinstance(o, DomainError) else "ok" for o in outcomes]


def committed(core, statements, commit, batch):
    """What each command of `batch` came to, committed together by `commit`, and how many
    statements of it read invitations or staff links."""
    statements.clear()
    outcomes = commit(core.store, batch)
    reads = [s for s in statements if re.search(r"\b(invitations|role_links)\b", s)]
    return codes(outcomes), len(reads)


def test_a_batch_of_upvotes_refuses_the_revoked_and_reads_invitations_once(
    core, c, invited, statements
):
    question = asks.ask(core, invited[1], "Who ratifies first?", None, False).reply["question"]
    walk_in = c.join(display_name="Walk-in")
    batch = [
        Pending(votes.VoteCommand(voter, question["id"], NOW, WIRING.followers), None)
        for voter in [*invited[:1], *invited[2:], walk_in]
    ]
    refused = ["invitation_revoked", *["ok"] * (PEOPLE - 2), "invitation_required"]

    # the batch's read, then the revoked one's alone
    assert committed(core, statements, votes.vote_all, batch) == (refused, 2)


def test_a_batch_of_ballots_refuses_the_revoked_and_reads_invitations_once(
    core, c, invited, statements
):
    poll = {"type": "single", "question": "Ratify?", "options": ["Yes", "No"], "open": True}
    poll_id = polls.create_poll(core, c.moderator, poll).reply["poll_id"]
    batch = [
        Pending(ballots.BallotCommand(voter, poll_id, 0, NOW, WIRING.followers), None)
        for voter in invited
    ]
    refused = ["invitation_revoked", *["ok"] * (PEOPLE - 1)]

    assert committed(core, statements, ballots.cast_all, batch) == (refused, 2)


def test_a_batch_of_asks_refuses_the_revoked_and_reads_invitations_once(
    core, c, invited, statements
):
    batch = [
        Pending(
            asks.AskCommand(
                asker, f"Question {n}: who ratifies?", None, False, NOW, WIRING.followers
            ),
            None,
        )
        for n, asker in enumerate(invited)
    ]
    refused = ["invitation_revoked", *["ok"] * (PEOPLE - 1)]

    assert committed(core, statements, asks.ask_all, batch) == (refused, 2)


def test_a_batch_of_arrivals_refuses_a_revoked_invitation_or_link_and_reads_them_once(
    core, c, invited, statements
):
    rapporteur = c.rapporteur()
    consultations.replace_link(core, c.moderator, "rapporteur")
    arriving = [*invited, rapporteur]
    batch = [
        Pending(Arrival(viewer, f"{c.id}-arrival-{n}", "worker-1", NOW), None)
        for n, viewer in enumerate(arriving)
    ]
    refused = ["invitation_revoked", *["ok"] * (PEOPLE - 1), "link_revoked"]

    assert committed(core, statements, presence.arrive_all, batch) == (refused, 1)
