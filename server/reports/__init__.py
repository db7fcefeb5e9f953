"""Reports: the record rapporteurs write from — Markdown, DOCX, CSV and a JSON archive.

How it fits together
--------------------
`model.build(ctx)` asks every registered *provider* for plain data — a `Section`
of `Facts`, `Table`, `Text` and nested `Section` blocks — inside one consistent
read (`ReportContext`: `tx`, `consultation`, `audience`, `now`, `items`).
`markdown.py` and `docx.py` render any section generically (title as a heading,
then its blocks); `csv_export.py` zips the registered CSV tables;
`json_archive.py` writes and restores the whole log and state. `exports.py`
says who may download what, under which name; `web/downloads.py` serves it.

Adding a feature's part (questions, polls, speakers…)
-----------------------------------------------------
Put these in the feature's own module (e.g. `server/features/questions/report.py`) and
list the module with its feature in `server/bootstrap.py`, one line:

1. A part of the whole report, placed by `order` (header 0, attendance 10,
   general notes 15, agenda 20, questions and polls outside the agenda 25 and
   26, speaking time 30, timeline 100)::

       @report_section("questions_outside_agenda", order=25)
       def questions(ctx: ReportContext) -> Section | None: ...

2. A part of each agenda item's section, after its times (questions 10,
   polls 20, speakers 30, notes 90)::

       @item_section("questions", order=10)
       def item_questions(ctx: ReportContext, item: ReportItem) -> Section | None:
           return Section("questions", _("Questions"), (Table(columns, rows),))

3. A file of the CSV zip, with machine-readable column names (cells are
   neutralised for spreadsheets by the writer)::

       @csv_file("questions.csv", order=40)
       def questions_csv(ctx: ReportContext) -> Table | None: ...

4. Optionally, a section's own look in one format, keyed by `Section.key`
   (it receives the section, whose `data` can carry anything plain)::

       @markdown.renderer("polls")
       def polls_md(section: Section, depth: int) -> Iterator[str]: ...
       @docx.renderer("polls")
       def polls_docx(document, section: Section, level: int) -> None: ...

5. Events in the timeline: the one-line details (default: the payload's
   `title`), staff events safe for the shareable audience (by default only
   public ones appear there), what every report *and the archive* strip from a
   payload, and any further redaction for one audience's timeline::

       event_summary("question_answered")(lambda ctx, payload: payload["text"])
       shareable_staff_events("poll_results_hidden")
       @event_redaction("question_asked")
       def no_ip(payload: Payload) -> Payload: ...
       @event_view("question_dismissed")
       def hide(event: ReportEvent, audience: Audience) -> ReportEvent | None:
           return None if audience == Audience.SHAREABLE else event

6. The archive (json_archive.py): the feature's rows, where ids sit in its
   events' payloads and in its part of the consultation's settings (ids are
   renumbered per consultation)::

       archive_table("questions", order=40, export=export_rows, restore=restore_rows)
       @payload_ids("question_asked", "questions_merged")
       def ids(payload, remap):
           return remap_fields(payload, remap, {"question_id": "question"})
       @settings_ids("questions")
       def closed(part, remap): ...

The features' parts: questions.py, polls.py, speakers.py (each says what it
shows to which audience).

The audience rules every provider must keep
-------------------------------------------
- `Audience.SHAREABLE` (rapporteurs and moderators): dismissed questions are
  counted, not listed; poll answers a moderator excluded are absent.
  `Audience.FULL` (moderators only): they are listed (excluded answers marked).
- One record never breaks a report (containment.py): text leaves encodable,
  and a provider, row or event that fails to render becomes a mark and a log line.
- Text people typed is isolated where it could reorder its line (bidi.py): a
  provider composing it into a sentence of ours wraps it in `isolate()`.
- Never an anonymous author, in either audience or the archive. Events reach
  reports through the rapporteurs' projection (`@projection(type, RAPPORTEUR)`
  in core/events.py), and an attendee is never shown as an event's actor
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
    csv_file,
    event_redaction,
    event_summary,
    event_view,
    item_section,
    report_section,
    shareable_staff_events,
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
    "csv_file",
    "event_redaction",
    "event_summary",
    "event_view",
    "item_section",
    "report_section",
    "shareable_staff_events",
]
