"""Integrity flags in the JSON archive: each flag, and which ballots and upvotes it
keeps out of the results, so that a restored consultation reports the same results."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select, update

from server.core.errors import N_
from server.core.events import Payload
from server.core.times import iso
from server.features.polls.models import Ballot
from server.features.questions.models import QuestionVote
from server.reports.json_archive import (
    ExportContext,
    Remap,
    RestoreContext,
    damaged,
    numbered,
    numbered_records,
    remap_fields,
)

from . import rules
from .models import IntegrityFlag

FLAG_FIELDS = {
    "id": "integrity_flag",
    "poll_id": "poll",
    "question_id": "question",
    "decided_by": "participant",
}


def export_flags(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    for flag in numbered(ctx, "integrity_flag", IntegrityFlag):
        ballots = ctx.tx.scalars(
            select(Ballot.id).where(Ballot.excluded_by_flag == flag.id).order_by(Ballot.id)
        )
        votes = ctx.tx.execute(
            select(QuestionVote.question_id, QuestionVote.participant_id)
            .where(QuestionVote.excluded_by_flag == flag.id)
            .order_by(QuestionVote.id)
        )
        evidence = dict(flag.evidence)
        if "banned_participant_id" in evidence:
            evidence["banned_participant_id"] = ctx.ids.to_archive(
                "participant", evidence["banned_participant_id"]
            )
        yield {
            "id": ctx.ids.to_archive("integrity_flag", flag.id),
            "kind": flag.kind,
            "subject": flag.subject,
            "poll": ctx.ids.to_archive("poll", flag.poll_id),
            "question": ctx.ids.to_archive("question", flag.question_id),
            "participants": [
                ctx.ids.to_archive("participant", person) for person in flag.participant_ids
            ],
            "evidence": evidence,
            "state": flag.state,
            "raised_at": iso(flag.raised_at),
            "updated_at": iso(flag.updated_at),
            "decided_at": iso(flag.decided_at),
            "decided_by": ctx.ids.to_archive("participant", flag.decided_by),
            "reason": flag.reason,
            "excluded_ballots": [ctx.ids.to_archive("poll_ballot", b) for b in ballots],
            "excluded_votes": [
                [ctx.ids.to_archive("question", q), ctx.ids.to_archive("participant", p)]
                for q, p in votes
            ],
        }


def restore_flags(ctx: RestoreContext, rows: list[Any]) -> None:
    for number, record in numbered_records(rows, "integrity flag"):
        ids = ctx.ids
        evidence = record.mapping("evidence")
        if "banned_participant_id" in evidence:
            evidence = {
                **evidence,
                "banned_participant_id": ids.from_archive(
                    "participant", evidence["banned_participant_id"]
                ),
            }
        flag = IntegrityFlag(
            consultation_id=ctx.consultation.id,
            kind=record.choice("kind", rules.KINDS),
            subject=record.string("subject", max_length=200),
            poll_id=ids.from_archive("poll", record.integer("poll", minimum=1, null=True)),
            question_id=ids.from_archive(
                "question", record.integer("question", minimum=1, null=True)
            ),
            participant_ids=[
                ids.from_archive("participant", person) for person in record.array("participants")
            ],
            evidence=evidence,
            state=record.choice("state", rules.STATES),
            raised_at=record.moment("raised_at"),
            updated_at=record.moment("updated_at"),
            decided_at=record.moment("decided_at", null=True),
            decided_by=ids.from_archive(
                "participant", record.integer("decided_by", minimum=1, null=True)
            ),
            reason=record.string("reason", max_length=rules.REASON_MAX),
        )
        ctx.tx.add(flag)
        ctx.tx.flush()
        ids.bind("integrity_flag", number, flag.id)
        ballots = [ids.from_archive("poll_ballot", b) for b in record.array("excluded_ballots")]
        if ballots:
            ctx.tx.execute(
                update(Ballot).where(Ballot.id.in_(ballots)).values(excluded_by_flag=flag.id)
            )
        for pair in record.array("excluded_votes"):
            if not isinstance(pair, list) or len(pair) != 2:
                raise damaged(N_("%(where)s has a bad excluded vote"), where=record.where)
            question = ids.from_archive("question", pair[0])
            person = ids.from_archive("participant", pair[1])
            ctx.tx.execute(
                update(QuestionVote)
                .where(QuestionVote.question_id == question, QuestionVote.participant_id == person)
                .values(excluded_by_flag=flag.id)
            )


def flag_payload(payload: Payload, remap: Remap) -> Payload:
    """An integrity event's ids: the flag's own, its poll, question, people, decider."""
    flag = payload.get("flag")
    if not isinstance(flag, dict):
        return payload
    remapped = remap_fields(flag, remap, FLAG_FIELDS)
    people = flag.get("participant_ids")
    if isinstance(people, list):
        remapped["participant_ids"] = [remap("participant", person) for person in people]
    evidence = flag.get("evidence")
    if isinstance(evidence, dict) and "banned_participant_id" in evidence:
        remapped["evidence"] = remap_fields(
            evidence, remap, {"banned_participant_id": "participant"}
        )
    return {**payload, "flag": remapped}
