"""Client command ids: a command sent twice takes effect once, and is answered alike.

A client that may retry (after a timeout, say) puts a `command_id` in the payload.
The command then runs with `core.taking(claim)`: the first write transaction it
opens (`Store.transaction`) inserts a receipt keyed by the participant and the id
before anything else, so the command's effect and its receipt commit together or
not at all. A group commit's shared transaction takes each command's receipt in
that command's savepoint (`take`). A repeat finds the receipt taken: its own
work is rolled back and it is answered with the first acknowledgement. A command
that failed left no receipt, so sending it again simply runs it.

The database keeps the id only as a hash and the acknowledgement only sealed
with the id (a `replace_link` acknowledgement holds a new secret link).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import Insert, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from .base import table_of
from .errors import N_, Conflict, DomainError, try_again
from .receipt_rows import CommandReceipt

if TYPE_CHECKING:
    from .runtime import Core

log = logging.getLogger(__name__)

COMMAND_ID = re.compile(r"[A-Za-z0-9_.:-]{16,100}")
# How long a repeat waits for the first run to finish acknowledging.
REPLY_WAIT_SECONDS = 5.0
# Receipts answer retries, which come within seconds; a day is plenty.
KEEP = timedelta(days=1)


class Repeated(Exception):
    """The command id was used before: this run's work is rolled back."""


@dataclass
class Claim:
    """The receipt a running command takes in its first write transaction (a `Receipt`)."""

    participant_id: int
    command: str
    command_id: str
    now: datetime
    receipt_id: int | None = None
    session: Session | None = None
    # Its acknowledgement is sealed into the receipt, in the command's own transaction.
    sealed: bool = False

    @cached_property
    def key(self) -> str:
        """The command id as the database keeps it: hashed once, read by every step."""
        return hashlib.sha256(self.command_id.encode()).hexdigest()

    def take(self, tx: Session) -> None:
        """Take the receipt in `tx`, unless taken already; `Repeated` if the id was used."""
        take(tx, self)

    def rolled_back(self, tx: Session) -> None:
        if self.session is tx:
            give_back(self)


def parse_command_id(value: object) -> str | None:
    """The client's command id, if it sent one: 16 to 100 URL-safe characters."""
    if value is None:
        return None
    if not isinstance(value, str) or not COMMAND_ID.fullmatch(value):
        raise DomainError(
            "invalid_command_id",
            N_("A command id is 16 to 100 letters, digits or the signs _ . : -"),
        )
    return value


def take(tx: Session, claim: Claim | None) -> None:
    """Take `claim`'s receipt in `tx` now; `Repeated` if the id was used before."""
    if claim is not None and claim.receipt_id is None:
        _insert_one(tx.connection(), claim, tx)


def take_all(tx: Session, claims: Sequence[Claim | None]) -> list[bool]:
    """Take many receipts in one INSERT; whether each holds its receipt (None: nothing to take).

    False means the id was used before, or twice in `claims`: that command must
    go the single way, whose `take` raises `Repeated`.
    """
    fresh: dict[tuple[int, str], Claim] = {}
    for claim in claims:
        if claim is not None and claim.receipt_id is None:
            fresh.setdefault((claim.participant_id, claim.key), claim)
    _insert(tx.connection(), fresh, tx)
    return [claim is None or claim.receipt_id is not None for claim in claims]


def _insert_one(connection: Connection, claim: Claim, session: Session) -> None:
    _insert(connection, {(claim.participant_id, claim.key): claim}, session)
    if claim.receipt_id is None:
        raise Repeated(claim.command)


def _taking(dialect: Any) -> Insert:
    """The INSERT of receipts in `dialect`, skipping those taken already; what it took."""
    table = table_of(CommandReceipt)
    statement: Insert = (
        dialect.insert(table)
        .on_conflict_do_nothing(index_elements=["participant_id", "command_key"])
        .returning(table.c.id, table.c.participant_id, table.c.command_key)
    )
    return statement


# Built once, the rows given at the call (docs/performance.md): a statement with a
# batch's rows in its VALUES was built and compiled anew for every batch.
_TAKE = {"postgresql": _taking(postgresql), "sqlite": _taking(sqlite)}


