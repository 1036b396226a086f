"""Limits on guessing (passwords, resume codes, group join codes, passport check codes) and on starting.

Each try is counted as it starts, before the password or code is looked at, so tries sent all at
once cannot slip past the count; a right one is given back, so only wrong tries use up the limit.
Starting (a new learner through the API, a VLE's launch) counts every request, right or wrong:
each one makes something, and only a script makes thousands.
The counts live in the database by default (`store.py`), so every worker and every app server
shares them; `RATELIMIT_STORAGE_URI` can point them at Redis instead.
"""

from __future__ import annotations

from functools import wraps

from flask import Flask, g, make_response, request
from flask_limiter.util import get_remote_address

from ..extensions import limiter

# Wrong passwords for one username from one address: the owner, elsewhere, is never locked out.
SIGN_IN_PER_ACCOUNT_AND_ADDRESS = "5 per 15 minutes"
# Wrong sign-ins from one address, whatever the username: a whole class may share one address.
SIGN_IN_PER_ADDRESS = "60 per 15 minutes"
RESUME_CODES_PER_ADDRESS = "20 per 15 minutes"
# A class of 30 joining at once may mistype a few codes; a guesser gets 960 tries a day, and with a
# thousand groups each try has about 1 chance in 244,000 (6 characters from 25: 244 million codes).
GROUP_CODES_PER_ADDRESS = "40 per hour"
# An employer checks a handful of passports; found ones do not count at all. 8 characters from 25
# make 150 billion codes, so 30 wrong codes an hour find nothing.
PASSPORT_CHECKS_PER_ADDRESS = "30 per hour"
# Starting, from one address (a college's whole network often shares one). Each limit lets a
# class of 30 start together three times over, and a college's classes one after another; a
# script making learners gets 100 every 10 minutes, and no more than a thousand or so a day.
NEW_LEARNERS_PER_ADDRESS = "100 per 10 minutes;1000 per day"
# Every launch from a VLE signs in here, from each student's browser, and every relaunch again;
# a login makes no learner (the signed launch after it does), only a short-lived row to check it.
LTI_LOGINS_PER_ADDRESS = "300 per 10 minutes"
# The SCORM package asks here at every launch; a first launch in a package makes a learner.
SCORM_STARTS_PER_ADDRESS = "300 per 10 minutes;3000 per day"


class Crowd(str):
    """What a "Too many at once" answer says: too many starts from one address, not wrong guesses."""


def address() -> str:
    """Return the address the request came from (the learner's own, behind PROXIES proxies)."""
    return get_remote_address()


def username_and_address() -> str:
    """Return the username typed into the sign-in form together with the request's address."""
    from ..auth.accounts import clean_username

    return f"{clean_username(request.form.get('username', ''))[:40]}@{address()}"


def give_back_tries() -> None:
    """Give back the tries this request counted: it was right, so it was no guess."""
    if g.get("_tries_given_back"):
        return  # several limits on one page share one request's tries
    g._tries_given_back = True
    for counted in limiter.current_limits:
        if not counted.breached:
            limiter.storage.incr(counted.key, counted.limit.get_expiry(), amount=-1)


def guesses(limit_value: str, *, right, key_func=address, scope: str | None = None, methods=None,
            advice: str | None = None):
    """Limit wrong tries at a page: count each try as it starts, and give it back when `right(response)`.

    `scope` shares one count between pages (such as the two ways of checking a passport code);
    `advice` replaces the "Too many tries" page's last sentence, which tells a learner to ask their tutor.
    """
    if scope:
        count = limiter.shared_limit(limit_value, scope, key_func=key_func, methods=methods, error_message=advice)
    else:
        count = limiter.limit(limit_value, key_func=key_func, methods=methods, error_message=advice)

    def decorate(view):
        counted = count(view)

        @wraps(counted)
        def wrapped(*args, **kwargs):
            response = make_response(counted(*args, **kwargs))
            if right(response):
                give_back_tries()
            return response
        return wrapped
    return decorate


def starts(limit_value: str, message: str):
    """Limit how often one address can start something (every request counts); `message` says what."""
    return limiter.limit(limit_value, key_func=address, error_message=Crowd(message))


def _found(response) -> bool:
    return response.status_code < 400


def passport_checks(view):
    """Limit wrong passport codes from one address, on every page that looks one up (one count for all)."""
    return guesses(PASSPORT_CHECKS_PER_ADDRESS, scope="passport-check", right=_found,
                   advice="If a passport's code does not work, ask its holder to share their passport again.")(view)


def init_app(app: Flask) -> None:
    """Count tries where RATELIMIT_STORAGE_URI says: the database unless it names another store."""
    from . import store  # noqa: F401  (registers the database:// store with the limits library)

    limiter.init_app(app)
