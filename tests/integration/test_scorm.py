"""SCORM 1.2 packages: the zip a VLE takes, its launch into this site, and the score its gradebook gets.

The helpers launch as the package's SCO does: post to /scorm/start for the student's key
(none on a first launch), then post the key to /scorm/launch. tests/integration/test_scorm_keys.py
checks that nobody else reaches a student's record.
"""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from app.extensions import db
from app.models import Learner, ScormLearner, ScormPackage
from app.scorm import launch
from app.scorm.package import build_package
from tests.conftest import make_app
from tests.integration.test_accounts import make_tutor, save_account, sign_in
from tests.integration.test_learner_flow import course_of, right_fields, walk

BASE = "https://passport.example.org"
CP = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"
ADLCP = "{http://www.adlnet.org/xsd/adlcp_rootv1p2}"
XSI = "{http://www.w3.org/2001/XMLSchema-instance}"


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def export(app, runner, tmp_path, module_id="passwords") -> zipfile.ZipFile:
    """Export a package with the command, as an admin would, and open it."""
    target = tmp_path / "module.zip"
    result = runner.invoke(args=["export", "scorm", module_id, "-o", str(target), "--base-url", BASE])
    assert result.exit_code == 0, result.output
    return zipfile.ZipFile(target)


def token_of(package: zipfile.ZipFile) -> str:
    """Return the signed token a package's SCO page carries."""
    return re.search(r'data-token="([^"]+)"', package.read("index.html").decode()).group(1)


def new_token(app, module_id="passwords") -> str:
    with app.app_context():
        return launch.token_for(launch.new_package(course_of(app).module(module_id), "a test"))


def launch_url(token: str, student: str = "s-1001", name: str = "Taylor, Sam") -> str:
    """Return a launch by address, as packages made before keys launched."""
    return "/scorm/launch?" + urlencode({"token": token, "student": student, "name": name})


def start(client, token: str, student: str = "s-1001", name: str = "Taylor, Sam", key: str = "", **options):
    """Ask for the student's key, as the SCO does before it shows the module."""
    return client.post("/scorm/start", data={"token": token, "student": student, "name": name, "key": key},
                       **options)


def open_module(client, token: str, student: str = "s-1001", key: str = "", **options):
    """Post the student and their key into the frame, as the SCO does."""
    return client.post("/scorm/launch", data={"token": token, "student": student, "key": key}, **options)


def first_launch(client, token: str, student: str = "s-1001", name: str = "Taylor, Sam") -> str:
    """Launch a student for the first time, as the SCO does; return the key their VLE keeps."""
    answer = start(client, token, student, name)
    assert answer.status_code == 200, answer.text
    key = answer.json["key"]
    assert open_module(client, token, student, key).status_code == 303
    return key


def progress(client, token: str, student: str = "s-1001", key: str = ""):
    return client.post("/scorm/progress", data={"token": token, "student": student, "key": key})


def learners(app) -> list[Learner]:
    with app.app_context():
        found = list(db.session.scalars(select(Learner).order_by(Learner.id)))
        db.session.expunge_all()
        return found


# --- the package --------------------------------------------------------------------------


def test_the_package_has_a_scorm_1_2_manifest_at_its_root_listing_files_that_are_all_there(app, runner, tmp_path):
    package = export(app, runner, tmp_path)
    names = set(package.namelist())
    assert "imsmanifest.xml" in names and all("/" not in name for name in names)
    manifest = ElementTree.fromstring(package.read("imsmanifest.xml"))
    assert manifest.tag == f"{CP}manifest"
    locations = manifest.get(f"{XSI}schemaLocation").split()
    assert dict(zip(locations[::2], locations[1::2])) == {
        "http://www.imsproject.org/xsd/imscp_rootv1p1p2": "imscp_rootv1p1p2.xsd",
        "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1": "imsmd_rootv1p2p1.xsd",
        "http://www.adlnet.org/xsd/adlcp_rootv1p2": "adlcp_rootv1p2.xsd",
    }
    assert manifest.findtext(f"{CP}metadata/{CP}schema") == "ADL SCORM"
    assert manifest.findtext(f"{CP}metadata/{CP}schemaversion") == "1.2"
    organizations = manifest.find(f"{CP}organizations")
    [organization] = organizations.findall(f"{CP}organization")
    assert organizations.get("default") == organization.get("identifier")
    [item] = organization.findall(f"{CP}item")
    assert item.findtext(f"{CP}title") == "Passwords and staying safe online"
    [resource] = manifest.findall(f"{CP}resources/{CP}resource")
    assert item.get("identifierref") == resource.get("identifier")
    assert resource.get(f"{ADLCP}scormtype") == "sco" and resource.get("type") == "webcontent"
    listed = [f.get("href") for f in resource.findall(f"{CP}file")]
    assert resource.get("href") in names and resource.get("href") in listed
    assert set(listed) <= names and names == set(listed) | {"imsmanifest.xml"}


