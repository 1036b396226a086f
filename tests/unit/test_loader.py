"""The content loader: what a good module becomes, and every message a tutor can see."""

from __future__ import annotations

import pytest

from engine.loader import load_course
from tests.unit.conftest import LESSON, MODULE, REMEDY, lesson_with


def messages(course):
    """Return each problem as 'file-name:line: message', without the folder."""
    return [f"{p.path.split('/content/')[-1]}:{p.line}: {p.message}" for p in course.problems]


def renamed(lesson: str, lesson_id: str, prefix: str | None = None) -> str:
    """Return a copy of a lesson file with a new lesson id and new question ids."""
    prefix = prefix or lesson_id
    return (lesson.replace("id: three-words", f"id: {lesson_id}")
            .replace("question pw-strongest", f"question {prefix}-1")
            .replace("question scam-pin", f"question {prefix}-2"))


def errors(course):
    return [m for m, p in zip(messages(course), course.problems) if p.severity == "error"]


def test_a_good_module_loads_with_its_lessons_skills_and_questions(write_content, good_module):
    course = load_course(write_content(good_module))

    assert course.problems == ()
    module = course.module("safety")
    assert [s.id for s in module.skills] == ["strong-passwords", "spot-scams"]
    assert [lesson.id for lesson in module.path_lessons] == ["three-words"]
    assert [lesson.id for lesson in module.extra_help] == ["pet-names"]
    lesson = course.lessons["three-words"]
    assert lesson.area == "Being safe and legal online"
    assert lesson.level == "bronze" and lesson.minutes == 5
    assert "<strong>password</strong>" in lesson.body_html
    assert "pw-strongest" not in lesson.body_html, "question blocks are not part of the lesson text"
    question = course.questions["pw-strongest"]
    assert question.kind == "single" and question.skill == "strong-passwords"
    assert [(o.key, o.text, o.correct) for o in question.options] == [
        ("a", "Fluffy2015", False), ("b", "coffee train purple", True)]
    assert question.options[0].misconception == "pet-name-password"
    assert "Pet names are easy to guess." in question.options[0].feedback_html
    assert "Misconception" not in question.options[0].feedback_html
    assert question.hints == ("<p>Think about length.</p>\n",)
    assert question.source.line == 12
    assert course.remedies == {"pet-name-password": ("pet-names",)}


def test_the_shipped_course_loads_with_no_problems_at_all():
    from tests.conftest import CONTENT_DIR

    course = load_course(CONTENT_DIR)
    assert [str(p) for p in course.problems] == []
    # Every module folder is in the course, so a module dropped for a mistake is caught.
    folders = {path.parent.name for path in CONTENT_DIR.glob("*/module.md")}
    assert {"passwords", "online-banking", "creating-documents", "applying-for-jobs", "talking-online",
            "using-the-internet"} <= folders
    assert {m.id for m in course.modules} == folders
    for module in course.modules:
        assert module.path_lessons, module.id
        assert module.question_count >= 5, module.id


def test_prerequisites_come_first_whatever_the_file_names(write_content, good_module):
    first = renamed(LESSON, "basics")
    second = LESSON.replace("minutes: 5", "minutes: 5\nprerequisites: [basics]")
    files = dict(good_module, **{"safety/01-three-words.md": second, "safety/02-basics.md": first})
    course = load_course(write_content(files))
    assert errors(course) == []
    assert [lesson.id for lesson in course.module("safety").path_lessons] == ["basics", "three-words"]


def test_a_misspelt_setting_is_reported_with_its_line_and_a_suggestion(write_content, good_module):
    good_module["safety/01-three-words.md"] = LESSON.replace("minutes: 5", "minuts: 5")
    course = load_course(write_content(good_module))
    assert "safety/01-three-words.md:7: unknown setting 'minuts' (did you mean 'minutes'?)" in messages(course)
    assert "safety/01-three-words.md:1: the setting 'minutes' is missing" in messages(course)


