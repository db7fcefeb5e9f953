"""What invitations add to the report: whether the consultation was open or invited,
and its turnout as invited, joined and walk-ins."""

from __future__ import annotations

from server.core.access import INVITED
from server.core.events import Payload
from server.i18n import gettext as _
from server.reports.model import Facts, ReportContext, Section, Table

from . import rules
from .service import turnout


def _mode_line(mode: str) -> str:
    if mode == INVITED:
        return _("Invited: a registration list, each person with a personal link")
    return _("Open: anyone with the join code")


def participation_section(ctx: ReportContext) -> Section:
    """Open or invited (as the consultation was last set), and who came of whom."""
    mode = rules.participation_of(ctx.consultation.settings).mode
    counts = turnout(ctx.tx, ctx.consultation)
    facts = [(_("Participation"), _mode_line(mode))]
    if mode == INVITED or counts["invited"]:
        facts += [
            (_("Invited"), str(counts["invited"])),
            (_("Invited people who joined"), str(counts["joined_invited"])),
            (
                _("Walk-ins (joined with the code, without an invitation)"),
                str(counts["joined_walk_ins"]),
            ),
        ]
    return Section(
        "participation",
        _("Who could take part"),
        (Facts(tuple(facts)),),
        data={"mode": mode, **counts},
    )


def participation_csv(ctx: ReportContext) -> Table:
    """`field, value` rows: mode, invited, joined_invited, joined_walk_ins."""
    mode = rules.participation_of(ctx.consultation.settings).mode
    counts = turnout(ctx.tx, ctx.consultation)
    return Table(("field", "value"), [("mode", mode), *counts.items()])


def revoked_summary(_ctx: ReportContext, payload: Payload) -> str:
    if payload.get("reason") == "banned":
        return _("An invitation was revoked with its person's ban")
    return _("An invitation was revoked")


def imported_summary(_ctx: ReportContext, payload: Payload) -> str:
    return _("Invited from a registration list: %(count)s", count=payload.get("count", 0))


def participation_summary(_ctx: ReportContext, payload: Payload) -> str:
    return _mode_line(str(payload.get("mode")))
