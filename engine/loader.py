"""Read a folder of Markdown modules into a `Course`, reporting every problem.

The loader is strict and helpful: each problem names the file and line and
says how to put it right. A file with an error is left out and the rest of the
course still loads, so one tutor's typo never takes the site down.

Each kind of file has its own reader: `module_file` (module.md),
`lesson_file` (a lesson, with `question_blocks` for its questions),
`glossary_file` and `parameters_file`; `content_files` opens a file and reads
its settings, `markdown_body` checks pictures and HTML. This module walks the
folders and puts the pieces together: ids that clash, prerequisites that do
not exist or go round in a circle, the lessons' order and the passport.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .content_files import GLOSSARY_FILE, IGNORED_FILES, MODULE_FILE, PARAMETERS_FILE, FileReport, suggest
from .glossary_file import read_glossary
from .lesson_file import LessonDraft, read_lesson
from .markdown_body import IMAGE_SUFFIXES, ImageUrl
from .model import LEVELS, Course, GlossaryWord, Lesson, Module, PassportRules, Problem, Source, Task
from .module_file import ModuleDraft, read_module
from .parameters_file import read_parameters
from .tasks.task_file import read_task, task_paths

# What the app and the tutor's preview use from here; the file names and picture types are kept with their readers.
__all__ = ["GLOSSARY_FILE", "IGNORED_FILES", "IMAGE_SUFFIXES", "MODULE_FILE", "PARAMETERS_FILE",
           "default_image_url", "load_course", "summary"]

def default_image_url(module_id: str, path: str) -> str:
    """Return the web address of a module's picture."""
    return f"/media/{module_id}/{path}"


def load_course(content_dir: str | Path, image_url: ImageUrl = default_image_url) -> Course:
    """Load every module under `content_dir`; problems are kept on the course."""
    root = Path(content_dir)
    problems: list[Problem] = []
    if not root.is_dir():
        return Course.build([], [Problem(str(root), 1, "the content folder does not exist")])

    def rel(path: Path) -> str:
        # Name files as the tutor would type them: relative to where they are working.
        if path.is_absolute():
            try:
                return path.relative_to(Path.cwd()).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    module_drafts: list[ModuleDraft] = []
    lesson_drafts: dict[str, list[LessonDraft]] = {}
    task_lists: dict[str, list[Task]] = {}
    module_ids: dict[str, str] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        markdown_files = sorted(p for p in folder.glob("*.md")
                                if p.name.lower() not in IGNORED_FILES and not p.name.startswith((".", "_"))
                                and p.name not in (MODULE_FILE, GLOSSARY_FILE, PARAMETERS_FILE))
        module_path = folder / MODULE_FILE
        if not module_path.is_file():
            if markdown_files:
                problems.append(Problem(rel(folder), 1, f"this folder has lessons but no {MODULE_FILE}, "
                                                        "so it is not shown"))
            continue
        report = FileReport(rel(module_path))
        draft = read_module(module_path, report.path, report, image_url)
        problems.extend(report.problems)
        if draft is not None and draft.id in module_ids:
            problems.append(Problem(report.path, 1, f"module id '{draft.id}' is already used by "
                                                    f"{module_ids[draft.id]}"))
            draft = None
        glossary: tuple[GlossaryWord, ...] = ()
        if draft is not None and (folder / GLOSSARY_FILE).is_file():
            glossary_report = FileReport(rel(folder / GLOSSARY_FILE))
            glossary = read_glossary(folder / GLOSSARY_FILE, glossary_report, draft)
            problems.extend(glossary_report.problems)
            draft = replace(draft, module=replace(draft.module, glossary=glossary))
        if draft is not None and (folder / PARAMETERS_FILE).is_file():
            parameters_report = FileReport(rel(folder / PARAMETERS_FILE))
            parameters, question_parameters = read_parameters(folder / PARAMETERS_FILE, parameters_report, draft)
            problems.extend(parameters_report.problems)
            draft = replace(draft, module=replace(draft.module, parameters=parameters,
                                                                 question_parameters=question_parameters))
        lessons_here: list[LessonDraft] = []
        for path in markdown_files:
            lesson_report = FileReport(rel(path))
            if draft is None:
                # Still read the lessons so the tutor sees all their problems at once.
                placeholder = ModuleDraft(Module("broken", "", "", 0, "", (), (), str(folder),
                                                 Source(report.path, 1)), 1)
                read_lesson(path, lesson_report.path, placeholder, FileReport(lesson_report.path), image_url)
                continue
            lesson = read_lesson(path, lesson_report.path, draft, lesson_report, image_url, glossary)
            problems.extend(lesson_report.problems)
            if lesson is not None:
                lessons_here.append(lesson)
        if draft is not None:
            module_ids[draft.id] = report.path
            module_drafts.append(draft)
            lesson_drafts[draft.id] = lessons_here
            task_lists[draft.id] = _read_tasks(folder, draft, rel, image_url, problems)

    _check_unique_ids(lesson_drafts, problems)
    _check_unique_task_ids(task_lists, problems)
    all_lessons = {d.lesson.id: d for drafts in lesson_drafts.values() for d in drafts}
    prerequisites = _check_prerequisites(all_lessons, problems)

    modules = []
    for draft in module_drafts:
        drafts = [d for d in lesson_drafts[draft.id] if d.lesson.id in all_lessons
                  and all_lessons[d.lesson.id] is d]
        lessons = [_with_prerequisites(d.lesson, prerequisites[d.lesson.id]) for d in drafts]
        lessons = _in_order(lessons, [d.order_key for d in drafts])
        passport = draft.passport or _passport_from_levels(draft.module, lessons)
        modules.append(replace(draft.module, lessons=tuple(lessons), passport=passport,
                               tasks=tuple(task_lists[draft.id])))
        _check_skills_used(draft, lessons, problems)
    course = Course.build(modules, [])
    _check_remedies(course, problems)
    problems.sort(key=lambda p: (p.path, p.line))
    return Course.build(list(course.modules), problems)