def test_the_sco_finds_the_lms_api_and_reports_the_score_as_scorm_1_2_says(app, runner, tmp_path):
    package = export(app, runner, tmp_path)
    page = package.read("index.html").decode()
    assert '<script src="sco.js"' in page and 'href="sco.css"' in page
    assert f'data-site="{BASE}"' in page and 'data-module="passwords"' in page
    assert f'<form id="launch" method="post" action="{BASE}/scorm/launch"' in page
    assert '<iframe id="module" name="module"' in page
    script = package.read("sco.js").decode()
    for needed in ("win.parent", "window.opener", "MAX_PARENTS = 7", 'LMSInitialize("")', 'LMSFinish("")',
                   'LMSCommit("")', '"cmi.core.lesson_status", "incomplete"', '"cmi.core.score.raw"',
                   '"cmi.core.score.min", "0"', '"cmi.core.score.max", "100"', '"cmi.core.student_id"',
                   '"cmi.core.student_name"', '"cmi.suspend_data"', '"/scorm/start"', '"/scorm/progress"',
                   '"cmi.core.exit", "suspend"', "SUSPEND_DATA_LENGTH = 4096", '"pagehide"',
                   '"beforeunload"', '"visibilitychange"', "POLL_SECONDS = 20"):
        assert needed in script, needed
    assert "?token=" not in script and '"GET"' not in script, "keys never go in an address"


def test_the_export_command_refuses_an_unknown_module_or_a_missing_address(app, runner, tmp_path):
    target = tmp_path / "module.zip"
    result = runner.invoke(args=["export", "scorm", "knitting", "-o", str(target), "--base-url", BASE])
    assert result.exit_code == 1
    assert "no module has the id 'knitting'" in result.output and "passwords" in result.output
    result = runner.invoke(args=["export", "scorm", "passwords", "-o", str(target)])
    assert result.exit_code == 1 and "set PUBLIC_URL or pass --base-url" in result.output
    assert not target.exists() and count(app, ScormPackage) == 0


def test_each_export_is_a_new_package_with_its_own_token(app, runner, tmp_path):
    first, second = token_of(export(app, runner, tmp_path)), token_of(export(app, runner, tmp_path))
    assert first != second and count(app, ScormPackage) == 2
    with app.app_context():
        module = course_of(app).module("passwords")
        assert build_package(module, BASE, first) == build_package(module, BASE, first), "builds are repeatable"


# --- launching -----------------------------------------------------------------------------


def test_a_first_launch_makes_a_learner_signs_them_in_and_shows_the_module(app, client):
    token = new_token(app)
    first_launch(client, token)
    [learner] = learners(app)
    assert learner.display_name == "Sam Taylor" and learner.role == "learner" and learner.username is None
    page = client.get("/modules/passwords")
    assert page.status_code == 200 and "Download as a SCORM package" not in page.text
    assert client.get("/account").status_code == 200
    with app.app_context():
        link = db.session.scalar(select(ScormLearner))
        assert (link.lms_student_id, link.learner_id) == ("s-1001", learner.id)


