"""Operations as `flask` commands, run from the project folder: `.venv/bin/flask --app wsgi content check`."""

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
        click.echo(f"Left out {len(course.errors)} problem(s); run '.venv/bin/flask --app wsgi content check' "
                   "to see them.", err=True)


engine_cli = AppGroup("engine", help="Tune the adaptive engine.")


@engine_cli.command("fit")
@click.option("--output", type=click.Path(file_okay=False), default=None,
              help="Write the parameters.md files under this folder instead of the content folder.")
def fit(output: str | None) -> None:
    """Refit each skill's mastery settings, and each question's guess and slip, from the answer record.

    The answer table is read once, in the order of its index, a thousand rows at a time, until each
    skill has its sample (FIT_LEARNERS learners, FIT_ANSWERS answers): memory stays the same however
    many answers are stored. Nothing is written until every skill is fitted, and each file is
    replaced whole, so stopping it (Ctrl-C) leaves the old files as they were and it can simply be
    run again.
    """
    import sys
    from datetime import date
    from pathlib import Path

    from engine.fit import fit_questions, fit_skill, parameters_markdown

    from .content import current_course, current_parameters
    from .fitting import count_answers, course_blocks

    course, params = current_course(), current_parameters()
    root = Path(output) if output else Path(current_app.config["CONTENT_DIR"])
    skills = [(module, skill) for module in course.modules for skill in module.skills]
    fitted: dict[str, list] = {module.id: [] for module in course.modules}
    measured: dict[str, list] = {module.id: [] for module in course.modules}
    report = []
    with click.progressbar(length=count_answers(), label="Reading answers", file=sys.stderr) as bar:
        blocks_of_skill = course_blocks(course, params, progress=bar.update)
    with click.progressbar(skills, label="Fitting skills", show_pos=True, file=sys.stderr,
                           item_show_func=lambda item: item and f"{item[0].id}/{item[1].id}") as bar:
        for module, skill in bar:
            blocks = blocks_of_skill[skill.id]
            result = fit_skill(skill.id, blocks, params.for_skill(skill.id))
            fitted[module.id].append(result)
            if result.log_likelihood is None:
                report.append(f"{module.id}/{skill.id}: {result.answers} answers from {result.learners} learners, "
                              "too few to fit; settings kept")
                continue
            p = result.params
            report.append(f"{module.id}/{skill.id}: prior {p.prior:g}, learn {p.learn:g}, slip {p.slip:g} from "
                          f"{result.answers} answers by {result.learners} learners (log-likelihood "
                          f"{result.baseline_log_likelihood:.1f} -> {result.log_likelihood:.1f})")
            for question in fit_questions(blocks, p):
                measured[module.id].append(question)
                report.append(f"  {question.question_id}: guess {question.guess:g}, slip {question.slip:g} "
                              f"from {question.answers} answers")
    for line in report:
        click.echo(line)
    for module in course.modules:
        target = root / Path(module.folder).name / "parameters.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        _replace_file(target, parameters_markdown(module, fitted[module.id], date.today().isoformat(),
                                                  measured[module.id]))
        click.echo(f"Wrote {target}")


def _replace_file(target, text: str) -> None:
    """Write a file whole or not at all: a reader sees the old file or the new one, never half of one."""
    import os
    import tempfile

    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, 0o644)  # readable by the web server, as a file written plainly would be
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


badges_cli = AppGroup("badges", help="Look at and revoke passport badges.")


@badges_cli.command("list")
@click.option("--learner", "learner_id", type=int, help="Only this learner's badges (their number).")
def list_badges(learner_id: int | None) -> None:
    """Print the badges awarded: id, learner, topic, level, date, and whether shared or revoked."""
    from sqlalchemy import select

    from .extensions import db
    from .models import Award

    query = select(Award).order_by(Award.awarded_at, Award.id)
    if learner_id is not None:
        query = query.where(Award.learner_id == learner_id)
    for award in db.session.scalars(query):
        notes = [n for n, on in (("shared", award.shared), (f"revoked: {award.revoked_reason}", award.revoked)) if on]
        click.echo(f"{award.public_id}  learner {award.learner_id}  {award.module_id}  {award.level}  "
                   f"{award.awarded_at:%Y-%m-%d}" + (f"  ({'; '.join(notes)})" if notes else ""))


@badges_cli.command("revoke")
@click.argument("badge_id")
@click.option("--reason", required=True, help="Why, in words the learner and an employer will read.")
@click.option("--by", "by", required=True, help="Your name, kept with the revocation.")
def revoke_badge(badge_id: str, reason: str, by: str) -> None:
    """Revoke a badge: its check page and Open Badge then say it was revoked, and why."""
    from .badges import awards

    award = awards.find_award(badge_id)
    if award is None:
        raise click.ClickException(f"no badge has the id '{badge_id}': "
                                   "`.venv/bin/flask --app wsgi badges list` shows them")
    if award.revoked:
        raise click.ClickException(f"badge '{badge_id}' was already revoked on {award.revoked_at:%Y-%m-%d}")
    if not reason.strip():
        raise click.ClickException("give a reason: the learner and anyone checking the badge will see it")
    for revoked in awards.revoke(award, reason, by):
        click.echo(f"Revoked {revoked.level} in {revoked.module_id} for learner {revoked.learner_id}"
                   + ("." if revoked is award else f", which needs {award.level}."))


users_cli = AppGroup("users", help="Create tutor, admin and employer accounts.")


