"""Learner pages. Each view reads the request, calls a service, and renders."""

from __future__ import annotations

from pathlib import Path

from flask import abort, redirect, render_template, request, send_from_directory, url_for

from engine.answers import Answer, AnswerError, mark, read_answer
from engine.loader import IMAGE_SUFFIXES
from engine.mastery import LEVEL_MEANINGS, LEVELS, due_for_review, level
from engine.scoring import lesson_progress

from .. import services
from ..whats_next import resume_module
from ..badges import awards
from ..content import current_course, current_parameters
from . import bp
from .changed import changed
from .pages import lesson_page, question_page
from .reviews import SITTING, review_step, sitting_done


def _module_or_404(module_id: str):
    module = current_course().module(module_id)
    if module is None:
        abort(404)
    return module


def _lesson_or_404(lesson_id: str):
    lesson = current_course().lessons.get(lesson_id)
    if lesson is None:
        changed("lesson")  # perhaps only on this server, while a content change reaches each in turn
    return lesson


def _question_or_404(question_id: str):
    question = current_course().questions.get(question_id)
    if question is None:
        changed("question")
    return question


def _step_url(step) -> str:
    if step.kind == "lesson":
        return url_for("learner.lesson", lesson_id=step.lesson_id)
    if step.kind == "question":
        return url_for("learner.question", question_id=step.question_id)
    if step.kind == "help":
        return url_for("learner.help", module_id=step.module_id, skill=step.skill_id)
    if step.kind == "task":
        return url_for("practice.task", module_id=step.module_id, task_id=step.task_id)
    return url_for("learner.module", module_id=step.module_id, _anchor="finished")


def _skill_levels(module, state):
    """Return (skill, level) for each of a module's skills, as the learner sees them."""
    now = services.utcnow()
    params = current_parameters()
    return [(skill, level(state.skills.get(skill.id), params.for_skill(skill.id), now)) for skill in module.skills]


def _due_skills(module, state) -> set[str]:
    """Return the ids of a module's skills that keep their level and are due for a quick review."""
    now = services.utcnow()
    params = current_parameters()
    return {skill.id for skill in module.skills
            if due_for_review(state.skills.get(skill.id), params.for_skill(skill.id), now)}


@bp.get("/")
def home():
    """Show the modules, and where to carry on."""
    course = current_course()
    learner = services.current_learner()
    return render_template("learner/home.html", modules=course.modules, resume=resume_module(learner),
                           reviews=services.reviews_due(learner), course_skills=course.skills,
                           module_titles={m.id: m.title for m in course.modules})


@bp.get("/modules/<module_id>")
def module(module_id: str):
    """Show a module's lessons, the learner's level in each skill, and the next step."""
    module = _module_or_404(module_id)
    learner = services.current_learner()
    state = services.load_state(learner, module)
    progress = [lesson_progress(lesson, state) for lesson in module.path_lessons]
    step = services.next_step(learner, module, state, offer_tasks=True)
    skills = _skill_levels(module, state)
    course = current_course()
    return render_template("learner/module.html", module=module, progress=progress, step=step,
                           started=state.started, skills=skills, now=services.utcnow(),
                           lessons_first=state.lessons_first,
                           step_lesson=course.lessons.get(step.lesson_id) if step.kind == "lesson" else None,
                           lessons_left=any(not item.read for item in progress),
                           passport=awards.passport_of(learner, [module], {module.id: state})[0],
                           mastered_skills=[skill.id for skill, name in skills if name == "mastered"],
                           due_skills=_due_skills(module, state),
                           levels=[(name, LEVEL_MEANINGS[name]) for name in LEVELS])


