"""Personal data goes N days after the end; the anonymous record and the reports stay.

The scripted consultation (scripted.py) ends at 10:10 WAT on its day; its names are
erased `settings.retention.days` days later (30 by default), by the server's clock
or `flask erase-personal-data`, once, leaving every report the same but for names.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import select

from server.core.errors import DomainError
from server.core.models import Consultation, Event, Participant
from server.features.agenda import service as agenda
from server.features.consultations import retention
from server.features.consultations.rules import parse_spec
from tests.conftest import DEMO_SPEC, Clock
from tests.reports.scripted import QUIET_NAME, SECRET_NAME, run_script

DAY = 24 * 3600
NAMES = ["Amina", "Kofi", "Zainab", SECRET_NAME, QUIET_NAME, "Ngozi Okafor", "Chair"]
FORMATS = [("markdown", "full"), ("markdown", "shareable"), ("csv", "full")]


def names_of(core, consultation_id: int) -> list[str]:
    with core.store.reading() as tx:
        people = select(Participant.display_name).where(
            Participant.consultation_id == consultation_id
        )
        return [name for name in tx.scalars(people) if name]


def logged_text(core, consultation_id: int) -> str:
    with core.store.reading() as tx:
        events = select(Event.payload).where(Event.consultation_id == consultation_id)
        return repr(list(tx.scalars(events)))


def erased_now(core, c) -> list[retention.Erased]:
    """What erase_due did to `c` (the PostgreSQL test database holds other tests' too)."""
    return [erased for erased in retention.erase_due(core) if erased.join_code == c.join_code]


def lines_of(fmt: str, data: bytes) -> list[str]:
    """A report's lines; for the CSV download, each table's lines after its file name,
    but the moment the download was made."""
    if fmt != "csv":
        return data.decode().splitlines()
    with zipfile.ZipFile(io.BytesIO(data)) as tables:
        return [
            f"{name}: {line}"
            for name in sorted(tables.namelist())
            for line in tables.read(name).decode("utf-8-sig").splitlines()
            if not line.startswith(("made_at,", "made_at_local,"))
        ]


def test_nothing_is_erased_before_the_retention_period_ends(core, clock, scripted):
    clock.advance(30 * DAY - 60)
    assert erased_now(core, scripted.consultation) == []
    assert "Amina" in names_of(core, scripted.consultation.id)


def test_after_30_days_names_are_gone_from_people_and_the_log(core, clock, scripted):
    consultation_id = scripted.consultation.id
    assert "Amina" in logged_text(core, consultation_id)
    clock.advance(30 * DAY)
    (erased,) = erased_now(core, scripted.consultation)
    assert erased.participants == 8 and erased.events > 0
    assert names_of(core, consultation_id) == []
    assert not any(name in logged_text(core, consultation_id) for name in NAMES)
    (event,) = erased.logged
    assert (event.type, event.visibility) == ("personal_data_erased", "staff")
    assert event.payload == {"participants": 8, "events": erased.events}


@pytest.mark.parametrize(("fmt", "audience"), FORMATS)
def test_every_report_differs_only_where_a_name_was(core, clock, scripted, download, fmt, audience):
    consultation_id = scripted.consultation.id
    before = lines_of(fmt, download(consultation_id, fmt, audience))
    clock.advance(30 * DAY)
    retention.erase_due(core)
    after = lines_of(fmt, download(consultation_id, fmt, audience))
    assert not any(name in line for line in after for name in NAMES)
    erasure = [line for line in after if "ersonal data erased" in line.replace("_", " ")]
    assert len(erasure) == (1 if audience == "full" else 0)
    kept = [line for line in after if line not in erasure]
    assert len(kept) == len(before)
    changed = [(old, new) for old, new in zip(before, kept, strict=True) if old != new]
    assert changed, "the report held names"
    unexplained = [pair for pair in changed if not any(name in pair[0] for name in NAMES)]
    assert unexplained == []


def test_the_archive_keeps_everything_but_the_names(core, clock, scripted, download):
    before = json.loads(download(scripted.consultation.id, "json", "full"))
    clock.advance(30 * DAY)
    retention.erase_due(core)
    after = json.loads(download(scripted.consultation.id, "json", "full"))
    text = json.dumps(after, ensure_ascii=False)
    assert not any(name in text for name in NAMES)
    assert {table: len(rows) for table, rows in after.items() if isinstance(rows, list)} == {
        table: len(rows) + (table == "events")
        for table, rows in before.items()
        if isinstance(rows, list)
    }


def test_erasing_twice_changes_nothing(core, clock, scripted):
    clock.advance(31 * DAY)
    assert len(erased_now(core, scripted.consultation)) == 1
    assert erased_now(core, scripted.consultation) == []
    assert retention.erase(core, scripted.consultation.id) is None
    with core.store.reading() as tx:
        kinds = select(Event.type).where(
            Event.consultation_id == scripted.consultation.id,
            Event.type == "personal_data_erased",
        )
        assert len(tx.scalars(kinds).all()) == 1


def test_each_consultation_keeps_names_as_long_as_its_agenda_file_says(
    core, clock, scripted, create_consultation
):
    week = create_consultation(short_name="asia-2024", settings={"retention": {"days": 7}})
    week.join(display_name="Li Wei")
    agenda.end_consultation(core, week.moderator)
    clock.advance(7 * DAY)
    erased = {done.join_code for done in retention.erase_due(core)}
    assert week.join_code in erased and scripted.consultation.join_code not in erased
    assert "Amina" in names_of(core, scripted.consultation.id)  # its 30 days are not over


def test_a_consultation_not_ended_keeps_its_names(core, clock, create_consultation):
    live = create_consultation()
    live.join(display_name="Amina")
    clock.advance(400 * DAY)
    assert erased_now(core, live) == []
    with core.store.reading() as tx:
        assert tx.get(Consultation, live.id).personal_data_erased_at is None


@pytest.mark.parametrize(
    ("retention_setting", "code"),
    [
        ({"days": 0}, "invalid_retention_days"),
        ({"days": 3651}, "invalid_retention_days"),
        ({"days": "30"}, "invalid_retention_days"),
        ({"weeks": 4}, "invalid_retention"),
        (30, "invalid_retention"),
    ],
)
def test_a_retention_setting_out_of_bounds_is_refused(retention_setting, code):
    with pytest.raises(DomainError) as refused:
        parse_spec({**DEMO_SPEC, "settings": {"retention": retention_setting}})
    assert refused.value.code == code


def test_the_command_line_erases_what_is_due_and_says_so(app, app_core):
    app_core.clock = clock = Clock()
    scripted = run_script(app_core, clock)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["erase-personal-data"]).output == "nothing due\n"
    clock.advance(30 * DAY)
    said = runner.invoke(args=["erase-personal-data"]).output
    assert said.startswith(f"{scripted.consultation.join_code}: names erased (8 participants, ")


def test_the_server_clock_publishes_the_erasure_to_staff(core, clock, scripted):
    clock.advance(30 * DAY)
    logged = [e for e in retention.log_due(core) if e.consultation_id == scripted.consultation.id]
    assert [event.type for event in logged] == ["personal_data_erased"]
