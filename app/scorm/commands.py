"""SCORM commands for the site's administrator: `flask scorm reopen REFERENCE`."""

from __future__ import annotations

import click

from . import bp, launch


@bp.cli.command("reopen")
@click.argument("reference")
def reopen(reference: str) -> None:
    """Let a VLE student whose VLE lost their key take their record again, on their next launch within a day.

    REFERENCE is what the student's "could not be opened" page quotes: PACKAGE/STUDENT.
    """
    link = launch.reopen(reference)
    if link is None:
        raise click.ClickException(f"no student of a package has the reference '{reference}'. "
                                   "Copy it from the student's page exactly, with the / in it.")
    hours = int(launch.REOPEN_FOR.total_seconds() // 3600)
    click.echo(f"Reopened '{reference}': the student's next launch within {hours} hours takes their record "
               "and gets a new key. Ask them to open the topic from their course now.")
