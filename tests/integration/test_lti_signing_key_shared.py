"""The tool's LTI signing key: one for every app server, kept in the database, made once however many race.

Two apps over one database, each with an instance folder of its own, stand for two app servers
on two machines (the two-server test also checks real gunicorn servers behind nginx).
"""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest
from jwcrypto.jwk import JWK
from sqlalchemy import func, select

from app.extensions import db
from app.lti.models import LtiSigningKey
from app.lti.signing_key import KEY_FILE
from app.lti.tool import ServiceConnector, ToolConf
from tests.conftest import make_app
from tests.integration.lti_vle import TestVle
from tests.integration.test_lti import TOOL
from tests.integration.test_learner_flow import answer, course_of, right_fields
from tests.integration.test_tutor_pages import tutor_client

GRADE_SCOPES = ["https://purl.imsglobal.org/spec/lti-ags/scope/score"]


def server(tmp_path, database_url, name: str, **settings):
    """Return an app on the shared database with an instance folder of its own, as on a machine of its own."""
    app = make_app(tmp_path / name, database_url, PUBLIC_URL=TOOL, **settings)
    app.instance_path = str(tmp_path / name / "instance")
    return app


def kids(app) -> list[str]:
    """Return the ids of the keys the app publishes to VLEs."""
    response = app.test_client().get("/lti/jwks.json")
    assert response.status_code == 200
    return [key["kid"] for key in response.json["keys"]]


def stored_keys(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LtiSigningKey))


def kid_of(pem: str) -> str:
    return JWK.from_pem(pem.encode()).thumbprint()


@pytest.fixture
def servers(tmp_path, database_url):
    """Yield two apps on one database, with instance folders of their own."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    pair = server(tmp_path, database_url, "a"), server(tmp_path, database_url, "b")
    yield pair
    for app in pair:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_two_servers_with_no_key_set_publish_the_same_key_and_keep_it_out_of_their_folders(servers):
    a, b = servers
    assert kids(a) == kids(b) and len(kids(a)) == 1
    assert stored_keys(a) == 1
    for app in servers:
        assert not (Path(app.instance_path) / KEY_FILE).exists()


def test_a_vle_that_read_one_servers_keys_accepts_what_the_other_server_signs(servers):
    a, b = servers
    with TestVle(TOOL) as vle:
        vle.tool_jwks = a.test_client().get("/lti/jwks.json").json
        result = a.test_cli_runner().invoke(args=[
            "lti", "add-platform", "--name", "Test VLE", "--issuer", vle.issuer, "--client-id", vle.client_id,
            "--auth-login-url", f"{vle.base}/auth", "--auth-token-url", f"{vle.base}/token",
            "--key-set-url", f"{vle.base}/jwks", "--deployment-id", vle.deployment_id])
        assert result.exit_code == 0, result.output
        with b.app_context():
            registration = ToolConf().find_registration_by_params(vle.issuer, vle.client_id)
            # The VLE checks server B's signed request for a grade token against server A's keys.
            token = ServiceConnector(registration).get_access_token(GRADE_SCOPES)
    assert token


def test_a_key_an_older_version_left_in_the_instance_folder_moves_into_the_database_and_stays_in_use(servers):
    a, b = servers
    old = JWK.generate(kty="RSA", size=2048).export_to_pem(private_key=True, password=None).decode()
    old_file = Path(a.instance_path) / KEY_FILE
    old_file.parent.mkdir(parents=True, exist_ok=True)
    old_file.write_text(old)
    assert kids(a) == [kid_of(old)], "VLEs that trusted the site's key keep trusting it"
    assert kids(b) == [kid_of(old)], "and every other server signs with it too"
    assert not old_file.exists(), "the database holds the only copy now"
    assert stored_keys(a) == 1


def test_a_configured_key_is_used_and_nothing_is_stored(tmp_path, database_url):
    pem = JWK.generate(kty="RSA", size=2048).export_to_pem(private_key=True, password=None).decode()
    app = server(tmp_path, database_url, "configured", LTI_PRIVATE_KEY=pem)
    assert kids(app) == [kid_of(pem)]
    assert stored_keys(app) == 0
    with app.app_context():
        db.engine.dispose()


def test_the_key_itself_is_never_published(servers):
    a, _ = servers
    published = a.test_client().get("/lti/jwks.json").json["keys"][0]
    assert published["kty"] == "RSA" and not {"d", "p", "q", "dp", "dq", "qi"} & set(published)


def test_no_admin_page_or_data_download_shows_any_of_the_private_key(servers):
    a, _ = servers
    kids(a)  # the key is made
    with a.app_context():
        pem = db.session.scalar(select(LtiSigningKey.private_pem))
    secret_lines = [line for line in pem.splitlines() if "-----" not in line]
    admin = tutor_client(a, "ada", role="admin", name="Ada Admin")
    learner = a.test_client()
    question = course_of(a).questions["pw-hardest-to-guess"]
    assert answer(learner, question, right_fields(question)).status_code == 302
    download = learner.get("/account/data.json")
    assert download.status_code == 200
    shown = [download.text] + [admin.get(path).text for path in ("/admin/", "/lti/platforms", "/lti/register")]
    assert all(line not in page for page in shown for line in secret_lines)


# --- made once however many servers race for it ----------------------------------------------------------


def _first_key(tmp_path, database_url, name, barrier, results):
    try:
        app = server(tmp_path, database_url, name)
        barrier.wait()
        results.put(kids(app)[0])
    except Exception as exc:  # reported to the test, which fails
        results.put(f"error: {type(exc).__name__}: {exc}")


def test_racing_servers_all_get_the_one_key_stored_first(tmp_path, database_url):
    first = make_app(tmp_path, database_url)  # the tables, made before the servers start
    with first.app_context():
        db.engine.dispose()  # no connection shared with the forked servers
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(4), context.Queue()
    names = [f"server-{n}" for n in range(4)]
    for name in names:
        (tmp_path / name).mkdir()
    racers = [context.Process(target=_first_key, args=(tmp_path, database_url, name, barrier, results))
              for name in names]
    for racer in racers:
        racer.start()
    found = [results.get(timeout=120) for _ in racers]
    for racer in racers:
        racer.join(timeout=20)
    assert len(set(found)) == 1 and not found[0].startswith("error"), found
    assert stored_keys(first) == 1
    with first.app_context():
        db.engine.dispose()


def test_the_first_key_requests_from_several_threads_all_succeed_with_one_key(app, tmp_path):
    app.instance_path = str(tmp_path)  # no key yet
    barrier, answers = threading.Barrier(4), []

    def ask():
        client = app.test_client()
        barrier.wait()
        response = client.get("/lti/jwks.json")
        answers.append((response.status_code, response.json["keys"][0]["kid"] if response.status_code == 200 else None))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == 4 and {status for status, _ in answers} == {200}, answers
    assert len({kid for _, kid in answers}) == 1