@pytest.mark.parametrize(
    "change, expected",
    [
        (("level: bronze", "level: platinum"),
         "01-three-words.md:6: 'level' must be one of 'bronze', 'silver', 'gold', not 'platinum'"),
        (("area: Being safe and legal online", "area: Being safe online"),
         "01-three-words.md:5: 'area' must be one of"),
        (("id: three-words", "id: Three Words"),
         "01-three-words.md:2: 'id' must be small letters, numbers and hyphens, like 'three-words', not 'Three Words'"),
        (("minutes: 5", "minutes: about five"),
         "01-three-words.md:7: 'minutes' must be a whole number from 1 to 60, not 'about five'"),
        (("skills: [strong-passwords, spot-scams]", "skills: [strong-pasword]"),
         "01-three-words.md:4: skill 'strong-pasword' is not listed in safety/module.md (did you mean 'strong-passwords'?)"),
        (("title: Three random words", "title: Passwords: the basics"),
         "01-three-words.md:3: the settings could not be read"),
        (("---\nid: three-words", "id: three-words"),
         "01-three-words.md:1: the file must start with its settings between two '---' lines"),
    ],
)
def test_a_bad_setting_is_reported_with_file_and_line(write_content, good_module, change, expected):
    good_module["safety/01-three-words.md"] = LESSON.replace(*change, 1)
    course = load_course(write_content(good_module))
    assert any(expected in m for m in errors(course)), messages(course)
    assert "three-words" not in course.lessons, "a file with an error is left out"


def test_the_area_suggestion_names_the_nearest_area(write_content, good_module):
    good_module["safety/01-three-words.md"] = LESSON.replace("area: Being safe and legal online",
                                                             "area: Being safe and legal onlin")
    course = load_course(write_content(good_module))
    assert any("(did you mean 'Being safe and legal online'?)" in m for m in errors(course))


def test_a_broken_file_is_left_out_and_the_rest_is_served(write_content, good_module):
    good_module["safety/02-broken.md"] = "no settings here\n"
    course = load_course(write_content(good_module))
    assert errors(course) == [
        "safety/02-broken.md:1: the file must start with its settings between two '---' lines"]
    assert set(course.lessons) == {"three-words", "pet-names"}


def test_two_lessons_with_one_id_keep_the_first_and_report_the_second(write_content, good_module):
    good_module["tools/module.md"] = MODULE.replace("id: safety", "id: tools")
    good_module["tools/01-copy.md"] = renamed(LESSON, "three-words", "copy")
    course = load_course(write_content(good_module))
    assert "tools/01-copy.md:2: lesson id 'three-words' is already used by" in errors(course)[0]
    assert course.lessons["three-words"].module_id == "safety"


def test_two_questions_with_one_id_are_reported(write_content, good_module):
    good_module["safety/02-more.md"] = LESSON.replace("id: three-words", "id: more")
    course = load_course(write_content(good_module))
    assert any("02-more.md:12: question id 'pw-strongest' is already used at" in m for m in errors(course))


def test_two_modules_with_one_id_are_reported(write_content, good_module):
    good_module["again/module.md"] = MODULE
    course = load_course(write_content(good_module))
    assert any(m.startswith("safety/module.md:1: module id 'safety' is already used by") for m in errors(course))


def test_a_missing_prerequisite_is_reported_with_a_suggestion(write_content, good_module):
    good_module["safety/01-three-words.md"] = LESSON.replace("minutes: 5", "minutes: 5\nprerequisites: [pet-name]")
    course = load_course(write_content(good_module))
    assert "safety/01-three-words.md:8: prerequisite 'pet-name' is not a lesson (did you mean 'pet-names'?)" \
        in errors(course)


def test_a_prerequisite_cycle_is_reported_and_broken(write_content, good_module):
    good_module["safety/01-three-words.md"] = LESSON.replace("minutes: 5", "minutes: 5\nprerequisites: [other]")
    good_module["safety/02-other.md"] = renamed(LESSON, "other").replace(
        "minutes: 5", "minutes: 5\nprerequisites: [three-words]")
    course = load_course(write_content(good_module))
    cycle = [m for m in errors(course) if "each other's prerequisites" in m]
    assert len(cycle) == 1 and "other -> three-words -> other" in cycle[0]
    assert len(course.module("safety").path_lessons) == 2


