"""Reports: the record rapporteurs write from — Markdown, DOCX, CSV and a JSON archive.

How it fits together
--------------------
`model.build(ctx)` asks every installed *provider* for plain data — a `Section`
of `Facts`, `Table`, `Text` and nested `Section` blocks — inside one consistent
read (`ReportContext`: `tx`, `consultation`, `audience`, `now`, `wiring` — the
application's installed parts, `core.wiring` — and `items`).
`markdown.py` and `docx.py` render any section generically (title as a heading,
then its blocks); `csv_export.py` zips the installed CSV tables;
`json_archive.py` writes the whole log and state (and reads it back for
`server/archive/restore.py`, which restores it as a new consultation). `exports.py`
says who may download what, under which name; `web/downloads.py` serves it.

Adding a feature's part (questions, polls, speakers…)
-----------------------------------------------------
Write the providers in the feature's own module (e.g.
`server/features/questions/report.py`) and list them in the feature's `Feature`
(`server/features/questions/feature.py`, see server/core/features.py); nothing
registers itself on import, `server/bootstrap.py` wires the list into each
application's core (`core.wiring`, server/core/wiring.py):

1. `report_sections=[Part(key, order, provide)]`: a part of the whole report,
   `provide(ctx) -> Section | None`, placed by `order` (header 0, attendance 10,
   general notes 15, agenda 20, questions and polls outside the agenda 25 and 26,
   speaking time 30, timeline 100).

2. `item_sections=[Part(key, order, provide)]`: a part of each agenda item's
   section, `provide(ctx, item) -> Section | None`, after its times (questions 10,
   polls 20, speakers 30, notes 90)::

       def item_questions(ctx: ReportContext, item: ReportItem) -> Section | None:
           return Section("questions", _("Questions"), (Table(columns, rows),))

3. `csv_tables=[Part("questions.csv", 40, provide)]`: a file of the CSV zip,
   `provide(ctx) -> Table | None`, with machine-readable column names (cells are
   neutralised for spreadsheets by the writer).

4. Events in the timeline: `event_summaries={type: summary(ctx, payload) -> str}`
   (the one-line details; default: the payload's `title`),
   `shareable_staff_events=[type, …]` (staff events safe for the shareable
   audience; by default only public ones appear there),
   `event_redactions={type: redact(payload) -> payload}` (what every report *and
   the archive* strip from a payload), and `event_views={type: view(event,
   audience) -> event | None}` (any further redaction for one audience's timeline).
   `each(types, function)` gives one function for several types.

5. The archive (json_archive.py): `archive_tables=[ArchiveTable(name, order,
   export, restore)]`, the feature's rows; `payload_ids={type: translate(payload,
   remap) -> payload}`, where ids sit in its events' payloads (`remap_fields`
   helps); `settings_ids={key: translate(part, remap)}`, in its part of the
   consultation's settings (ids are renumbered per consultation).

The features' parts: features/questions/report.py, features/polls/report.py,
features/speakers/report.py, features/screen/report.py, features/series/report.py,
features/presence/report.py (attendance) and features/consultations/report.py (the
header, the agenda, the notes, the timeline's lines of the consultation's own
events); each says what it shows to which audience. The timeline itself is
machinery (timeline.py), placed by the consultations feature.

The audience rules every provider must keep
-------------------------------------------
- `Audience.SHAREABLE` (rapporteurs and moderators): dismissed questions are
  counted, not listed; poll answers a moderator excluded are absent.
  `Audience.FULL` (moderators only): they are listed (excluded answers marked).
- `Audience.PUBLIC` (the published report's page, server/web/public_pages.py) is
  the shareable report naming nobody: no staff in the header, no speaker, no
  question author, no timeline; `audience.shareable` is true for it as for
  `SHAREABLE`, so every shareable rule holds for it too. No download has it.
- Shareable breakdowns by stakeholder group or country pass through
  `small_groups.protect`: no group of fewer than 5 people shows its figures,
  nor can they be had by subtraction. The full record shows every group.
- The shareable report names question authors only on the record (questions'
  `anonymity` setting `off`); speakers are named in both.
- One record never breaks a report (containment.py): text leaves encodable,
  and a provider, row or event that fails to render becomes a mark and a log line.
- Text people typed is isolated where it could reorder its line (bidi.py): a
  provider composing it into a sentence of ours wraps it in `isolate()`.
- Never an anonymous author, in either audience or the archive. Events reach
  reports through the rapporteurs' projection (`Feature.projections`,
  read by core/events.py), and an attendee is never shown as an event's actor
  nor named in `participant_*` events or the archive's participants; a
  provider reading a feature's tables must itself leave anonymous authors out
  (a named, non-anonymous author may appear: they chose to be named).
"""

from .model import (
    Audience,
    Facts,
    Report,
    ReportContext,
    ReportEvent,
    ReportItem,
    Section,
    Table,
    Text,
)

__all__ = [
    "Audience",
    "Facts",
    "Report",
    "ReportContext",
    "ReportEvent",
    "ReportItem",
    "Section",
    "Table",
    "Text",
]
