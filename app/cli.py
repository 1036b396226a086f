"""Operations as `flask` commands: `flask --app wsgi content check`, `... content export`."""

from __future__ import annotations

import json

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from engine.export import course_data
from engine.loader import load_course, summary

content_cli = AppGroup("content", help="Check and export the course content.")


@content_cli.command("check")
@click.argument("directory", required=False, type=click.Path())
@click.option("--strict", is_flag=True, help="Treat warnings as errors too.")
def check(directory: str | None, strict: bool) -> None:
    """Check a content folder and print every problem as path:line: message."""
    course = load_course(directory or current_app.config["CONTENT_DIR"])
    for problem in course.problems:
        click.echo(str(problem))
    failed = bool(course.errors) or (strict and bool(course.warnings))
    if failed:
        click.echo(f"{len(course.errors)} errors and {len(course.warnings)} warnings. "
                   "Files with errors are left out of the site until they are fixed.", err=True)
        raise SystemExit(1)
    extra = f" ({len(course.warnings)} warnings)" if course.warnings else ""
    click.echo(f"OK: {summary(course)}.{extra}")


@content_cli.command("export")
@click.option("--output", "-o", type=click.File("w"), default="-", help="Write to a file instead of the screen.")
def export(output) -> None:
    """Print the whole course as JSON: modules, lessons, skills and questions."""
    course = load_course(current_app.config["CONTENT_DIR"])
    json.dump(course_data(course), output, indent=2, ensure_ascii=False)
    output.write("\n")
    if course.errors:
        click.echo(f"Left out {len(course.errors)} problem(s); run 'flask content check' to see them.", err=True)


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(content_cli)