def _read_tasks(folder: Path, draft: ModuleDraft, rel, image_url: ImageUrl, problems: list[Problem]) -> list[Task]:
    """Read the practice tasks in a module's tasks/ folder."""
    tasks = []
    for path in task_paths(folder):
        report = FileReport(rel(path))
        task = read_task(path, report.path, draft, report, image_url)
        problems.extend(report.problems)
        if task is not None:
            tasks.append(task)
    return tasks


def _check_unique_task_ids(task_lists: dict[str, list[Task]], problems: list[Problem]) -> None:
    """Leave out a task whose id another task already has, anywhere in the course."""
    seen: dict[str, Task] = {}
    for module_id, tasks in task_lists.items():
        for task in list(tasks):
            if task.id in seen:
                problems.append(Problem(task.source.path, 1, f"task id '{task.id}' is already used by "
                                                             f"{seen[task.id].source.path}"))
                tasks.remove(task)
            else:
                seen[task.id] = task


def _check_unique_ids(lesson_drafts: dict[str, list[LessonDraft]], problems: list[Problem]) -> None:
    """Keep the first of two lessons (or questions) with one id; report the second."""
    lesson_seen: dict[str, LessonDraft] = {}
    question_seen: dict[str, Source] = {}
    for module_id, drafts in lesson_drafts.items():
        kept = []
        for draft in drafts:
            lesson = draft.lesson
            if lesson.id in lesson_seen:
                first = lesson_seen[lesson.id].lesson.source
                problems.append(Problem(lesson.source.path, draft.settings.line("id"),
                                        f"lesson id '{lesson.id}' is already used by {first.path}"))
                continue
            clash = next((q for q in lesson.questions if q.id in question_seen), None)
            if clash is not None:
                problems.append(Problem(clash.source.path, clash.source.line,
                                        f"question id '{clash.id}' is already used at {question_seen[clash.id]}"))
                continue
            lesson_seen[lesson.id] = draft
            question_seen.update({q.id: q.source for q in lesson.questions})
            kept.append(draft)
        drafts[:] = kept


