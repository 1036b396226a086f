"""Passwords are kept as scrypt hashes at werkzeug's full work factor, whatever the tests use for speed."""

from __future__ import annotations

import pytest
import werkzeug.security

from app.admin import staff
from app.auth import accounts
from app.extensions import db
from app.models import Learner
from tests.conftest import FULL_COST_HASHING, make_app

PASSWORD = "teapot river purple"
# werkzeug's default scrypt cost, n=2**15: what a real server pays for every hash and every sign-in.
FULL_COST = 2**15


@pytest.fixture
def sqlite_app(tmp_path):
    """Return an app on SQLite alone: hashing is the same on every database, and at full cost it is slow."""
    return make_app(tmp_path, f"sqlite:///{tmp_path / 'passwords.db'}")


@pytest.fixture
def full_cost_hashing(monkeypatch):
    """Hash at werkzeug's own defaults, as the app does outside the tests (tests/conftest.py lowers them)."""
    monkeypatch.setattr(werkzeug.security.generate_password_hash, "__defaults__", FULL_COST_HASHING)


def work_factor(password_hash: str) -> int:
    """Return scrypt's n from a werkzeug hash such as 'scrypt:32768:8:1$salt$hash'."""
    method, n, _r, _p = password_hash.split("$", 1)[0].split(":")
    assert method == "scrypt", password_hash[:20]
    return int(n)


def test_the_tests_hash_passwords_cheaply_so_the_suite_stays_quick():
    assert work_factor(werkzeug.security.generate_password_hash(PASSWORD)) < FULL_COST


def test_saved_accounts_staff_and_changed_passwords_are_hashed_at_the_full_work_factor(sqlite_app,
                                                                                      full_cost_hashing):
    with sqlite_app.app_context():
        tutor = accounts.create_user("tom.tutor", PASSWORD, "tutor", "Tom")
        assert work_factor(tutor.password_hash) >= FULL_COST
        accounts.change_password(tutor, PASSWORD, "kettle meadow violin", "kettle meadow violin")
        assert work_factor(tutor.password_hash) >= FULL_COST
        admin = accounts.create_user("ada.admin", PASSWORD, "admin", "Ada")
        staff.reset_password(admin, tutor, "orchard lantern teapot", "orchard lantern teapot")
        assert work_factor(tutor.password_hash) >= FULL_COST
        guest = Learner()
        db.session.add(guest)
        db.session.commit()
        accounts.save_account(guest, "sam.taylor", PASSWORD, PASSWORD)
        assert work_factor(guest.password_hash) >= FULL_COST