@pytest.mark.parametrize(
    "question, expected",
    [
        ("::: question q1\nkind: single\n\nPick one.\n\n- [ ] A\n- [ ] B\n:::\n",
         "needs exactly one right answer marked [x]; this one has 0"),
        ("::: question q1\nkind: single\n\nPick one.\n\n- [x] A\n- [x] B\n:::\n",
         "Use 'kind: multiple' for more than one"),
        ("::: question q1\nkind: multiple\n\nPick.\n\n- [ ] A\n- [ ] B\n:::\n",
         "the question has no right answer: mark at least one with [x]"),
        ("::: question q1\nkind: typed\n\nType it.\n\n- [ ] 999\n- [ ] *\n:::\n",
         "the question has no right answer: mark each answer you accept with [x]"),
        ("::: question q1\nkind: true-false\n\nSay.\n\n- [x] Yes\n- [ ] No\n:::\n",
         "exactly two answers, 'True' and 'False'"),
        ("::: question q1\nkind: singel\n\nPick.\n\n- [x] A\n- [ ] B\n:::\n",
         "unknown kind 'singel' (did you mean 'single'?)"),
        ("::: question q1\nkind: single\nskil: strong-passwords\n\nPick.\n\n- [x] A\n- [ ] B\n:::\n",
         "unknown question setting 'skil' (did you mean 'skill'?)"),
        ("::: question q1\nkind: single\nPick one.\n\n- [x] A\n- [ ] B\n:::\n",
         "put a blank line between the question's settings and the question itself"),
        ("::: question q1\nkind: single\n\nPick.\n\n- A\n- [x] B\n:::\n",
         "start each answer with [x] if it is right or [ ] if it is wrong"),
        ("::: question q1\nkind: ordering\n\nOrder.\n\n- [x] A\n- [ ] B\n:::\n",
         "write the steps of an ordering question as a numbered list"),
        ("::: question q1\nkind: ordering\n\nOrder.\n\n1. [x] A\n2. B\n:::\n",
         "the steps of an ordering question have no [x] or [ ]"),
        ("::: question q1\nkind: single\n\nPick.\n\n- [x] A\n  Misconception: a-tag\n- [ ] B\n:::\n",
         "a right answer cannot carry a misconception"),
        ("::: question q1\nkind: single\n\nPick.\n\n- [x] A\n- [ ] B\n  Misconception: Not A Tag\n:::\n",
         "misconception 'Not A Tag' must be small letters"),
        ("::: question q1\nkind: single\n\nPick.\n\n- [x] A\n- [ ] *\n:::\n",
         "'*' (any other answer) is only for typed questions"),
        ("::: question q1\nkind: single\n\nPick.\n\n- [x] A\n- [ ] a\n:::\n",
         "the answer 'a' is listed twice"),
        ("::: question q1\nkind: single\n\n- [x] A\n- [ ] B\n:::\n",
         "the question has no text"),
        ("::: question q1\nkind: single\n\nPick.\n:::\n",
         "the question has no answers"),
        ("::: question q1\nkind: single\n\nPick.\n\n- [x] A\n- [ ] B\n\nMore text.\n:::\n",
         "only hints ('Hint: ...') can come after the answers"),
        ("::: question\nkind: single\n\nPick.\n\n- [x] A\n- [ ] B\n:::\n",
         "the question needs an id after '::: question'"),
        ("::: question q1\nkind: single\n\nPick.\n\n- [x] A\n- [ ] B\n",
         "this question has no closing ':::' line"),
        ("::: qustion q1\nkind: single\n:::\n",
         "unknown block 'qustion' (did you mean 'question'?)"),
        ("::: question q1\n\nPick.\n\n- [x] A\n- [ ] B\n:::\n",
         "a question starts with its settings"),
    ],
)
def test_a_broken_question_is_reported_with_file_and_line(write_content, good_module, question, expected):
    good_module["safety/02-quiz.md"] = lesson_with(question)
    course = load_course(write_content(good_module))
    found = [m for m in errors(course) if expected in m]
    assert found, messages(course)
    path, line, _ = found[0].split(":", 2)
    block_lines = range(12, 12 + question.count("\n") + 1)  # lesson_with puts the block at line 12
    assert path == "safety/02-quiz.md" and int(line) in block_lines
    assert "quiz-lesson" not in course.lessons


def test_a_question_must_name_its_skill_when_the_lesson_teaches_two(write_content, good_module):
    question = "::: question q1\nkind: single\n\nPick.\n\n- [x] A\n- [ ] B\n:::\n"
    good_module["safety/02-quiz.md"] = lesson_with(question, skills="[strong-passwords, spot-scams]")
    course = load_course(write_content(good_module))
    assert any("say which skill the question tests" in m for m in errors(course))
    good_module["safety/02-quiz.md"] = lesson_with(question)
    course = load_course(write_content(good_module))
    assert course.questions["q1"].skill == "strong-passwords"


