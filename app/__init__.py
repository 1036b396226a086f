"""Skills Passport: the web application."""

from __future__ import annotations

import os
from datetime import datetime

from flask import Flask

from . import config


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: settings, database, content, pages and commands."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    overrides = test_config or {}
    app.config.from_mapping(config.from_environment(app.instance_path, overrides))
    app.config.from_mapping(config.FIXED)
    app.config.from_mapping(overrides)
    app.config.from_mapping(config.embedded_cookies(app.config))
    from .auth.passwords import check_cost
    check_cost(app.config)
    app.logger.setLevel(app.config["LOG_LEVEL"])
    # Said only when serving (a `flask` command, `flask run` included, is someone trying the app out);
    # the admin page says it too.
    if not app.config.get("ISSUER_EMAIL") and not app.testing and not _in_a_command():
        app.logger.warning("Set ISSUER_EMAIL=your-contact@example.org before learners share badges: "
                           "badge wallets need the issuer's contact email, and it is not set")

    from .extensions import csrf, db, login_manager, migrate
    db.init_app(app)
    _tune_sqlite(app)
    migrate.init_app(app, db, directory=str(config.PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    from . import ratelimits
    ratelimits.init_app(app)
    if app.config["PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix
        n = app.config["PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)

    from .auth import sessions
    sessions.init_app(app)

    from . import caching
    caching.init_app(app)

    from . import content
    content.init_app(app)

    from . import errors
    errors.init_app(app)

    # Bad input (a NUL, a huge id, a deep JSON body) is refused with a 4xx before any page sees it.
    from . import input_guard, storable, urls
    input_guard.init_app(app)
    storable.init_app()
    urls.init_app(app)  # before the pages, whose addresses it reads
    from . import frame_links
    frame_links.init_app(app)  # the addresses every page's frame links to, built once

    from .learner import bp as learner_bp
    app.register_blueprint(learner_bp)

    from .badges import bp as badges_bp
    app.register_blueprint(badges_bp)

    from .auth import bp as auth_bp
    app.register_blueprint(auth_bp)

    from .tutor import bp as tutor_bp
    app.register_blueprint(tutor_bp, url_prefix="/tutor")

    from .admin import bp as admin_bp
    app.register_blueprint(admin_bp, url_prefix="/admin")

    from .lti import bp as lti_bp
    app.register_blueprint(lti_bp, url_prefix="/lti")

    from .api import bp as api_bp
    csrf.exempt(api_bp)  # the API uses bearer tokens, not cookies, so there is nothing to forge
    app.register_blueprint(api_bp)

    from .scorm import bp as scorm_bp
    app.register_blueprint(scorm_bp)

    from .settings import bp as settings_bp
    app.register_blueprint(settings_bp)

    from .practice import bp as practice_bp
    app.register_blueprint(practice_bp)

    from .employer import bp as employer_bp
    app.register_blueprint(employer_bp, url_prefix="/employer")

    from .opportunities import bp as opportunities_bp
    app.register_blueprint(opportunities_bp)

    from .report import bp as report_bp
    app.register_blueprint(report_bp, url_prefix="/report")

    from . import cli
    cli.init_app(app)

    from . import worker
    worker.init_app(app)  # after the areas, whose background work it registers

    @app.template_global()
    def skill_title(skill_id: str) -> str:
        """Return the name learners see for a skill."""
        skill = content.current_course().skills.get(skill_id)
        return skill.title if skill else skill_id

    @app.template_filter()
    def format_date(value) -> str:
        """Write a date as people read it: 23 November 2026."""
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return f"{value.day} {value:%B %Y}" if value else ""

    app.after_request(_security_headers)
    return app


def _in_a_command() -> bool:
    """Return whether the app is being built for a `flask` command rather than to serve."""
    import click

    return click.get_current_context(silent=True) is not None


def _tune_sqlite(app: Flask) -> None:
    """Let SQLite readers and a writer work at once, so answers do not queue behind page views."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    from .extensions import db

    def on_connect(connection, _record):
        cursor = connection.cursor()
        if app.config["SQLALCHEMY_DATABASE_URI"] not in ("sqlite://", "sqlite:///:memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: a crash loses no committed answer
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    with app.app_context():
        event.listen(db.engine, "connect", on_connect)


def content_security_policy(form_action: str = "") -> str:
    """Return the pages' Content-Security-Policy: only this site's own files, framed only by a VLE set up
    to; `form_action` adds a place a page's form may send to."""
    from .lti.registry import frame_ancestors

    return ("default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
            f"form-action 'self'{' ' + form_action if form_action else ''}; "
            f"frame-ancestors {' '.join(frame_ancestors())}; base-uri 'none'; object-src 'none'")


def _security_headers(response):
    """Add headers that stop the pages being framed (except by a VLE set up to), sniffed or injected into."""
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