def _check_prerequisites(lessons: dict[str, LessonDraft], problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    """Return each lesson's prerequisites that exist, with cycles broken and reported."""
    graph: dict[str, list[str]] = {}
    for lesson_id, draft in lessons.items():
        kept = []
        for prerequisite in draft.lesson.prerequisites:
            if prerequisite in lessons:
                kept.append(prerequisite)
            else:
                problems.append(Problem(draft.lesson.source.path, draft.settings.line("prerequisites"),
                                        f"prerequisite '{prerequisite}' is not a lesson"
                                        f"{suggest(prerequisite, lessons)}"))
        graph[lesson_id] = kept
    state: dict[str, int] = {}  # 1 = being visited, 2 = done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in list(graph[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                draft = lessons[node]
                problems.append(Problem(draft.lesson.source.path, draft.settings.line("prerequisites"),
                                        "these lessons are each other's prerequisites, so none could come first: "
                                        + " -> ".join(cycle)))
                graph[node].remove(nxt)
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return {k: tuple(v) for k, v in graph.items()}


def _with_prerequisites(lesson: Lesson, prerequisites: tuple[str, ...]) -> Lesson:
    if prerequisites == lesson.prerequisites:
        return lesson
    return replace(lesson, prerequisites=prerequisites)


def _in_order(lessons: list[Lesson], names: list[str]) -> list[Lesson]:
    """Order lessons so prerequisites come first, otherwise by file name; remedial lessons last."""
    rank = {lesson.id: (lesson.is_remedial, name) for lesson, name in zip(lessons, names)}
    remaining = {lesson.id: lesson for lesson in lessons}
    ordered: list[Lesson] = []
    while remaining:
        ready = [l for l in remaining.values()
                 if not any(p in remaining for p in l.prerequisites)]
        nxt = min(ready or remaining.values(), key=lambda l: rank[l.id])
        ordered.append(nxt)
        del remaining[nxt.id]
    return ordered


def _passport_from_levels(module: Module, lessons: list[Lesson]) -> PassportRules:
    """Work out the passport's rules when module.md gives none: each skill counts at the
    lowest level of the main lessons that teach it."""
    rank = {level: i for i, level in enumerate(LEVELS)}
    lowest: dict[str, int] = {}
    for lesson in lessons:
        if lesson.is_remedial or lesson.level not in rank:
            continue
        for skill_id in lesson.skills:
            lowest[skill_id] = min(lowest.get(skill_id, len(LEVELS)), rank[lesson.level])
    levels = {level: tuple(s.id for s in module.skills if lowest.get(s.id) == i) for i, level in enumerate(LEVELS)}
    return PassportRules(levels)


def _check_skills_used(draft: ModuleDraft, lessons: list[Lesson], problems: list[Problem]) -> None:
    taught = {s for lesson in lessons for s in lesson.skills}
    tested = {q.skill for lesson in lessons for q in lesson.questions}
    source = draft.module.source
    for skill in draft.module.skills:
        if skill.id not in taught:
            problems.append(Problem(source.path, draft.skills_line,
                                    f"no lesson teaches the skill '{skill.id}'", "warning"))
        elif skill.id not in tested:
            problems.append(Problem(source.path, draft.skills_line,
                                    f"no question tests the skill '{skill.id}'", "warning"))


def _check_remedies(course: Course, problems: list[Problem]) -> None:
    for question in course.questions.values():
        for option in question.options:
            tag = option.misconception
            if tag and tag not in course.remedies:
                problems.append(Problem(question.source.path, question.source.line,
                                        f"no lesson fixes the misconception '{tag}' yet: add 'fixes: [{tag}]' "
                                        "to the lesson that puts it right", "warning"))
    for task in course.tasks.values():
        for feedback in task.feedback.values():
            tag = feedback.misconception
            if tag and tag not in course.remedies:
                problems.append(Problem(task.source.path, task.source.line,
                                        f"no lesson fixes the misconception '{tag}' (mistake '{feedback.mistake}') "
                                        f"yet: add 'fixes: [{tag}]' to the lesson that puts it right", "warning"))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary(course: Course) -> str:
    """Say in one line what a course holds."""
    return (f"{_plural(len(course.modules), 'module')}, {_plural(len(course.lessons), 'lesson')}, "
            f"{_plural(len(course.questions), 'question')}, {_plural(len(course.skills), 'skill')}")
