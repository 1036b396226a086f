"""Limits on guessing: wrong passwords, group join codes and passport check codes.

A guesser is stopped; the rightful owner, a class sharing one address and an employer checking
a handful of passports never are.
"""

from __future__ import annotations

from app import ratelimits
from app.auth import accounts, passwords
from app.badges import awards
from app.extensions import db
from app.models import Group, Learner
from tests.integration.test_accounts import make_tutor, post, save_account, sign_in


def amount(limit_value: str) -> int:
    """Return how many tries a limit such as "40 per hour" allows."""
    return int(limit_value.split()[0])


def browser_at(app, address: str):
    """Return a browser whose requests come from this address."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def is_friendly_429(response) -> bool:
    return (response.status_code == 429 and "Too many tries" in response.text
            and int(response.headers["Retry-After"]) > 0)


def test_wrong_passwords_from_one_address_never_lock_the_owner_out_elsewhere(app):
    save_account(browser_at(app, "192.0.2.10"))
    attacker = browser_at(app, "203.0.113.66")
    tries = amount(ratelimits.SIGN_IN_PER_ACCOUNT_AND_ADDRESS)
    for _ in range(tries):
        assert sign_in(attacker, password="guess guess guess").status_code == 401
    assert is_friendly_429(sign_in(attacker, password="guess guess guess"))
    assert sign_in(attacker).status_code == 429, "from that address even the right password waits"
    assert sign_in(browser_at(app, "192.0.2.10")).status_code == 302, "the owner, at home, signs in"
    assert sign_in(browser_at(app, "198.51.100.7")).status_code == 302, "and anywhere else"


def test_wrong_sign_ins_for_many_usernames_from_one_address_are_stopped_too(app, monkeypatch):
    save_account(browser_at(app, "192.0.2.10"))
    sprayer = browser_at(app, "203.0.113.66")
    monkeypatch.setattr(passwords, "check_password_hash", lambda *_: False)  # a wrong guess, without the wait
    for n in range(amount(ratelimits.SIGN_IN_PER_ADDRESS)):
        assert sign_in(sprayer, username=f"someone{n}", password="Password1").status_code == 401
    assert is_friendly_429(sign_in(sprayer, username="sam.taylor", password="Password1"))
    monkeypatch.undo()
    assert sign_in(browser_at(app, "192.0.2.10")).status_code == 302, "the owner, elsewhere, still signs in"


def test_right_sign_ins_never_use_up_the_tries(app):
    save_account(browser_at(app, "192.0.2.10"))
    library = browser_at(app, "192.0.2.10")
    for _ in range(amount(ratelimits.SIGN_IN_PER_ACCOUNT_AND_ADDRESS) + 3):
        assert sign_in(library).status_code == 302
    for _ in range(amount(ratelimits.SIGN_IN_PER_ACCOUNT_AND_ADDRESS) - 1):
        assert sign_in(library, password="slipped finger").status_code == 401
    assert sign_in(library).status_code == 302, "the last try is still there"


def test_any_typed_username_is_counted_without_a_fault(app):
    for username in ("sam\x00taylor", "x" * 5000, "\u202esam", "sam\x07bell", "sam\ttab"):
        attacker = browser_at(app, "203.0.113.66")
        answers = [sign_in(attacker, username=username, password="guess").status_code
                   for _ in range(amount(ratelimits.SIGN_IN_PER_ACCOUNT_AND_ADDRESS) + 1)]
        assert max(answers) < 500, (username[:20], answers)
        if answers[0] == 401:  # a name the form takes (one it refuses outright is no try at all)
            assert answers[-1] == 429, (username[:20], answers)


def make_group(app) -> str:
    tutor_id = make_tutor(app)
    with app.app_context():
        group = Group(name="Tuesday class", join_code=accounts.new_group_code(), tutor_id=tutor_id)
        db.session.add(group)
        db.session.commit()
        return group.join_code


def join(browser, code: str, name: str = "Pat"):
    return post(browser, "/groups/join", "/groups/join", code=code, name=name)


def test_guessing_group_codes_is_stopped_but_a_class_sharing_one_address_still_joins(app):
    code = make_group(app)
    college = "192.0.2.20"
    for learner in range(amount(ratelimits.GROUP_CODES_PER_ADDRESS) - 1):
        assert join(browser_at(app, college), "WRONG9", f"Learner {learner}").status_code == 422
    for learner in range(12):
        assert join(browser_at(app, college), code, f"Learner {learner}").status_code == 302, \
            "right codes do not count against the class"
    guesser = browser_at(app, college)
    assert join(guesser, "WRONG9").status_code == 422, "the last wrong try allowed"
    stopped = join(guesser, "WRONG9")
    assert is_friendly_429(stopped) and "check it with your tutor" in stopped.text
    assert join(guesser, code).status_code == 429, "once stopped, no more tries from there for a while"
    assert join(browser_at(app, "198.51.100.8"), code).status_code == 302, "other addresses are not stopped"


def share_code(app) -> str:
    with app.app_context():
        learner = Learner(display_name="Sam Taylor")
        db.session.add(learner)
        db.session.commit()
        return awards.share_passport(learner).code


def test_guessing_passport_codes_is_stopped_but_an_employer_checking_real_ones_never_is(app):
    code = share_code(app)
    employer = browser_at(app, "192.0.2.30")
    for _ in range(3 * amount(ratelimits.PASSPORT_CHECKS_PER_ADDRESS)):
        assert employer.get(f"/check/{code}").status_code == 200
    assert employer.get(f"/check?code={code.lower()}").status_code == 302
    for wrong in range(amount(ratelimits.PASSPORT_CHECKS_PER_ADDRESS) - 1):
        assert employer.get(f"/check/NOTREAL{wrong}").status_code == 404
    assert employer.get("/check?code=NOTREAL").status_code == 404, "the form shares the count"
    stopped = employer.get("/check/NOTREAL")
    assert is_friendly_429(stopped)
    assert "ask its holder" in stopped.text and "ask your tutor" not in stopped.text, "an employer has no tutor to ask"
    assert employer.get(f"/check/{code}").status_code == 429
    assert browser_at(app, "198.51.100.9").get(f"/check/{code}").status_code == 200