@users_cli.command("create-tutor")
@click.argument("username")
@click.option("--name", help="The tutor's name, as learners and other tutors see it.")
@click.option("--admin", is_flag=True, help="Make an admin: sees every group and manages tutors.")
@click.password_option(help="The password (asked for if not given).")
def create_tutor(username: str, name: str | None, admin: bool, password: str) -> None:
    """Create a tutor's account (or an admin's, with --admin)."""
    from .auth import accounts

    try:
        user = accounts.create_user(username, password, "admin" if admin else "tutor", name)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {user.role} '{user.username}'. They can sign in at /sign-in.")


@users_cli.command("create-employer")
@click.argument("username")
@click.option("--organisation", required=True, help="The employer's organisation (made if it is new).")
@click.option("--name", help="The name of the person who signs in for it.")
@click.password_option(help="The password (asked for if not given).")
def create_employer(username: str, organisation: str, name: str | None, password: str) -> None:
    """Create an employer's account that offers opportunities for an organisation."""
    from .auth.accounts import AccountError
    from .employer import organisations

    try:
        user = organisations.create_employer(username, password, organisation, name)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created employer '{user.username}' for {organisations.organisation_of(user).name}. "
               "They can sign in at /sign-in.")


lti_cli = AppGroup("lti", help="Register VLEs for LTI 1.3 and send grades back.")


@lti_cli.command("add-platform")
@click.option("--name", required=True, help="A name for the VLE, such as 'College Moodle'.")
@click.option("--issuer", required=True, help="The VLE's platform ID (issuer), such as https://moodle.college.ac.uk.")
@click.option("--client-id", required=True, help="The client ID the VLE gave this tool.")
@click.option("--auth-login-url", required=True, help="The VLE's authentication request URL.")
@click.option("--auth-token-url", required=True, help="The VLE's access token URL.")
@click.option("--key-set-url", required=True, help="The VLE's public keyset URL.")
@click.option("--deployment-id", "deployment_ids", multiple=True, required=True, help="A deployment ID (repeat for more).")
@click.option("--auth-audience", default="", help="The access token audience, if the VLE gives one.")
def add_platform(**settings) -> None:
    """Register a VLE (or add deployment IDs to one), so it can launch modules."""
    from .lti import registry

    try:
        platform = registry.add_platform(**settings)
    except registry.PlatformError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Registered {platform.name} ({platform.issuer}, client {platform.client_id}), deployments: "
               f"{', '.join(platform.deployment_ids)}.")
    if current_app.config.get("PUBLIC_URL"):
        click.echo("Give the VLE these settings for the tool:")
        for label, value in registry.tool_settings().items():
            click.echo(f"  {label}: {value}")
    else:
        click.echo("Set PUBLIC_URL to the site's address to see the settings to give the VLE.")


@lti_cli.command("platforms")
def list_platforms() -> None:
    """List the registered VLEs."""
    from .lti import registry

    for platform in registry.all_platforms():
        click.echo(f"{platform.name}: {platform.issuer} client {platform.client_id} "
                   f"deployments {', '.join(platform.deployment_ids)}")


@lti_cli.command("registration-url")
def registration_url() -> None:
    """Print a one-day link for LTI Dynamic Registration (needs PUBLIC_URL)."""
    from .lti import registry
    from .urls import NoPublicUrl

    try:
        click.echo(registry.registration_url())
    except NoPublicUrl as exc:
        raise click.ClickException(str(exc)) from None


@lti_cli.command("send-scores")
def send_scores() -> None:
    """Send the scores waiting for VLE gradebooks, retrying ones that failed (run it from cron)."""
    from .lti.grades import send_due
    from .lti.tool import DatabaseStorage

    sent, failed = send_due()
    cleared = DatabaseStorage.clear_expired()
    click.echo(f"Sent {sent} scores; {failed} failed and will be tried again. Cleared {cleared} expired values.")


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(content_cli)
    app.cli.add_command(engine_cli)
    app.cli.add_command(badges_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(export_cli)
    app.cli.add_command(lti_cli)


export_cli = AppGroup("export", help="Package modules for other systems, such as a VLE.")


@export_cli.command("scorm")
@click.argument("module_id", metavar="MODULE")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="The zip file to write (default: skills-passport-MODULE-scorm12.zip).")
@click.option("--base-url", default=None,
              help="The site's public address the package launches from (default: PUBLIC_URL).")
def export_scorm(module_id: str, output: str | None, base_url: str | None) -> None:
    """Build a SCORM 1.2 package that launches a module from this site, for Moodle, Canvas or Blackboard."""
    from .content import current_course
    from .scorm import launch
    from .scorm.package import build_package, package_filename

    course = current_course()
    module = course.module(module_id)
    if module is None:
        known = ", ".join(m.id for m in course.modules) or "none"
        raise click.ClickException(f"no module has the id '{module_id}'. The modules are: {known}")
    base_url = (base_url or current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    if not base_url.startswith(("https://", "http://")):
        raise click.ClickException("a package needs the site's public address: set PUBLIC_URL or pass "
                                   "--base-url https://passport.example.org")
    package = launch.new_package(module, "command line")
    data = build_package(module, base_url, launch.token_for(package))
    path = output or package_filename(module)
    with open(path, "wb") as file:
        file.write(data)
    click.echo(f"Wrote {path} ({len(data):,} bytes): '{module.title}', launching from {base_url}.")
