"""What a group finds hardest: counted by the database in two queries, whatever the number of answers.

The answers are compared with the same list worked out the slow way, from every one of the group's
answers read into Python; tries at practice tasks show as the task, by its title.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict

from sqlalchemy import event, select

from app.extensions import db
from app.models import AnswerRecord, Group
from app.tutor import dashboard
from app.tutor.words import question_prompt, shorten
from tests.integration.test_learner_flow import course_of
from tests.integration.test_learner_summaries import add_learners
from tests.integration.test_tutor_pages import make_group, section, tutor_client

MODULE = "passwords"


def add_answers(app, learner_ids: list[int], per_learner: int, seed: int = 5) -> None:
    """Store random answers, some wrong, to a few of the topic's questions and tasks, for each learner."""
    course = course_of(app)
    rng = random.Random(seed)
    module = course.module(MODULE)
    asked = [(q.id, q.skill, None) for lesson in module.lessons for q in lesson.questions][:6]
    asked += [(f"task:{task.id}", task.skills[0], task.id) for task in module.tasks[:2]]
    asked += [("a-question-since-removed", "strong-passwords", None)]
    with app.app_context():
        for learner_id in learner_ids:
            for _ in range(per_learner):
                question_id, skill, task_id = rng.choice(asked)
                right = rng.random() < 0.5
                db.session.add(AnswerRecord(
                    learner_id=learner_id, question_id=question_id, module_id=MODULE, skill_id=skill,
                    kind="task" if task_id else "single", response={}, given=rng.choice(["a", "b", "c"]),
                    correct=right, task_id=task_id))
        db.session.commit()


def the_slow_way(app, group_id: int) -> list[tuple]:
    """Work out what the group finds hardest from every one of its answers, read into Python."""
    course = course_of(app)
    with app.app_context():
        group = db.session.get(Group, group_id)
        rows = db.session.scalars(select(AnswerRecord).where(
            AnswerRecord.learner_id.in_(dashboard._members(group)))).all()
    by_question = defaultdict(list)
    for row in rows:
        by_question[(row.question_id, row.skill_id)].append(row)
    ranked = []
    for (question_id, skill_id), answers in by_question.items():
        wrong = [a for a in answers if not a.correct]
        if wrong:
            ranked.append((-len(wrong), len(answers), question_id, skill_id, answers, wrong))
    ranked.sort(key=lambda item: item[:3])
    found = []
    for minus_wrong, total, question_id, _skill, answers, wrong in ranked[:dashboard.HARDEST_QUESTIONS]:
        given = sorted(Counter(a.given for a in wrong).items(), key=lambda pair: (-pair[1], pair[0]))
        found.append((question_id, question_prompt(course, question_id), total, -minus_wrong,
                      len({a.learner_id for a in answers}),
                      tuple((shorten(text, dashboard.GIVEN_LENGTH), times) for text, times in given[:2])))
    return found


def hardest_now(app, group_id: int) -> tuple[list[tuple], int]:
    """Return the hardest questions as the page reads them, and how many queries that took."""
    statements = []
    with app.app_context():
        group = db.session.get(Group, group_id)
        course = course_of(app)
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            found = dashboard.hardest(course, group)
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
    return [(h.question_id, h.prompt, h.answers, h.wrong, h.learners, h.common_wrong) for h in found], len(statements)


def test_the_hardest_questions_counted_by_the_database_equal_those_worked_out_from_every_answer(app):
    tutor = tutor_client(app)
    group_id, _ = make_group(tutor)
    add_answers(app, add_learners(app, group_id, 12), per_learner=15)
    add_answers(app, add_learners(app, make_group(tutor, "Another class")[0], 5), per_learner=15, seed=9)
    found, queries = hardest_now(app, group_id)
    assert found == the_slow_way(app, group_id) and len(found) == 9
    assert queries == 2


def test_the_hardest_questions_cost_the_same_two_queries_for_many_more_answers(app):
    tutor = tutor_client(app)
    group_id, _ = make_group(tutor)
    learners = add_learners(app, group_id, 4)
    add_answers(app, learners, per_learner=3)
    _, few = hardest_now(app, group_id)
    add_answers(app, learners + add_learners(app, group_id, 20), per_learner=40, seed=6)
    found, many = hardest_now(app, group_id)
    assert few == many == 2 and sum(h[2] for h in found) > 500


def test_a_practice_task_the_group_finds_hard_shows_as_the_task_by_its_title(app):
    course = course_of(app)
    task = course.module(MODULE).tasks[0]
    tutor = tutor_client(app)
    group_id, _ = make_group(tutor)
    learners = add_learners(app, group_id, 2)
    with app.app_context():
        db.session.add_all(AnswerRecord(learner_id=learner, question_id=f"task:{task.id}", module_id=MODULE,
                                        skill_id=task.skills[0], kind="task", response={}, given="Practice task",
                                        correct=False, task_id=task.id) for learner in learners)
        db.session.commit()
    page = tutor.get(f"/tutor/groups/{group_id}/hardest")
    hardest = section(page.text, "hardest-title")
    assert page.status_code == 200 and "no longer in the course" not in hardest
    assert f"Practice task: {task.title}".replace("'", "&#39;") in hardest