def test_each_question_kind_loads(write_content, good_module):
    good_module["safety/02-quiz.md"] = lesson_with(
        "::: question tf\nkind: true-false\n\nBanks ask for PINs.\n\n- [ ] True\n- [x] False\n:::\n\n"
        "::: question typed\nkind: typed\n\nNumber?\n\n- [x] 7726\n- [ ] 999\n  That is for emergencies.\n"
        "- [ ] *\n  It is 7726.\n:::\n\n"
        "::: question order\nkind: ordering\n\nOrder.\n\n1. Open\n   Open it first.\n2. Save\n3. Close\n:::\n\n"
        "::: question multi\nkind: multiple\n\nPick.\n\n- [x] A\n- [x] B\n- [ ] C\n:::\n"
    )
    course = load_course(write_content(good_module))
    assert errors(course) == []
    typed = course.questions["typed"]
    assert [o.catch_all for o in typed.options] == [False, False, True]
    assert [o.text for o in typed.choices] == ["7726", "999"]
    order = course.questions["order"]
    assert [o.text for o in order.options] == ["Open", "Save", "Close"]
    assert "Open it first." in order.options[0].feedback_html
    assert len(course.questions["multi"].correct_options) == 2


def test_a_picture_needs_a_description_and_a_file_in_the_module_folder(write_content, good_module):
    good_module["safety/images/lock.svg"] = "<svg xmlns='http://www.w3.org/2000/svg'/>"
    body = LESSON.replace("A **password** keeps your account safe.",
                          "![](images/lock.svg)\n\n![A lock](images/missing.png)\n\n"
                          "![A lock](https://example.com/lock.png)\n\n![A lock](../../secret.png)\n\n"
                          "<img src=\"images/lock.svg\">")
    good_module["safety/01-three-words.md"] = body
    course = load_course(write_content(good_module))
    found = errors(course)
    assert any(m.startswith("safety/01-three-words.md:10: the picture 'images/lock.svg' has no description")
               for m in found), found
    assert "safety/01-three-words.md:12: the picture file 'images/missing.png' does not exist" in found
    assert any(m.startswith("safety/01-three-words.md:14: the picture 'https://example.com/lock.png' comes from "
                            "another website") for m in found)
    assert "safety/01-three-words.md:16: the picture '../../secret.png' must be inside the module's folder" in found
    assert any(m.startswith("safety/01-three-words.md:18: write pictures as ![description](file)") for m in found)


def test_a_picture_with_a_description_is_served_from_the_module(write_content, good_module):
    good_module["safety/images/lock.svg"] = "<svg xmlns='http://www.w3.org/2000/svg'/>"
    good_module["safety/01-three-words.md"] = LESSON.replace(
        "A **password** keeps your account safe.", "![A padlock on a laptop](images/lock.svg)")
    course = load_course(write_content(good_module))
    lesson = course.lessons["three-words"]
    assert '<img src="/media/safety/images/lock.svg" alt="A padlock on a laptop"' in lesson.body_html
    assert lesson.images == ("images/lock.svg",)


def test_a_misconception_no_lesson_fixes_is_a_warning_not_an_error(write_content, good_module):
    del good_module["safety/90-pet-names.md"]
    course = load_course(write_content(good_module))
    assert course.errors == ()
    assert [str(p).split("/content/")[-1] for p in course.warnings] == [
        "safety/01-three-words.md:12: warning: no lesson fixes the misconception 'pet-name-password' yet: "
        "add 'fixes: [pet-name-password]' to the lesson that puts it right"]
    assert "three-words" in course.lessons


def test_a_skill_no_lesson_teaches_is_a_warning(write_content, good_module):
    good_module["safety/module.md"] = MODULE.replace(
        "  spot-scams: Spot a scam\n", "  spot-scams: Spot a scam\n  use-2sv: Use two-step\n  backups: Back up\n")
    good_module["safety/90-pet-names.md"] = REMEDY.replace("[strong-passwords]", "[strong-passwords, use-2sv]")
    course = load_course(write_content(good_module))
    assert course.errors == ()
    assert any("no lesson teaches the skill 'backups'" in str(p) for p in course.warnings)
    assert any("no question tests the skill 'use-2sv'" in str(p) for p in course.warnings)


