"""An activity added by hand in the VLE (a gradebook column, no topic): its first teacher chooses the topic."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.lti.models import LtiGradeLink, LtiResourceLink
from app.models import Group, Learner
from tests.conftest import csrf_token
from tests.integration.lti_vle import INSTRUCTOR, LEARNER, PendingLaunch
from tests.integration.test_lti import MODULE, count, launch, tool, vle  # noqa: F401  (tool and vle are fixtures)


def hand_added(vle, sub: str, roles: list[str], link: str = "added-by-hand-1") -> PendingLaunch:
    """Return a launch of an activity a teacher added by hand: a line item, no custom parameters."""
    return PendingLaunch(sub=sub, roles=roles, name=sub.title(), resource_link=link,
                         lineitem=f"{vle.base}/lineitems/2")


def choose(client, module_id: str = MODULE):
    page = client.get("/lti/topic")
    assert page.status_code == 200
    return client.post("/lti/topic", data={"module": module_id, "csrf_token": csrf_token(page.text)})


def test_a_learner_who_comes_before_their_teacher_is_told_no_topic_is_chosen_yet(tool, client, vle):
    response = launch(client, vle, hand_added(vle, "student-1", [LEARNER]))
    assert response.status_code == 200 and "Your teacher has not chosen a topic yet" in response.text
    assert count(tool, LtiGradeLink) == 0 and vle.scores == []
    assert count(tool, LtiResourceLink) == 0, "a learner cannot choose"


def test_the_first_teacher_launch_chooses_the_topic_for_that_activity_only(tool, client, vle):
    response = launch(client, vle, hand_added(vle, "teacher-1", [INSTRUCTOR]))
    assert response.status_code == 302 and response.location == "/lti/topic"
    page = client.get("/lti/topic")
    assert "Choose a topic for this activity" in page.text and "Online banking" in page.text
    none = client.post("/lti/topic", data={"csrf_token": csrf_token(page.text)})
    assert none.status_code == 422 and "Choose a topic." in none.text
    unknown = client.post("/lti/topic", data={"module": "no-such-topic", "csrf_token": csrf_token(page.text)})
    assert unknown.status_code == 422
    hostile = client.post("/lti/topic", data={"module": "x\x00" * 5000, "csrf_token": csrf_token(page.text)})
    assert 400 <= hostile.status_code < 500
    chosen = choose(client)
    with tool.app_context():
        group = db.session.scalar(select(Group))
        link = db.session.scalar(select(LtiResourceLink))
        teacher = db.session.get(Learner, group.tutor_id)
        assert (link.resource_link_id, link.module_id, link.chosen_by) == ("added-by-hand-1", MODULE, teacher.id)
    assert chosen.status_code == 302 and chosen.location == f"/tutor/groups/{group.id}"
    assert client.get("/lti/topic").status_code == 404, "chosen once; the page is gone"

    colleague = tool.test_client()
    later = launch(colleague, vle, hand_added(vle, "teacher-2", [INSTRUCTOR]))
    assert later.location == f"/tutor/groups/{group.id}", "a topic is chosen already"
    another = launch(colleague, vle, hand_added(vle, "teacher-2", [INSTRUCTOR], link="added-by-hand-2"))
    assert another.location == "/lti/topic", "another activity gets its own topic"


def test_once_the_topic_is_chosen_learners_land_in_it_and_grades_reach_the_gradebook(tool, client, vle):
    learner = tool.test_client()
    assert launch(learner, vle, hand_added(vle, "student-1", [LEARNER])).status_code == 200
    launch(client, vle, hand_added(vle, "teacher-1", [INSTRUCTOR]))
    choose(client)
    response = launch(learner, vle, hand_added(vle, "student-1", [LEARNER]))
    assert response.status_code == 302 and response.location == f"/modules/{MODULE}"
    assert [(s["lineitem"], s["userId"], s["scoreGiven"]) for s in vle.scores] == [(2, "student-1", 0)]
    with tool.app_context():
        link = db.session.scalar(select(LtiGradeLink))
        assert (link.module_id, link.lineitem) == (MODULE, f"{vle.base}/lineitems/2")


def test_only_the_teacher_who_launched_the_activity_can_choose_its_topic(tool, client, vle):
    launch(client, vle, hand_added(vle, "student-1", [LEARNER]))
    assert client.get("/lti/topic").status_code == 404
    assert client.post("/lti/topic", data={"module": MODULE}).status_code in (400, 404)
    other_teacher = tool.test_client()
    launch(other_teacher, vle, PendingLaunch(sub="teacher-9", roles=[INSTRUCTOR], custom={"module": MODULE}))
    assert other_teacher.get("/lti/topic").status_code == 404, "their launch named its topic already"
    assert count(tool, LtiResourceLink) == 0
