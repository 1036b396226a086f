"""A real SCORM package's addresses, sent odd students, names and keys, answer 4xx or work, never 5xx.

The walk of every page (test_hostile_routes.py) holds no real package token, so it is refused
before the student, name or key is read; here the token is real and each of those is hostile,
as a student who unzipped their course's package could send.
"""

from __future__ import annotations

import pytest

from app.models import Learner
from tests.integration.test_lti import count
from tests.integration.test_scorm import first_launch, new_token

ODD = ["", " ", "x" * 300, "x" * 5000, "é" * 200, "\u202e", "💥" * 100, str(2**63), str(2**64), "-1", "null",
       "../..", "%00", "\r\n", "a" * 43, "-" * 43]
FIELDS = ("student", "name", "key")


@pytest.mark.parametrize("field", FIELDS)
def test_odd_students_names_and_keys_with_a_real_package_never_fail_the_site(app, client, field):
    token = new_token(app)
    key = first_launch(client, token, student="s-real")
    for n, value in enumerate(ODD):
        data = {"token": token, "student": f"s-{n}", "name": "Taylor, Sam", "key": "", field: value}
        for method, url in (("POST", "/scorm/start"), ("POST", "/scorm/launch"), ("POST", "/scorm/progress"),
                            ("GET", "/scorm/progress"), ("GET", "/scorm/launch")):
            sent = {"data": data} if method == "POST" else {"query_string": data}
            answer = client.open(url, method=method, **sent)
            assert answer.status_code < 500, (method, url, field, value[:20], answer.status_code)
    for url in ("/scorm/launch", "/scorm/progress"):  # the real key, sent for someone else or changed
        assert client.post(url, data={"token": token, "student": "s-other", "key": key}).status_code in (403, 404)
        assert client.post(url, data={"token": token, "student": "s-real", "key": key[:-1] + "x"}).status_code == 403
    too_long = {"token": token, "student": "x" * 5000, "name": "N", "key": ""}
    before = count(app, Learner)
    assert client.post("/scorm/start", data=too_long).status_code == 400
    assert count(app, Learner) == before, "a student id no VLE sends makes nobody"