def test_a_folder_without_module_md_is_reported(write_content, good_module):
    good_module["loose/01-lesson.md"] = LESSON
    course = load_course(write_content(good_module))
    assert any(m.startswith("loose:1: this folder has lessons but no module.md") for m in errors(course))


def test_a_file_not_saved_as_utf8_is_reported(write_content, good_module):
    good_module["safety/02-latin.md"] = "---\ntitle: Caf\xe9\n---\n".encode("latin-1")
    course = load_course(write_content(good_module))
    assert any(m.startswith("safety/02-latin.md:1: the file is not saved as UTF-8 text") for m in errors(course))


def test_a_module_with_a_broken_module_md_is_left_out(write_content, good_module):
    good_module["safety/module.md"] = MODULE.replace("summary: Keep your accounts safe.\n", "")
    course = load_course(write_content(good_module))
    assert "safety/module.md:1: the setting 'summary' is missing" in errors(course)
    assert course.modules == ()


def test_readme_files_and_hidden_files_are_not_lessons(write_content, good_module):
    good_module["safety/README.md"] = "Notes for tutors."
    good_module["safety/.draft.md"] = "not ready"
    course = load_course(write_content(good_module))
    assert course.problems == ()


def test_a_missing_content_folder_is_reported(tmp_path):
    course = load_course(tmp_path / "nowhere")
    assert [p.message for p in course.problems] == ["the content folder does not exist"]


GLOSSARY = """\
---
module: safety
---

## password
Also: passwords
A secret word or phrase that lets you into an account.

## two-step verification
Also: 2SV
A second check, such as a code sent to your phone.
"""


def test_glossary_words_are_linked_where_a_lesson_first_uses_them(write_content, good_module):
    good_module["safety/glossary.md"] = GLOSSARY
    good_module["safety/01-three-words.md"] = LESSON.replace(
        "A **password** keeps your account safe.",
        "## Your password\n\nA password keeps your account safe. Passwords matter.\n"
        "Turn on two-step\nverification too. See [password help](https://www.ncsc.gov.uk/).")
    course = load_course(write_content(good_module))
    assert course.problems == ()
    module = course.module("safety")
    assert [w.word for w in module.glossary] == ["password", "two-step verification"]
    assert module.glossary[1].forms == ("two-step verification", "2SV")
    lesson = course.lessons["three-words"]
    assert [w.slug for w in lesson.words] == ["password", "two-step-verification"]
    html = lesson.body_html
    assert "<h2>Your password</h2>" in html, "words in headings are left alone"
    assert html.count('href="#word-password"') == 1, "only the first use is linked"
    assert 'A <a href="#word-password" rel="noopener">password</a> keeps' in html
    assert 'href="#word-two-step-verification" rel="noopener">two-step\nverification</a>' in html
    assert '<a href="https://www.ncsc.gov.uk/" rel="noopener">password help</a>' in html
    assert course.lessons["pet-names"].words == (), "a lesson that never uses a word does not list it"


@pytest.mark.parametrize("glossary, expected", [
    (GLOSSARY.replace("module: safety", "module: banking"),
     "glossary.md:2: this glossary says it is for module 'banking', but it is in the folder of module 'safety'"),
    (GLOSSARY.replace("A secret word or phrase that lets you into an account.\n", ""),
     "glossary.md:5: 'password' has no explanation"),
    (GLOSSARY.replace("Also: 2SV", "Also: passwords"), "glossary.md:9: 'passwords' is already in the glossary (line 5)"),
    (GLOSSARY.replace("## password\n", "### password\n"), "glossary.md:5: write each word as a '## word' heading"),
    (GLOSSARY.replace("---\n\n## password", "---\n\nSome words.\n\n## password"),
     "glossary.md:5: write each word as a '## word' heading, with its explanation under it"),
])
def test_a_broken_glossary_is_reported_and_the_lessons_still_load(write_content, good_module, glossary, expected):
    good_module["safety/glossary.md"] = glossary
    course = load_course(write_content(good_module))
    assert any(expected in m for m in errors(course)), messages(course)
    assert "three-words" in course.lessons
    assert course.module("safety").glossary == ()