@bp.post("/modules/<module_id>/start")
def start_module(module_id: str):
    """Start a module the way the learner chose: with its first lesson, or by showing what they know."""
    module = _module_or_404(module_id)
    choice = request.form.get("choice")
    if choice not in ("lessons", "show"):
        abort(400)
    learner = services.current_learner(create=True)
    services.choose_start(learner, module, lessons_first=choice == "lessons")
    if choice == "lessons":
        read = services.load_state(learner, module).lessons_read
        lesson = next((lesson for lesson in module.path_lessons if lesson.id not in read), None)
        if lesson is not None:
            return redirect(url_for("learner.lesson", lesson_id=lesson.id))
    return redirect(url_for("learner.continue_module", module_id=module.id))


@bp.get("/modules/<module_id>/continue")
def continue_module(module_id: str):
    """Take the learner to the engine's next step in a module."""
    module = _module_or_404(module_id)
    return redirect(_step_url(services.next_step(services.current_learner(), module, offer_tasks=True)))


@bp.route("/modules/<module_id>/help", methods=["GET", "POST"])
def help(module_id: str):
    """Suggest a tutor's help with a skill the learner is stuck on; on POST, carry on."""
    module = _module_or_404(module_id)
    skill = next((s for s in module.skills if s.id == request.values.get("skill")), None)
    if skill is None:
        abort(404)
    learner = services.current_learner()
    if request.method == "POST" and learner is not None:
        services.offer_help(learner, module, skill.id)
        return redirect(url_for("learner.continue_module", module_id=module.id))
    lessons = [lesson for lesson in module.lessons if skill.id in lesson.skills]
    step = services.next_step(learner, module)
    return render_template("learner/help.html", module=module, skill=skill, lessons=lessons,
                           reason=step.reason if step.kind == "help" and step.skill_id == skill.id else None)


@bp.get("/lessons/<lesson_id>")
def lesson(lesson_id: str):
    """Show a lesson to read."""
    page = lesson_page(current_course(), lesson_id)
    if page is None:
        changed("lesson")  # perhaps only on this server, while a content change reaches each in turn
    lesson, module = page.lesson, page.module
    learner = services.current_learner()
    step = services.next_step(learner, module) if learner is not None else None
    return render_template("learner/lesson.html", lesson=lesson, module=module, position=page.position,
                           body_html=page.body_html, words_html=page.words_html,
                           reason=step.reason if step is not None and step.lesson_id == lesson.id else None,
                           prerequisites=page.prerequisites, skills=page.skills)


@bp.post("/lessons/<lesson_id>/read")
def lesson_read(lesson_id: str):
    """Record that the lesson was read, then go on to the next step."""
    lesson = _lesson_or_404(lesson_id)
    learner = services.current_learner(create=True)
    services.mark_read(learner, lesson)
    return redirect(url_for("learner.continue_module", module_id=lesson.module_id))


def _hints_shown(question, raw: str | None) -> int:
    try:
        return max(0, min(int(raw or 0), len(question.hints)))
    except ValueError:
        return 0


@bp.route("/questions/<question_id>", methods=["GET", "POST"])
def question(question_id: str):
    """Ask a question; on POST, mark and record the answer."""
    page = question_page(current_course(), question_id)
    if page is None:
        changed("question")
    question = page.question
    error = None
    chosen: dict = {}
    hints = _hints_shown(question, request.values.get("hints"))
    review = sitting_done(request.values.get("review"))  # None unless in a sitting of quick reviews
    after = {} if review is None else {"review": min(review + 1, SITTING)}
    if request.method == "POST" and request.form.get("action") == "dont_know":
        learner = services.current_learner(create=True)
        recorded = services.record_answer(learner, question, Answer(), hints,
                                          helped=request.form.get("helped") == "yes", dont_know=True)
        return redirect(url_for("learner.feedback", answer_id=recorded.answer_id, **after))
    if request.method == "POST" and request.form.get("action") == "hint":
        # "Show a hint" is a button in the answer form, so what the learner has
        # chosen so far comes back with the hint instead of being lost.
        chosen = request.form.to_dict(flat=False)
        hints = min(hints + 1, len(question.hints))
    elif request.method == "POST":
        fields = request.form.to_dict(flat=False)
        try:
            answer = read_answer(question, fields)
        except AnswerError as exc:
            error = str(exc)
            chosen = fields
        else:
            learner = services.current_learner(create=True)
            recorded = services.record_answer(learner, question, answer, hints,
                                              helped=request.form.get("helped") == "yes")
            return redirect(url_for("learner.feedback", answer_id=recorded.answer_id, **after))
    lesson, module = page.lesson, page.module
    learner = services.current_learner()
    state = services.load_state(learner, module)
    step = services.next_step(learner, module, state)
    this_step = step if step.question_id == question.id else None
    if review is not None:
        this_step = review_step(learner, question.id) or this_step
    return render_template(
        "learner/question.html",
        question=question,
        lesson=lesson,
        module=module,
        reason=this_step.reason if this_step else None,
        purpose=this_step.purpose if this_step else None,
        where=_where(question, lesson, module, state),
        options=page.options,
        hints=hints,
        error=error,
        so_far=chosen,  # not "chosen": the page layout uses that name for the reading settings
        review=review,
    ), (422 if error else 200)


