"""Limits on starting: new learners through the API, VLE logins and SCORM launches.

A class of 30 behind one college address, starting at once and again, is never stopped; a
script making learners from one address is, with the plain "Too many at once" answer, and
other addresses carry on.
"""

from __future__ import annotations

from app import ratelimits
from app.lti.models import LtiLogin
from app.models import Learner
from tests.integration.test_lti import count, learner_launch, tool, vle  # noqa: F401  (tool and vle are fixtures)
from tests.integration.test_limits_guessing import amount, browser_at
from tests.integration.test_scorm import new_token, start

CLASS = 30
COLLEGE = "192.0.2.44"  # the college's one address, behind its NAT
SCRIPT = "203.0.113.66"


def is_too_many_at_once(response) -> bool:
    said = response.json["error"] if response.is_json else response.text
    return (response.status_code == 429 and "Too many" in said and "wrong tries" not in said
            and "Please wait 10 minutes" in said and 0 < int(response.headers["Retry-After"]) <= 600)


def test_a_class_starting_through_an_app_at_once_is_never_stopped_but_a_script_is(app):
    college = browser_at(app, COLLEGE)
    for _ in range(CLASS):
        assert college.post("/api/v1/learners").status_code == 201
    script = browser_at(app, SCRIPT)
    for _ in range(amount(ratelimits.NEW_LEARNERS_PER_ADDRESS)):
        assert script.post("/api/v1/learners").status_code == 201
    refused = script.post("/api/v1/learners")
    assert is_too_many_at_once(refused) and "token" not in refused.json
    assert count(app, Learner) == CLASS + amount(ratelimits.NEW_LEARNERS_PER_ADDRESS), "a refused start makes nobody"
    assert college.post("/api/v1/learners").status_code == 201, "the college, elsewhere, carries on"


def test_a_vle_launching_a_whole_class_is_never_stopped_but_a_flood_of_logins_is(tool, vle):  # noqa: F811
    college = browser_at(tool, COLLEGE)
    for n in range(CLASS):
        login = college.get("/lti/login", query_string=vle.login_initiation(learner_launch(f"student-{n}")))
        assert login.status_code == 302 and login.location.startswith(f"{vle.base}/auth")
    script = browser_at(tool, SCRIPT)
    # Every login counts, a refused one too (these aim elsewhere, and are quick to refuse).
    elsewhere = {**vle.login_initiation(learner_launch("x")), "target_link_uri": "https://evil.example/"}
    for n in range(amount(ratelimits.LTI_LOGINS_PER_ADDRESS)):
        assert script.get("/lti/login", query_string=elsewhere).status_code == 400
    stored = count(tool, LtiLogin)
    refused = script.post("/lti/login", data=vle.login_initiation(learner_launch("x")))
    assert is_too_many_at_once(refused) and "Too many at once" in refused.text
    assert count(tool, LtiLogin) == stored, "a refused login keeps nothing"
    assert college.get("/lti/login", query_string=vle.login_initiation(learner_launch())).status_code == 302


def test_a_class_opening_a_scorm_package_at_once_is_never_stopped_but_a_script_making_students_is(app):
    token = new_token(app)
    college = browser_at(app, COLLEGE)
    keys = {}
    for n in range(CLASS):
        first = start(college, token, student=f"s-{n}")
        assert first.status_code == 200
        keys[n] = first.json["key"]
    for n in range(CLASS):  # and each opens it again
        assert start(college, token, student=f"s-{n}", key=keys[n]).status_code == 200
    script = browser_at(app, SCRIPT)
    for n in range(amount(ratelimits.SCORM_STARTS_PER_ADDRESS)):
        assert start(script, token, student=f"made-up-{n}").status_code == 200
    made = count(app, Learner)
    refused = start(script, token, student="made-up-again")
    assert is_too_many_at_once(refused) and "key" not in refused.json
    assert refused.headers["Access-Control-Allow-Origin"] == "*", "the package, on the VLE's site, can read why"
    assert count(app, Learner) == made, "a refused start makes nobody"
    assert start(college, token, student="s-late").status_code == 200, "the college carries on"
