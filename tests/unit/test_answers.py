"""Reading and marking a learner's answer, for every kind of question."""

from __future__ import annotations

import pytest

from engine.answers import Answer, AnswerError, display_order, mark, normalise_typed, read_answer
from engine.model import Option, Question, Source


def question(kind: str, options: list[tuple[str, bool]], misconceptions: dict | None = None,
             catch_all: str | None = None, qid: str = "q1") -> Question:
    misconceptions = misconceptions or {}
    built = [Option(chr(97 + i), text, ok, f"<p>about {text}</p>", misconceptions.get(text))
             for i, (text, ok) in enumerate(options)]
    if catch_all is not None:
        built.append(Option(chr(97 + len(built)), "*", False, f"<p>{catch_all}</p>", None, True))
    return Question(qid, kind, "skill", "<p>?</p>", tuple(built), (), "lesson", "module", Source("f.md", 1))


SINGLE = question("single", [("Fluffy2015", False), ("coffee train purple", True), ("Password1", False)],
                  {"Fluffy2015": "pet-name-password"})
MULTIPLE = question("multiple", [("A", True), ("B", True), ("C", False)], {"C": "c-idea"})
TYPED = question("typed", [("7726", True), ("SPAM", True), ("999", False)], {"999": "call-999"},
                 catch_all="It is 7726.")
ORDERING = question("ordering", [("Open", True), ("Save", True), ("Close", True)])


def test_a_single_choice_answer_is_right_only_for_the_right_option():
    assert mark(SINGLE, read_answer(SINGLE, {"choice": ["b"]})).correct
    marking = mark(SINGLE, read_answer(SINGLE, {"choice": ["a"]}))
    assert not marking.correct
    assert marking.misconceptions == ("pet-name-password",)
    assert marking.right_answers == ("coffee train purple",)
    assert [line.option.text for line in marking.lines] == ["Fluffy2015"]


@pytest.mark.parametrize("fields, message", [
    ({}, "Choose an answer."),
    ({"choice": ["z"]}, "Choose one of the answers shown."),
    ({"choice": ["a", "b"]}, "Choose one of the answers shown."),
])
def test_a_single_choice_answer_must_be_one_option_shown(fields, message):
    with pytest.raises(AnswerError, match=message):
        read_answer(SINGLE, fields)


def test_a_multiple_select_answer_must_match_the_right_set_exactly():
    assert mark(MULTIPLE, read_answer(MULTIPLE, {"choice": ["b", "a"]})).correct
    assert not mark(MULTIPLE, read_answer(MULTIPLE, {"choice": ["a"]})).correct
    marking = mark(MULTIPLE, read_answer(MULTIPLE, {"choice": ["a", "b", "c"]}))
    assert not marking.correct and marking.misconceptions == ("c-idea",)
    assert marking.right_answers == ("A", "B")
    missed = mark(MULTIPLE, read_answer(MULTIPLE, {"choice": ["a"]}))
    assert [(line.option.text, line.chosen) for line in missed.lines] == [("A", True), ("B", False)]


@pytest.mark.parametrize("fields, message", [
    ({}, "Tick at least one answer."),
    ({"choice": ["a", "x"]}, "Tick only the answers shown."),
    ({"choice": ["a", "a"]}, "Tick only the answers shown."),
])
def test_a_multiple_select_answer_rejects_forged_options(fields, message):
    with pytest.raises(AnswerError, match=message):
        read_answer(MULTIPLE, fields)


@pytest.mark.parametrize("typed", ["7726", " 7726 ", "77 26", "spam", "  Spam.  ", "S P A M"])
def test_a_typed_answer_ignores_case_and_spacing(typed):
    assert mark(TYPED, read_answer(TYPED, {"typed": [typed]})).correct


def test_a_known_wrong_typed_answer_gets_its_own_feedback_and_misconception():
    marking = mark(TYPED, read_answer(TYPED, {"typed": ["999"]}))
    assert not marking.correct
    assert marking.misconceptions == ("call-999",)
    assert marking.lines[0].feedback_html == "<p>about 999</p>"
    assert marking.right_answers == ("7726",)


def test_any_other_typed_answer_gets_the_catch_all_feedback():
    marking = mark(TYPED, read_answer(TYPED, {"typed": ["101"]}))
    assert not marking.correct and marking.lines[0].feedback_html == "<p>It is 7726.</p>"


@pytest.mark.parametrize("fields, message", [
    ({}, "Type your answer in the box."),
    ({"typed": ["   "]}, "Type your answer in the box."),
    ({"typed": ["x" * 201]}, "Your answer is too long"),
])
def test_a_typed_answer_must_be_short_and_not_empty(fields, message):
    with pytest.raises(AnswerError, match=message):
        read_answer(TYPED, fields)


def test_normalising_folds_case_spaces_and_a_final_full_stop():
    assert normalise_typed("  Report@Phishing.GOV.uk.  ") == "report@phishing.gov.uk"


def test_an_ordering_answer_is_right_only_in_the_written_order():
    assert mark(ORDERING, read_answer(ORDERING, {"step-1": ["a"], "step-2": ["b"], "step-3": ["c"]})).correct
    wrong = mark(ORDERING, read_answer(ORDERING, {"step-1": ["b"], "step-2": ["a"], "step-3": ["c"]}))
    assert not wrong.correct and wrong.right_answers == ("Open", "Save", "Close")


@pytest.mark.parametrize("fields, message", [
    ({"step-1": ["a"], "step-2": ["b"]}, "Choose what comes at step 3."),
    ({"step-1": ["a"], "step-2": ["a"], "step-3": ["c"]}, "Use each step once."),
    ({"step-1": ["a"], "step-2": ["b"], "step-3": ["q"]}, "Choose only the steps shown."),
])
def test_an_ordering_answer_must_use_each_step_once(fields, message):
    with pytest.raises(AnswerError, match=message):
        read_answer(ORDERING, fields)


def test_ordering_steps_are_shown_mixed_up_the_same_way_every_time():
    for n in range(2, 8):
        q = question("ordering", [(f"step {i}", True) for i in range(n)], qid=f"order-{n}")
        shown = display_order(q)
        assert shown != q.choices, "never shown already in the right order"
        assert sorted(o.key for o in shown) == sorted(o.key for o in q.choices)
        assert display_order(q) == shown


def test_an_answer_survives_the_answer_record_round_trip():
    for answer in (Answer(keys=("a", "b")), Answer(typed="7726")):
        assert Answer.from_record(answer.as_record()) == answer
    assert Answer(keys=("b", "a", "c")).describe(ORDERING) == "Save → Open → Close"
    assert Answer(keys=("a", "b")).describe(MULTIPLE) == "A; B"