def _insert(connection: Connection, claims: dict[tuple[int, str], Claim], session: Session) -> None:
    """Insert the receipts of `claims` (keyed by participant and command key) in one statement;
    each claim whose receipt was free gets its id, the others keep none."""
    if not claims:
        return
    rows = connection.execute(
        _TAKE["postgresql" if connection.dialect.name == "postgresql" else "sqlite"],
        [
            {
                "participant_id": participant_id,
                "command_key": key,
                "command": claim.command,
                "created_at": claim.now,
            }
            for (participant_id, key), claim in claims.items()
        ],
    )
    for receipt_id, participant_id, key in rows:
        claims[(participant_id, key)].receipt_id = receipt_id
        claims[(participant_id, key)].session = session


def give_back(claim: Claim | None) -> None:
    """Forget a receipt whose writes were rolled back: a retry runs the command again."""
    if claim is not None:
        claim.receipt_id, claim.session, claim.sealed = None, None, False


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


_USED = select(_RECEIPTS.c.participant_id, _RECEIPTS.c.command_key).where(
    _RECEIPTS.c.participant_id.in_(bindparam("people", expanding=True)),
    _RECEIPTS.c.command_key.in_(bindparam("keys", expanding=True)),
)


def used_before(tx: Session, claims: Sequence[Claim | None]) -> list[bool]:
    """Whether each claim's command id was used before: its command, sent again, is
    answered as the first was (`take` raises `Repeated`), not refused anew. None: no id."""
    sent = [claim for claim in claims if claim is not None]
    if not sent:
        return [False] * len(claims)
    rows = tx.execute(
        _USED,
        {
            "people": sorted({claim.participant_id for claim in sent}),
            "keys": sorted({claim.key for claim in sent}),
        },
    )
    used = {(participant_id, key) for participant_id, key in rows}
    return [claim is not None and (claim.participant_id, claim.key) in used for claim in claims]


def seal_all(tx: Session, answered: Sequence[tuple[Claim, dict[str, Any]]]) -> None:
    """Seal each acknowledgement into its taken receipt, and forget its sender's receipts
    older than `KEEP`."""
    if not answered:
        return
    tx.execute(
        _SEAL,
        [
            {"receipt_id": claim.receipt_id, "sealed": seal(claim.command_id, reply)}
            for claim, reply in answered
        ],
    )
    tx.execute(
        _FORGET_OLD,
        {
            "senders": sorted({claim.participant_id for claim, _ in answered}),
            "before": min(claim.now for claim, _ in answered) - KEEP,
        },
    )
    for claim, _ in answered:
        claim.sealed = True


def earlier_reply(core: Core, claim: Claim) -> dict[str, Any]:
    """The acknowledgement the first run of this command id got."""
    deadline = time.monotonic() + REPLY_WAIT_SECONDS
    while True:
        with core.store.reading() as tx:
            receipt = tx.scalar(
                select(CommandReceipt).where(
                    CommandReceipt.participant_id == claim.participant_id,
                    CommandReceipt.command_key == claim.key,
                )
            )
        if receipt is None:
            raise try_again()
        if receipt.command != claim.command:
            raise Conflict(
                "command_id_reused",
                N_("This command id was already used for another command."),
            )
        if receipt.reply is not None:
            return _unseal(claim.command_id, receipt.reply)
        if time.monotonic() > deadline:
            # The first run committed but its worker stopped before acknowledging.
            return {"ok": True}
        time.sleep(0.05)


def _cipher(command_id: str, nonce: bytes, data: bytes) -> bytes:
    """XOR with a SHAKE-256 stream keyed by the command id: sealing and opening alike."""
    stream = hashlib.shake_256(b"baraza-receipt\0" + nonce + command_id.encode()).digest(len(data))
    return (int.from_bytes(data) ^ int.from_bytes(stream)).to_bytes(len(data))


def seal(command_id: str, reply: dict[str, Any]) -> str:
    nonce = secrets.token_bytes(16)
    data = json.dumps(reply, separators=(",", ":")).encode()
    return base64.b64encode(nonce + _cipher(command_id, nonce, data)).decode()


def _unseal(command_id: str, sealed: str) -> dict[str, Any]:
    raw = base64.b64decode(sealed)
    reply: dict[str, Any] = json.loads(_cipher(command_id, raw[:16], raw[16:]))
    return reply