def test_a_second_launch_of_the_same_student_finds_the_same_learner_and_their_progress(app, client):
    token = new_token(app)
    key = first_launch(client, token)
    walk(client, course_of(app), "passwords", right_fields, max_steps=3)
    again = app.test_client()  # another day, another computer: the VLE sends the key it kept
    assert start(again, token, name="Taylor, Samantha", key=key).json == {"key": key}
    response = open_module(again, token, key=key)
    assert response.status_code == 303 and response.location == "/modules/passwords"
    [learner] = learners(app)
    assert learner.display_name == "Sam Taylor", "the name the learner has is kept"
    assert "Continue" in again.get("/modules/passwords").text, "their progress came with them"


def test_a_different_student_or_package_gets_a_different_learner(app):
    token = new_token(app)
    keys = [first_launch(app.test_client(), token, "s-1001", "Taylor, Sam"),
            first_launch(app.test_client(), token, "s-1002", "Priya Shah"),
            first_launch(app.test_client(), new_token(app), "s-1001", "Taylor, Sam")]
    assert len(set(keys)) == 3
    assert [learner.display_name for learner in learners(app)] == ["Sam Taylor", "Priya Shah", "Sam Taylor"]
    assert count(app, ScormLearner) == 3


def altered(token: str) -> str:
    """Return the token with its module changed and its signature kept."""
    payload, signature = token.split(".")
    data = URLSafeSerializer("any").load_payload(payload.encode())
    other = URLSafeSerializer("any").dumps({**data, "module": "online-banking"}).split(".")[0]
    assert other != payload
    return f"{other}.{signature}"


def forged(token: str) -> str:
    """Return a token for the same package, signed with a key that is not the site's."""
    data = URLSafeSerializer("any").load_payload(token.split(".")[0].encode())
    return URLSafeSerializer("not-the-site-key", salt="scorm-package").dumps(data)


@pytest.mark.parametrize("make_bad", [
    forged,
    altered,
    lambda token: token[:-3],
    lambda token: "",
])
def test_a_forged_or_altered_token_is_refused_and_makes_nobody_nor_signs_anyone_in(app, client, make_bad):
    token = new_token(app)
    key = first_launch(app.test_client(), token)
    bad = make_bad(token)
    for response in (open_module(client, bad, key=key), client.get(launch_url(bad))):
        assert response.status_code == 400
        assert "This topic could not be opened" in response.text and "not valid" in response.text
    answer = start(client, bad, key=key)
    assert answer.status_code == 400 and "not valid" in answer.json["error"]
    assert progress(client, bad, key=key).status_code == 400
    assert client.get("/account/data.json").status_code == 404, "nobody was signed in"
    assert count(app, Learner) == 1 and count(app, ScormLearner) == 1


def test_a_token_for_a_package_never_recorded_or_without_a_student_is_refused(app, client):
    signed = URLSafeSerializer(app.config["SECRET_KEY"], salt="scorm-package")
    unknown = signed.dumps({"package": "never-made", "module": "passwords", "v": 2})
    response = start(client, unknown)
    assert response.status_code == 400 and "no longer known" in response.json["error"]
    assert "no longer known" in open_module(client, unknown).text
    nobody = start(client, new_token(app), student="  ")
    assert nobody.status_code == 400 and "did not say who you are" in nobody.json["error"]
    assert count(app, Learner) == 0


def test_a_package_whose_module_was_removed_says_so(app, client):
    with app.app_context():
        package = ScormPackage(module_id="knitting", created_by="a test")
        db.session.add(package)
        db.session.commit()
        token = launch.token_for(package)
    response = start(client, token)
    assert response.status_code == 404 and "no longer on Skills Passport" in response.json["error"]
    assert "no longer on Skills Passport" in open_module(client, token).text
    assert count(app, Learner) == 0 and progress(client, token).status_code == 404


# --- the score for the gradebook ----------------------------------------------------------------


def test_the_score_starts_incomplete_at_0_and_is_passed_at_100_once_every_skill_is_mastered(app, client):
    token = new_token(app)
    key = first_launch(client, token)
    begun = progress(app.test_client(), token, key=key)  # the SCO asks without the learner's cookies
    assert begun.status_code == 200 and begun.headers["Access-Control-Allow-Origin"] == "*"
    total = len(course_of(app).module("passwords").skills)
    assert begun.json == {"score": 0, "status": "incomplete", "mastered": 0, "total": total}
    counts = walk(client, course_of(app), "passwords", right_fields)
    assert counts["finished"] and counts["questions"] == counts["right"]
    end = progress(app.test_client(), token, key=key)
    assert end.json == {"score": 100, "status": "passed", "mastered": total, "total": total}
    assert end.headers["Cache-Control"] == "no-store"


