"""Passwords are kept as scrypt hashes at werkzeug's full work factor; only tests may ask for a cheaper one."""

from __future__ import annotations

import pytest

from app import create_app
from app.admin import staff
from app.auth import accounts
from app.auth.passwords import FULL_COST
from app.config import FIXED
from app.extensions import db
from app.models import Learner
from tests.conftest import TEST_PASSWORD_HASH, make_app

PASSWORD = "teapot river purple"
# werkzeug's default scrypt cost, n=2**15: what a real server pays for every hash and every sign-in.
FULL_N = 2**15


def work_factor(password_hash: str) -> int:
    """Return scrypt's n from a werkzeug hash such as 'scrypt:32768:8:1$salt$hash'."""
    method, n, _r, _p = password_hash.split("$", 1)[0].split(":")
    assert method == "scrypt", password_hash[:20]
    return int(n)


def test_the_tests_hash_passwords_cheaply_so_the_suite_stays_quick(tmp_path):
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'cheap.db'}")
    with app.app_context():
        tutor = accounts.create_user("tom.tutor", PASSWORD, "tutor", "Tom")
        assert work_factor(tutor.password_hash) < FULL_N
        assert accounts.authenticate("tom.tutor", PASSWORD) == tutor


def test_saved_accounts_staff_and_changed_passwords_are_hashed_at_the_full_work_factor(tmp_path):
    assert FIXED["PASSWORD_HASH_METHOD"] == FULL_COST, "the site's own setting is the full cost"
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'passwords.db'}", PASSWORD_HASH_METHOD=FIXED["PASSWORD_HASH_METHOD"])
    with app.app_context():
        tutor = accounts.create_user("tom.tutor", PASSWORD, "tutor", "Tom")
        assert work_factor(tutor.password_hash) >= FULL_N
        assert accounts.authenticate("tom.tutor", PASSWORD) == tutor
        assert accounts.authenticate("nobody.here", PASSWORD) is None
        accounts.change_password(tutor, PASSWORD, "kettle meadow violin", "kettle meadow violin")
        assert work_factor(tutor.password_hash) >= FULL_N
        admin = accounts.create_user("ada.admin", PASSWORD, "admin", "Ada")
        staff.reset_password(admin, tutor, "orchard lantern teapot", "orchard lantern teapot")
        assert work_factor(tutor.password_hash) >= FULL_N
        guest = Learner()
        db.session.add(guest)
        db.session.commit()
        accounts.save_account(guest, "sam.taylor", PASSWORD, PASSWORD)
        assert work_factor(guest.password_hash) >= FULL_N


def test_a_site_outside_the_tests_refuses_to_keep_passwords_at_less_than_full_cost(tmp_path):
    settings = {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'site.db'}",
                "ISSUER_EMAIL": "digital.skills@example.org", "PASSWORD_HASH_METHOD": TEST_PASSWORD_HASH}
    with pytest.raises(RuntimeError, match="full cost"):
        create_app(settings)
    create_app({**settings, "PASSWORD_HASH_METHOD": FULL_COST})
