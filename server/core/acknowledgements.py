"""Keeping each command's acknowledgement with its receipt, for repeats to be answered alike.

A command sent with a command id (every command from the attendee page is)
has its acknowledgement kept once it has run (core/receipts.py). Keeping
it is a write of its own, after the command's: during a vote burst that is a
second transaction per ballot, so acknowledgements are kept in batches
(core/group_commit.py), with the cleanup of their senders' old receipts.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, delete, update

from .base import table_of
from .errors import DomainError
from .group_commit import Pending, batched
from .receipt_rows import CommandReceipt
from .receipts import KEEP, Claim, seal
from .runtime import Core
from .store import Store

log = logging.getLogger(__name__)

# Receipts lock no consultation: one queue of acknowledgements for the whole store.
EVERY_CONSULTATION = 0


def keep(core: Core, claim: Claim, reply: dict[str, Any]) -> None:
    """Keep the acknowledgement for repeats, and forget this person's old receipts."""
    if claim.receipt_id is None:  # the command wrote nothing: a repeat runs it again
        return
    try:
        batched(core, EVERY_CONSULTATION, (claim, reply), keep_all)
    except DomainError:
        log.warning("acknowledgement of %s not kept for repeats", claim.command)


_RECEIPTS = table_of(CommandReceipt)
# Built once (docs/performance.md); Core statements, as a batch's rows need no ORM objects.
_SEAL = (
    update(_RECEIPTS)
    .where(_RECEIPTS.c.id == bindparam("receipt_id"))
    .values(reply=bindparam("sealed"))
)
_FORGET_OLD = delete(_RECEIPTS).where(
    _RECEIPTS.c.participant_id.in_(bindparam("senders", expanding=True)),
    _RECEIPTS.c.created_at < bindparam("before"),
)


def keep_all(store: Store, batch: Sequence[Pending[tuple[Claim, dict[str, Any]]]]) -> list[Any]:
    """Seal each acknowledgement into its receipt, in one transaction."""
    claims = [pending.command[0] for pending in batch]
    with store.transaction() as tx:
        tx.execute(
            _SEAL,
            [
                {"receipt_id": claim.receipt_id, "sealed": seal(claim.command_id, reply)}
                for claim, reply in (pending.command for pending in batch)
            ],
        )
        tx.execute(
            _FORGET_OLD,
            {
                "senders": sorted({claim.participant_id for claim in claims}),
                "before": min(claim.now for claim in claims) - KEEP,
            },
        )
    return [None] * len(batch)
