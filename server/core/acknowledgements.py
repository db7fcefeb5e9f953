"""Keeping each command's acknowledgement with its receipt, for repeats to be answered alike.

A command sent with a command id (every command from the attendee page is)
has its acknowledgement sealed into its receipt (core/receipts.py). A command
of a group commit (a ballot, an upvote, a question) has it sealed before its
batch commits (core/group_commit.py); any other is kept here once it has run,
by a write of its own after the command's, in batches, with the cleanup of
their senders' old receipts.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from .errors import DomainError
from .group_commit import Pending, batched
from .receipts import Claim, seal_all
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


def keep_all(store: Store, batch: Sequence[Pending[tuple[Claim, dict[str, Any]]]]) -> list[Any]:
    """Seal each acknowledgement into its receipt, in one transaction."""
    with store.transaction() as tx:
        seal_all(tx, [pending.command for pending in batch])
    return [None] * len(batch)
