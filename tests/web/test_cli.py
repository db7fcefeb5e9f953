"""The command line: migrate, create from an agenda file, seed the demo, new links."""

import json

from server.cli import prepare


def test_create_consultation_from_a_yaml_agenda_file_prints_its_links(app, tmp_path):
    agenda = tmp_path / "asia.yaml"
    agenda.write_text(
        "short_name: asia-2024\ntitle: Regional Cybercrime Consultations for Asia\n"
        "time_zone: Asia/Bangkok\nstart: '2024-01-30T14:00'\n"
        "agenda:\n  - {title: Opening, minutes: 10}\n  - {title: Discussion, minutes: 80}\n"
    )
    result = app.test_cli_runner().invoke(args=["create-consultation", str(agenda)])
    assert result.exit_code == 0, result.output
    assert "/j/" in result.output and "/m/" in result.output and "/r/" in result.output


def test_a_bad_agenda_file_is_refused_with_its_error_code(app, tmp_path):
    agenda = tmp_path / "bad.json"
    agenda.write_text(json.dumps({"short_name": "x", "title": "T", "time_zone": "Nowhere"}))
    result = app.test_cli_runner().invoke(args=["create-consultation", str(agenda)])
    assert result.exit_code != 0 and "invalid_time_zone" in result.output


def test_an_unreadable_agenda_file_is_a_clear_error(app, tmp_path):
    agenda = tmp_path / "broken.yaml"
    agenda.write_text("agenda: [unclosed")
    result = app.test_cli_runner().invoke(args=["create-consultation", str(agenda)])
    assert result.exit_code != 0 and "invalid_agenda_file" in result.output


def test_the_demo_is_seeded_once_and_its_links_are_printed_again(app):
    first = prepare(app)
    again = prepare(app)
    assert "Regional Cybercrime Consultations for Africa" in first
    assert first == again


def test_new_links_replace_the_old_ones(app, app_consultation):
    result = app.test_cli_runner().invoke(args=["new-links", app_consultation.join_code])
    assert result.exit_code == 0 and "/m/" in result.output
    assert app_consultation.moderator_link not in result.output


def test_migrate_reports_an_up_to_date_database(app):
    result = app.test_cli_runner().invoke(args=["migrate"])
    assert result.exit_code == 0 and "up to date" in result.output