def _where(question, lesson, module, state) -> dict:
    """Say where a question sits: its number in its lesson, and the skills shown so far in the topic."""
    others = {q.id for q in lesson.questions if q.id in state.results and q.id != question.id}
    levels = _skill_levels(module, state)
    return {"number": min(len(others) + 1, len(lesson.questions)), "of": len(lesson.questions),
            "shown": sum(1 for _, name in levels if name == "mastered"), "skills": len(levels)}


@bp.get("/answers/<int:answer_id>")
def feedback(answer_id: int):
    """Show whether an answer was right, and why."""
    learner = services.current_learner()
    record = services.answer_for(learner, answer_id)
    if record is None:
        abort(404)
    if record.task_id:  # a try at a practice task has its own page
        return redirect(url_for("practice.outcome", module_id=record.module_id, task_id=record.task_id,
                                try_id=record.id))
    course = current_course()
    question = course.questions.get(record.question_id)
    if question is None:
        return render_template("learner/question_gone.html", record=record,
                               module=course.module(record.module_id)), 410
    dont_know = record.said_dont_know
    marking = mark(question, Answer.from_record(record.response))
    lesson = course.lessons[question.lesson_id]
    module = course.module(question.module_id)
    remedies = []
    for tag in marking.misconceptions:
        for lesson_id in course.remedies.get(tag, ()):
            if course.lessons[lesson_id] not in remedies:
                remedies.append(course.lessons[lesson_id])
    state = services.load_state(learner, module)
    step = services.next_step(learner, module, state, offer_tasks=True)
    review = sitting_done(request.args.get("review"))
    # A first wrong answer on a mastered skill is taken as a slip: one more question comes before
    # the level moves, and the page must say so rather than promise practice that is not coming yet.
    skill_state = state.skills.get(question.skill)
    slipped = (review is not None and not record.correct and not dont_know
               and skill_state is not None and skill_state.slipped_at is not None)
    return render_template(
        "learner/feedback.html",
        review=review,
        purpose="review" if review is not None else None,  # the heading says "Quick review" in a sitting
        review_next=url_for("learner.next_review", done=review, after=question.id) if review is not None else None,
        record=record,
        question=question,
        marking=marking,
        dont_know=dont_know,
        slipped=slipped,
        lesson=lesson,
        module=module,
        remedies=remedies,
        step=step,
        step_url=_step_url(step),
        step_lesson=course.lessons.get(step.lesson_id) if step.kind == "lesson" else None,
        new_awards=awards.earned_by(record),
    )


@bp.get("/media/<module_id>/<path:filename>")
def media(module_id: str, filename: str):
    """Send a picture from a module's folder."""
    module = _module_or_404(module_id)
    if Path(filename).suffix.lower() not in IMAGE_SUFFIXES:
        abort(404)
    response = send_from_directory(module.folder, filename, max_age=24 * 3600)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response
