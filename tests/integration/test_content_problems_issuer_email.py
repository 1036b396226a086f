"""The ISSUER_EMAIL reminder: said where it matters (serving, the admin page), not on every command."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

from app import create_app
from app.auth import accounts
from tests.conftest import CONTENT_DIR, PROJECT_ROOT, csrf_token

PASSWORD = "teapot river purple"


def test_a_plain_command_does_not_warn_about_issuer_email(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "ISSUER_EMAIL"}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", SECRET_KEY="test-secret", LOG_LEVEL="INFO")
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "content", "check"], cwd=PROJECT_ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: ")
    assert "ISSUER_EMAIL" not in result.stdout + result.stderr


def test_the_server_still_says_how_to_set_issuer_email_when_it_starts_without_it(tmp_path, caplog):
    config = {"TESTING": False, "SECRET_KEY": "test-secret", "ISSUER_EMAIL": "",
              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'serve.db'}", "CONTENT_DIR": str(CONTENT_DIR)}
    with caplog.at_level(logging.WARNING, logger="app"):
        create_app(config)
    said = [record.getMessage() for record in caplog.records if "ISSUER_EMAIL" in record.getMessage()]
    assert said and "Set ISSUER_EMAIL=" in said[0] and "before learners share badges" in said[0]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="app"):
        create_app({**config, "ISSUER_EMAIL": "digital.skills@example.org"})
    assert not [record for record in caplog.records if "ISSUER_EMAIL" in record.getMessage()]


def _admin_page(app) -> str:
    with app.app_context():
        accounts.create_user("ada.admin", PASSWORD, "admin", "Ada Admin")
    client = app.test_client()
    page = client.get("/sign-in")
    client.post("/sign-in", data={"username": "ada.admin", "password": PASSWORD, "csrf_token": csrf_token(page.text)})
    return client.get("/admin/").text


def test_the_admin_page_says_to_set_issuer_email_before_learners_share_badges(app):
    app.config["ISSUER_EMAIL"] = ""
    page = _admin_page(app)
    assert "Before learners share badges" in page
    assert "<code>ISSUER_EMAIL=digital.skills@your-council.gov.uk</code>" in page


def test_the_admin_page_says_nothing_about_issuer_email_once_it_is_set(app):
    app.config["ISSUER_EMAIL"] = "digital.skills@example.org"
    page = _admin_page(app)
    assert "ISSUER_EMAIL" not in page and "Before learners share badges" not in page
