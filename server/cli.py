"""Command-line tasks: `flask --app server <command>` (see README)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy.orm import Session

from .core.errors import DomainError
from .core.events import MODERATOR, RAPPORTEUR
from .core.models import Consultation
from .core.runtime import Core
from .features.consultations import service as consultations
from .seed import create_from_file, seed_demo_if_empty
from .storage import backups
from .storage.migrate import upgrade


def links_text(public_url: str, join_code: str, moderator: str, rapporteur: str) -> str:
    return (
        f"  attendees:   {public_url}/j/{join_code}   (join code {join_code})\n"
        f"  moderator:   {public_url}/m/{moderator}\n"
        f"  rapporteur:  {public_url}/r/{rapporteur}\n"
    )


def demo_links_file(app: Flask) -> Path:
    return Path(app.config["BARAZA"].instance_path) / "demo-links.json"


def prepare(app: Flask) -> str:
    """Migrate, seed the demo into an empty database, and say how to reach it."""
    config = app.config["BARAZA"]
    upgrade(config.database_url)
    core: Core = app.extensions["baraza"]
    created = seed_demo_if_empty(core)
    path = demo_links_file(app)
    if created is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(created.__dict__))
        path.chmod(0o600)
    if not path.exists():
        return (
            "The database already holds consultations;"
            " `flask --app server.app new-links CODE` issues new links.\n"
        )
    saved = json.loads(path.read_text())
    text = "Demo consultation — Regional Cybercrime Consultations for Africa\n" + links_text(
        config.public_url, saved["join_code"], saved["moderator_token"], saved["rapporteur_token"]
    )
    if "organiser_token" in saved:
        text += organiser_text(config.public_url, saved["series_id"], saved["organiser_token"])
    return text


def organiser_text(public_url: str, series_id: int, token: str) -> str:
    """How the organiser reaches the demo series (its page, or the API with the link)."""
    return (
        "Demo series — Regional Cybercrime Consultations: Africa, with the Americas and Asia\n"
        "  as drafts (dates to be set), and an ended rehearsal labelled as sample data\n"
        f"  organiser:   {public_url}/s/{token}\n"
        f"  comparison:  {public_url}/s/{token}/comparison"
        f"   (JSON: GET /api/series/{series_id}/comparison, the link as Bearer token)\n"
    )


def register_cli(app: Flask) -> None:
    @app.cli.command("migrate")
    def migrate() -> None:
        """Apply database migrations."""
        upgrade(current_app.config["BARAZA"].database_url)
        click.echo("database is up to date")

    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Migrate and create the demo consultation if the database is empty."""
        click.echo(prepare(current_app._get_current_object()))  # type: ignore[attr-defined]

    @app.cli.command("create-consultation")
    @click.argument("agenda_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def create_consultation(agenda_file: Path) -> None:
        """Create a consultation from an agenda file (YAML or JSON)."""
        try:
            created = create_from_file(current_app.extensions["baraza"], agenda_file)
        except DomainError as error:
            raise click.ClickException(f"{error.code}: {error.message}") from error
        click.echo(
            links_text(
                current_app.config["BARAZA"].public_url,
                created.join_code,
                created.moderator_token,
                created.rapporteur_token,
            )
        )

    @app.cli.command("export-json")
    @click.argument("join_code")
    @click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path))
    def export_json(join_code: str, output: Path | None) -> None:
        """Write a consultation's JSON archive (default: its usual file name, here)."""
        from .reports import exports

        def find(tx: Session) -> Consultation:
            return consultations.find_by_code(tx, join_code)

        try:
            written = exports.archive_to_file(current_app.extensions["baraza"], find, output)
        except DomainError as error:
            raise click.ClickException(f"{error.code}: {error.message}") from error
        click.echo(f"archive written to {written}")

    @app.cli.command("import-json")
    @click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_json(archive: Path) -> None:
        """Restore a consultation from a JSON archive, with a new join code and staff links."""
        from .archive.restore import restore

        try:
            restored = restore(current_app.extensions["baraza"], archive.read_bytes())
        except DomainError as error:
            raise click.ClickException(f"{error.code}: {error.message}") from error
        click.echo(
            "Restored as a new consultation\n"
            + links_text(
                current_app.config["BARAZA"].public_url,
                restored.join_code,
                restored.moderator_token,
                restored.rapporteur_token,
            )
        )

    @app.cli.command("erase-personal-data")
    def erase_personal_data() -> None:
        """Erase the names of every consultation whose retention period is over.

        The server's clock does the same every few seconds; this is for a
        deployment that wants it now, or from cron. Running it twice is harmless.
        """
        from .core import emitter
        from .features.consultations import retention

        core: Core = current_app.extensions["baraza"]
        erased = retention.erase_due(core)
        for done in erased:
            emitter.publish(core, done.logged)
            click.echo(
                f"{done.join_code}: names erased "
                f"({done.participants} participants, {done.events} log entries)"
            )
        if not erased:
            click.echo("nothing due")

    @app.cli.command("new-links")
    @click.argument("join_code")
    def new_links(join_code: str) -> None:
        """Revoke a consultation's staff links and print new ones."""
        core: Core = current_app.extensions["baraza"]
        try:
            tokens = consultations.reissue_links(core, join_code)
        except DomainError as error:
            raise click.ClickException(f"{error.code}: {error.message}") from error
        click.echo(
            links_text(
                current_app.config["BARAZA"].public_url,
                join_code.upper(),
                tokens[MODERATOR],
                tokens[RAPPORTEUR],
            )
        )

    @app.cli.command("backup")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    def backup(file: Path) -> None:
        """Copy the whole database, online and consistent, into a new FILE."""
        try:
            backups.backup(current_app.config["BARAZA"].database_url, file)
        except backups.BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"backup written to {file}")

    @app.cli.command("restore")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def restore(file: Path) -> None:
        """Restore a backup FILE into the database, which must be empty; then migrate it."""
        url = current_app.config["BARAZA"].database_url
        try:
            backups.restore(url, file)
        except backups.BackupError as error:
            raise click.ClickException(str(error)) from error
        upgrade(url)
        click.echo(f"restored {file}; the database is up to date")
