"""The shipped modules meet the bars a beginner needs: plain words, enough practice, help for mix-ups."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import textstat

from engine.loader import load_course
from tests.conftest import CONTENT_DIR

COURSE = load_course(CONTENT_DIR)
MODULES = {m.id: m for m in COURSE.modules}
LESSONS = list(COURSE.lessons.values())
GUESSABLE = {"single", "true-false"}  # a learner can get these right by chance


class _Prose(HTMLParser):
    """Collect a lesson's running text, leaving out code and pictures' file names."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("code", "pre"):
            self._skip += 1
        if tag in ("p", "li", "h2", "h3", "h4", "td", "th", "dd", "dt", "br"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("code", "pre"):
            self._skip -= 1
        if tag in ("li", "h2", "h3", "h4", "td", "th", "dt"):
            # A list item or heading is a sentence of its own, even with no full stop.
            self.parts.append(".\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def prose(html: str) -> str:
    """Return the words of some HTML as plain sentences."""
    parser = _Prose()
    parser.feed(html)
    text = "".join(parser.parts)
    text = re.sub(r"([.!?:])\s*\.", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if re.search(r"[A-Za-z]", s)]


def test_the_course_loads_with_no_errors_and_no_warnings():
    assert [str(p) for p in COURSE.problems] == []


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_lesson_reads_at_flesch_60_or_more(lesson):
    text = prose(lesson.body_html)
    score = textstat.flesch_reading_ease(text)
    assert score >= 60, f"{lesson.source}: Flesch reading ease {score:.0f}; use shorter words and sentences"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_lesson_keeps_sentences_under_20_words_on_average(lesson):
    found = sentences(prose(lesson.body_html))
    assert found, f"{lesson.source}: no sentences found"
    average = sum(len(s.split()) for s in found) / len(found)
    assert average < 20, f"{lesson.source}: sentences average {average:.1f} words"


def test_the_readability_measure_tells_plain_from_dense_text():
    plain = "Pick three random words. Put them together. That is your new password."
    dense = ("Authentication credentials necessitate sufficiently unpredictable alphanumeric "
             "compositions, notwithstanding organisational recommendations regarding memorability.")
    assert textstat.flesch_reading_ease(prose(f"<p>{plain}</p>")) >= 60
    assert textstat.flesch_reading_ease(prose(f"<p>{dense}</p>")) < 60
    assert len(sentences(prose("<ul><li>one</li><li>two words</li></ul><p>Three. Four!</p>"))) == 4


@pytest.mark.parametrize("module", MODULES.values(), ids=lambda m: m.id)
def test_every_module_has_five_to_eight_short_lessons_in_prerequisite_order(module):
    lessons = module.path_lessons
    assert 5 <= len(lessons) <= 8, f"{module.id} has {len(lessons)} lessons"
    for lesson in lessons:
        assert 3 <= lesson.minutes <= 7, f"{lesson.source}: {lesson.minutes} minutes"
    seen: set[str] = set()
    for lesson in lessons:
        assert set(lesson.prerequisites) & {l.id for l in lessons} <= seen, lesson.id
        seen.add(lesson.id)
    assert {lesson.level for lesson in lessons} >= {"bronze", "silver"}, module.id


@pytest.mark.parametrize("module", MODULES.values(), ids=lambda m: m.id)
def test_every_module_has_a_bank_of_at_least_40_questions_across_the_kinds(module):
    questions = [q for lesson in module.lessons for q in lesson.questions]
    assert len(questions) >= 40, f"{module.id} has {len(questions)} questions"
    kinds = {q.kind for q in questions}
    assert kinds == {"single", "multiple", "true-false", "typed", "ordering"}, module.id
    guessable = sum(q.kind in GUESSABLE for q in questions)
    assert guessable <= len(questions) * 0.6, f"{module.id}: {guessable} of {len(questions)} can be guessed"


@pytest.mark.parametrize("skill", COURSE.skills.values(), ids=lambda s: s.id)
def test_every_skill_has_at_least_four_questions_two_of_them_not_guessable(skill):
    questions = [q for q in COURSE.questions.values() if q.skill == skill.id]
    assert len(questions) >= 4, f"{skill.id} has {len(questions)} questions"
    hard = [q for q in questions if q.kind not in GUESSABLE]
    assert len(hard) >= 2, f"{skill.id} has {len(hard)} questions that are not single choice or true-false"


def test_every_misconception_leads_to_a_lesson_that_fixes_it():
    tags = {o.misconception for q in COURSE.questions.values() for o in q.options if o.misconception}
    assert tags, "the course tags no misconceptions"
    for tag in tags:
        assert COURSE.remedies.get(tag), f"no lesson fixes {tag}"
        for lesson_id in COURSE.remedies[tag]:
            assert COURSE.lessons[lesson_id].body_html.strip()


@pytest.mark.parametrize("module", MODULES.values(), ids=lambda m: m.id)
def test_tempting_wrong_answers_carry_misconceptions_in_every_module(module):
    tagged = {o.misconception for lesson in module.lessons for q in lesson.questions for o in q.options
              if o.misconception}
    assert len(tagged) >= 3, f"{module.id} tags {len(tagged)} misconceptions"


def test_every_option_explains_why_it_is_right_or_wrong():
    missing = [f"{q.source} option {o.key}" for q in COURSE.questions.values()
               if q.kind in ("single", "multiple", "true-false") for o in q.options if not o.feedback_html.strip()]
    assert missing == []


def test_every_picture_has_a_description_of_more_than_two_words():
    for lesson in LESSONS:
        for alt in re.findall(r'<img [^>]*alt="([^"]*)"', lesson.body_html):
            assert len(alt.split()) > 2, f"{lesson.source}: alt text {alt!r}"


# Words a beginner may not know. Wherever a lesson uses one, its module's glossary explains it.
TECHNICAL_WORDS = [
    "browser", "password manager", "two-step verification", "2SV", "phishing", "PDF", "attachment",
    "download", "upload", "sort code", "payee", "direct debit", "standing order", "Confirmation of Payee",
    "word processor", "template", "cloud", "software update", "passcode", "CV", "cover letter",
    "job alert", "work coach", "URL", "Wi-Fi", "malware", "screenshot", "app store", "folder",
]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_technical_word_is_explained_where_a_lesson_first_uses_it(lesson):
    text = prose(lesson.body_html)
    explained = {form.casefold() for word in lesson.words for form in word.forms}
    for word in TECHNICAL_WORDS:
        if re.search(rf"(?<![\w-]){re.escape(word)}s?(?![\w-])", text, re.IGNORECASE):
            assert word.casefold() in explained or f"{word}s".casefold() in explained, (
                f"{lesson.source}: '{word}' is used but not explained: add it to the module's glossary.md")


def test_no_picture_carries_words_that_are_not_in_the_page():
    pictures = sorted(CONTENT_DIR.glob("*/images/*"))
    assert pictures, "the modules have pictures"
    for path in pictures:
        if path.suffix.lower() == ".svg":
            svg = path.read_text(encoding="utf-8")
            assert not re.search(r"<text\b|<tspan\b|<foreignObject\b", svg), f"{path} has words in it"
        else:
            pytest.fail(f"{path}: only SVG pictures can be checked for words; describe the check for this kind")
