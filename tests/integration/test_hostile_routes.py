"""Every address and every API operation, sent hostile values by everyone, never answers with a 5xx.

The walk is read from the app itself (its URL map and its OpenAPI description), so a new page or
operation is walked without anyone remembering to add it. Values come from Hypothesis: NUL bytes,
ids of 2^31, 2^63 and more, very long and odd Unicode text, empty strings, wrong JSON types and
deeply nested JSON, as a guest, a learner, a tutor and an admin, with and without a form token.
The examples are derandomised, so a run is repeatable and bounded (about a minute per database).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter

from app.api.openapi import openapi_document
from tests.conftest import BACKENDS, _drop_postgres_database, _fresh_postgres_database, make_app
from tests.integration.hostile import (DEEP_JSON, HOSTILE_IDS, HOSTILE_JSON, HOSTILE_TEXT, Site, build_site,
                                       form_token, json_body)
from tests.integration.test_learner_flow import course_of

APP_DIR = Path(__file__).resolve().parents[2] / "app"
ROLES = ("guest", "learner", "tutor", "admin", "employer")
# Pages that may end or change the session they are sent with: walked last, signing in again after one did.
SESSION_ENDING = {"auth.sign_out", "auth.sign_in", "auth.save", "auth.resume", "auth.password", "auth.delete",
                  "auth.resume_code", "auth.finish", "admin.password", "admin.role", "admin.delete"}
EXAMPLES_PER_PAGE = 2  # random ones, on top of the cases below that always run
# Ids past PostgreSQL's INTEGER and BIGINT, and text a database cannot keep or a page may choke on.
URL_IDS = [2**63, 2**31]
URL_TEXT = ["\x00", "x" * 5000]
# Every field at once: text too long for any column, a NUL, odd Unicode without a form token.
FIELD_CASES = [("x" * 2000, True), ("a\x00b", True), ("🏴‍☠️\u202e", False)]
SLOW_PAGES = {"badges.certificate_pdf"}  # each PDF takes over half a second to draw: one case of fields
EXAMPLES_PER_OPERATION = 25


def field_names() -> list[str]:
    """Return every form and query field name the app reads or its pages send."""
    names = {"csrf_token", "step-1", "step-2", "step-3"}
    reads = re.compile(r"""request\.(?:form|args|values|files)(?:\.get|\.getlist|\.get_all)?[(\[]\s*["']([^"']+)""")
    for path in APP_DIR.rglob("*.py"):
        names.update(reads.findall(path.read_text()))
    sends = re.compile(r"""\bname="([A-Za-z_][\w-]*)\"""")
    for path in APP_DIR.rglob("*.html"):
        names.update(sends.findall(path.read_text()))
    return sorted(names)


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory):
    """Return a site with people in it, on a fresh database of each kind."""
    tmp = tmp_path_factory.mktemp("hostile")
    if request.param == "sqlite":
        url, name = f"sqlite:///{tmp / 'hostile.db'}", None
    else:
        base = request.getfixturevalue("postgres_url")
        url, name = _fresh_postgres_database(base)
    app = make_app(tmp, url)
    yield build_site(app)
    from app.extensions import db
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if name:
        _drop_postgres_database(request.getfixturevalue("postgres_url"), name)


def real_values(site: Site) -> dict[str, list]:
    """Return values that name real things, so hostile fields also reach the pages behind them."""
    course = course_of(site.app)
    questions = {}
    for question in course.questions.values():
        questions.setdefault(question.kind, question.id)
    return {
        "ids": site.ids,
        "int": [site.ids[k] for k in ("learner", "tutor", "admin", "spare", "group", "answer", "opportunity",
                                       "application")],
        "module_id": [m.id for m in course.modules],
        "lesson_id": list(course.lessons)[:3],
        "question_id": list(questions.values()),
        "level": ["bronze", "gold"],
        "kind": ["json", "png"],
    }


def _strategy_for(rule, arg: str, real: dict) -> st.SearchStrategy:
    if isinstance(rule._converters[arg], IntegerConverter):
        return st.sampled_from(HOSTILE_IDS + real["int"])
    known = real.get(arg, [])
    hostile = st.sampled_from(HOSTILE_TEXT) | st.text(max_size=30)
    return (st.sampled_from(known) | hostile) if known else hostile


class Walk:
    """Send requests and keep every 5xx (or crash) with what was sent."""

    def __init__(self):
        self.failures: list[str] = []
        self.requests = 0

    def send(self, client, what: str, **kwargs):
        """Send one request and note it if the site failed."""
        self.requests += 1
        try:
            response = client.open(**kwargs)
        except Exception as exc:  # noqa: BLE001 - every crash is a finding
            self.failures.append(f"{what}: raised {exc!r:.300} for {kwargs!r:.400}")
            return None
        if response.status_code >= 500:
            self.failures.append(f"{what}: {response.status_code} for {kwargs!r:.400}")
        return response


def _real_url_values(rule, real: dict) -> dict:
    """Return values for the rule's address that name real things, so forms reach the page behind them."""
    ids = {"group_id": "group", "learner_id": "learner", "answer_id": "answer", "user_id": "tutor",
           "opportunity_id": "opportunity", "application_id": "application"}
    return {arg: real["ids"][ids.get(arg, "learner")] if isinstance(rule._converters[arg], IntegerConverter)
            else (real.get(arg) or ["x"])[0] for arg in rule.arguments}


def _hostile_url_values(rule, n: int) -> dict:
    """Return the n-th set of hostile values for the rule's address."""
    return {arg: URL_IDS[n] if isinstance(rule._converters[arg], IntegerConverter) else URL_TEXT[n]
            for arg in rule.arguments}


def _refused(response) -> bool:
    """Say whether a page turned the request away before reading it: not signed in, or not allowed."""
    return response is not None and (response.status_code == 403 or (
        response.status_code == 302 and "/sign-in" in response.location))


def _walk_page(walk: Walk, client, token: str, rule, method: str, role: str, names: list[str], real: dict):
    what = f"{role} {method} {rule.rule}"

    def send(values: dict, data: dict, with_token: bool):
        url = rule.build(values, append_unknown=False)[1]
        data = {**data, "csrf_token": token} if with_token else dict(data)
        if method == "GET":
            return walk.send(client, what, path=url, method=method, query_string=data)
        return walk.send(client, what, path=url, method=method, data=data)

    # Every class of hostile value, every time: in the address, then in every field the app reads.
    for n in range(len(URL_IDS) if rule.arguments else 0):
        send(_hostile_url_values(rule, n), {}, False)
    for n, (text, with_token) in enumerate(FIELD_CASES):
        response = send(_real_url_values(rule, real), dict.fromkeys(names, text), with_token)
        if n == 0 and _refused(response) or rule.endpoint in SLOW_PAGES:
            return  # the page reads nothing from this role; its addresses were walked above

    args = {arg: _strategy_for(rule, arg, real) for arg in rule.arguments}
    value = st.sampled_from(HOSTILE_TEXT) | st.text(max_size=40)

    @settings(max_examples=EXAMPLES_PER_PAGE, database=None, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(values=st.fixed_dictionaries(args), data=st.dictionaries(st.sampled_from(names), value, max_size=6),
           with_token=st.booleans())
    def attack(values, data, with_token):
        send(values, data, with_token)

    attack()


def _an_employer_area(app, rule) -> bool:
    """Say whether an employer's walk takes in this page: theirs, any page for a role, or a passport check.

    Elsewhere an employer is like a learner with no progress, walked already: walking it again would only add time.
    """
    return (rule.endpoint.startswith(("employer.", "opportunities.", "badges.check"))
            or getattr(app.view_functions[rule.endpoint], "required_role", None) is not None)


def _page_rules(app):
    rules = [r for r in app.url_map.iter_rules() if not r.rule.startswith("/api/")]
    # Pages that may end the session go last, so a sign-out does not cut the walk short.
    return sorted(rules, key=lambda r: (r.endpoint in SESSION_ENDING, r.rule))


def test_no_page_answers_hostile_input_with_a_server_error(site):
    walk = Walk()
    names = field_names()
    real = real_values(site)
    clients = {}
    for rule in _page_rules(site.app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for role in ROLES:
                if role == "employer" and not _an_employer_area(site.app, rule):
                    continue
                if role not in clients or (rule.endpoint in SESSION_ENDING
                                           and not site.signed_in(clients[role][0], role)):
                    client = site.sign_in(role)
                    clients[role] = client, form_token(client)
                _walk_page(walk, *clients[role], rule, method, role, names, real)
    assert not walk.failures, f"{len(walk.failures)} server errors:\n" + "\n".join(walk.failures[:40])
    assert walk.requests > 1000, "the walk sent too few requests to mean anything"


# --- the API ------------------------------------------------------------------------------------------


def _operations():
    document = openapi_document()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method.upper(), operation


def _api_body() -> st.SearchStrategy:
    """Return JSON bodies: answer-shaped with hostile values, hostile on their own, or not JSON at all."""
    hostile = st.sampled_from(HOSTILE_JSON) | st.text(max_size=20) | st.integers()
    answer = st.fixed_dictionaries({}, optional={
        "choice": hostile, "choices": st.lists(hostile, max_size=3) | hostile, "typed": hostile,
        "order": st.lists(hostile, max_size=4) | hostile, "hints_used": hostile, "helped": hostile})
    as_json = (answer | hostile | st.recursive(st.none() | st.text(max_size=5), st.lists, max_leaves=8))
    return as_json.map(json_body) | st.sampled_from([DEEP_JSON, "{", "\x00", "not json", '{"typed": "\\u0000"}'])


def _walk_operation(walk: Walk, site: Site, path: str, method: str, operation: dict, token: str, real: dict):
    params = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
    by_name = {"module_id": real["module_id"], "lesson_id": real["lesson_id"], "question_id": real["question_id"]}
    args = {name: st.sampled_from(by_name.get(name, ["x"])) | st.sampled_from(HOSTILE_TEXT) | st.text(max_size=20)
            for name in params}
    client = site.app.test_client()
    if method == "DELETE":  # an operation that may end the token walks with one of its own
        token = client.post("/api/v1/learners").get_json()["token"]
    bearer = st.sampled_from([f"Bearer {token}", "", "Bearer ", "Bearer \x00", "Basic abc", f"Bearer {token}x"])

    @settings(max_examples=EXAMPLES_PER_OPERATION, database=None, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(values=st.fixed_dictionaries(args), body=_api_body(), authorization=bearer)
    def attack(values, body, authorization):
        url = "/api/v1" + path.format(**{k: _quote(v) for k, v in values.items()})
        headers = {"Authorization": authorization} if authorization else {}
        response = walk.send(client, f"API {method} {path}", path=url, method=method, headers=headers,
                             data=body.encode("utf-8", "surrogatepass"), content_type="application/json")
        if response is not None and not response.is_json:
            walk.failures.append(f"API {method} {path}: {response.status_code} was not JSON for {url!r:.200}")

    attack()


def _quote(value: str) -> str:
    from urllib.parse import quote
    return quote(value, safe="")


def test_no_api_operation_answers_hostile_input_with_a_server_error_and_every_error_is_json(site):
    walk = Walk()
    client = site.app.test_client()
    token = client.post("/api/v1/learners").get_json()["token"]
    real = real_values(site)
    for path, method, operation in _operations():
        _walk_operation(walk, site, path, method, operation, token, real)
        # Methods the description does not offer are refused, in JSON too.
        for other in {"GET", "POST", "PUT", "PATCH", "DELETE"} - {method}:
            url = "/api/v1" + re.sub(r"\{[^}]+\}", "x", path)
            response = walk.send(client, f"API {other} {path}", path=url, method=other)
            if response is not None and (response.status_code != 405 or not response.is_json):
                walk.failures.append(f"API {other} {path}: {response.status_code}, not a 405 in JSON")
    for url in ("/api/v1/nowhere", "/api/v1/modules/\x00/next", f"/api/v1/questions/{'x' * 5000}/answers"):
        response = walk.send(client, "API unknown address", path=url, method="GET")
        if response is not None and not response.is_json:
            walk.failures.append(f"API GET {url[:60]!r}: {response.status_code} was not JSON")
    assert not walk.failures, f"{len(walk.failures)} failures:\n" + "\n".join(walk.failures[:40])
    assert walk.requests > 100