def test_the_score_of_a_student_who_never_launched_is_not_found(app, client):
    token = new_token(app)
    key = first_launch(client, token, "s-1001")
    response = progress(client, token, "s-9999", key)
    assert response.status_code == 404 and "error" in response.json
    assert response.headers["Access-Control-Allow-Origin"] == "*", "the SCO can read why"
    assert progress(client, "nonsense").status_code == 400


def test_a_student_who_signs_in_to_an_account_inside_the_package_keeps_it_next_time(app, client):
    save_account(app.test_client(), "sam.taylor")
    token = new_token(app)
    key = first_launch(client, token)
    walk(client, course_of(app), "passwords", right_fields, max_steps=3)
    assert sign_in(client, "sam.taylor").status_code == 302
    account = next(learner for learner in learners(app) if learner.username == "sam.taylor")
    assert [learner.id for learner in learners(app)] == [account.id], "the VLE's guest was carried over"
    later = app.test_client()
    assert start(later, token, key=key).json == {"key": key}
    assert open_module(later, token, key=key).status_code == 303
    assert later.get("/account/data.json").json["account"]["username"] == "sam.taylor"
    assert [learner.id for learner in learners(app)] == [account.id]
    assert progress(client, token, key=key).status_code == 200
    data = client.get("/account/data.json").json
    assert [link["lms_student_id"] for link in data["vle_links"]] == ["s-1001"]


# --- a tutor's download, and cookies in a VLE's frame ----------------------------------------------


def test_a_tutor_downloads_a_package_and_a_learner_may_not(app, client):
    make_tutor(app, "tutor.ann")
    sign_in(client, "tutor.ann")
    page = client.get("/modules/passwords")
    assert 'href="/scorm/modules/passwords.zip"' in page.text and "Download as a SCORM package" in page.text
    response = client.get("/scorm/modules/passwords.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "skills-passport-passwords-scorm12.zip" in response.headers["Content-Disposition"]
    package = zipfile.ZipFile(io.BytesIO(response.data))
    assert 'data-site="http://localhost"' in package.read("index.html").decode()
    with app.app_context():
        assert db.session.scalar(select(ScormPackage.created_by)) == "tutor.ann"
    assert client.get("/scorm/modules/knitting.zip").status_code == 404
    learner = app.test_client()
    save_account(learner, "learner.lou")
    assert learner.get("/scorm/modules/passwords.zip").status_code == 403
    assert "Download as a SCORM package" not in learner.get("/modules/passwords").text
    guest = app.test_client().get("/scorm/modules/passwords.zip")
    assert guest.status_code == 302 and "/sign-in" in guest.location
    assert count(app, ScormPackage) == 1


def test_a_download_launches_from_public_url_when_it_is_set(tmp_path):
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'public.db'}", PUBLIC_URL=BASE)
    make_tutor(app, "tutor.ann")
    client = app.test_client()
    sign_in(client, "tutor.ann")
    package = zipfile.ZipFile(io.BytesIO(client.get("/scorm/modules/passwords.zip").data))
    assert f'data-site="{BASE}"' in package.read("index.html").decode()
    with app.app_context():
        db.engine.dispose()


def test_embedded_cookies_are_sent_in_a_vle_frame_only_over_https(tmp_path):
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'embedded.db'}", EMBEDDED_COOKIES=True)
    assert app.config["SESSION_COOKIE_SAMESITE"] == "None" and app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "None" and app.config["REMEMBER_COOKIE_SECURE"] is True
    token = new_token(app)
    client = app.test_client()
    key = start(client, token, base_url="https://localhost").json["key"]
    response = open_module(client, token, key=key, base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert "SameSite=None" in cookie and "Secure" in cookie
    with app.app_context():
        db.engine.dispose()


def test_cookies_stay_same_site_unless_embedded_cookies_is_on(app):
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax" and app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"

