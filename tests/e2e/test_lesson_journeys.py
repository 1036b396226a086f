"""A learner reads a lesson and answers its questions: by mouse, by keyboard, without JavaScript."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from engine.answers import display_order
from engine.model import Option, Question


def main_heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def feedback_box(page: Page) -> Locator:
    return page.get_by_role("status")


def breadcrumb(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="You are here").get_by_role("link", name=name, exact=True)


def lesson_row(page: Page, title: str) -> Locator:
    """Return the module page's list item for a lesson."""
    return page.get_by_role("listitem").filter(has=page.get_by_role("link", name=title, exact=True))


# ---------------------------------------------------------------------------
# With the mouse


def test_a_learner_completes_a_lesson_and_its_quiz_with_the_mouse(page: Page, quiz):
    lesson = quiz.first_lesson
    total = len(lesson.questions)
    assert {q.kind for q in lesson.questions} >= {"single", "multiple", "true-false", "ordering"}

    page.goto("/")
    page.get_by_role("link", name=quiz.module_title, exact=True).click()
    expect(main_heading(page)).to_have_text(quiz.module_title)
    page.get_by_role("link", name=f"Start {quiz.module_title}", exact=True).click()
    expect(main_heading(page)).to_have_text(lesson.title)
    expect(page.get_by_text(f"Lesson 1 of {len(quiz.module.path_lessons)}")).to_be_visible()
    page.get_by_role("button", name="Start the questions", exact=True).click()

    for number, question in enumerate(lesson.questions, start=1):
        expect(main_heading(page)).to_have_text(f"Question {number} of {total}")
        quiz.answer_with_mouse(page, question)
        expect(feedback_box(page)).to_contain_text("Right!")
        expect(feedback_box(page)).not_to_contain_text("The right answer")
        if number < total:
            page.get_by_role("link", name="Next question", exact=True).click()

    expect(page.get_by_text("You have answered all the questions in this lesson.")).to_contain_text(
        f"You got {total} of {total} right.")
    breadcrumb(page, quiz.module_title).click()
    expect(main_heading(page)).to_have_text(quiz.module_title)
    expect(lesson_row(page, lesson.title)).to_contain_text(f"Done: {total} of {total} right")

    # Going over the lesson again, the learner gets the first question wrong.
    lesson_row(page, lesson.title).get_by_role("link", name=lesson.title, exact=True).click()
    page.get_by_role("button", name="Start the questions", exact=True).click()
    expect(main_heading(page)).to_have_text(f"Question 1 of {total}")
    first = lesson.questions[0]
    [wrong] = quiz.wrong_options(first)
    assert wrong.misconception, "the first question should have a wrong answer with a misconception"
    quiz.answer_with_mouse(page, first, right=False)
    expect(feedback_box(page)).to_contain_text(f"You answered: {wrong.text}")
    right_answer = first.correct_options[0].text  # the first question has one right answer
    expect(feedback_box(page)).to_contain_text(f"The right answer is: {right_answer}")
    [remedy_id] = quiz.course.remedies[wrong.misconception]
    remedy = quiz.course.lessons[remedy_id]
    page.get_by_role("link", name=remedy.title, exact=True).click()
    expect(main_heading(page)).to_have_text(remedy.title)
    expect(page.get_by_text("Extra help ·")).to_be_visible()


# ---------------------------------------------------------------------------
# With the keyboard only


def focus_with_keyboard(page: Page, target: Locator, limit: int = 60) -> None:
    """Press Tab, or Shift+Tab when the target is further up the page, until the target has focus."""
    for _ in range(limit):
        where = target.evaluate("""el => {
            const active = document.activeElement;
            if (el === active) return 0;
            if (!active || active === document.body) return 1;
            return active.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING ? 1 : -1;
        }""")
        if where == 0:
            break
        page.keyboard.press("Tab" if where > 0 else "Shift+Tab")
    expect(target).to_be_focused()


def press_to_go(page: Page, key: str = "Enter") -> None:
    """Press a key that follows a link or sends a form, and wait for the next page to load."""
    with page.expect_navigation():
        page.keyboard.press(key)


def answer_with_keyboard(page: Page, question: Question, options: list[Option]) -> None:
    """Answer the question on the page with Tab, Shift+Tab, arrows, Space and typing, then Enter."""
    shown = list(display_order(question))
    if question.kind in ("single", "true-false"):
        # Tab into the group lands on the first answer; the arrow keys move and choose.
        focus_with_keyboard(page, page.get_by_label(shown[0].text, exact=True))
        steps = shown.index(options[0])
        if steps == 0:
            page.keyboard.press("Space")
        for _ in range(steps):
            page.keyboard.press("ArrowDown")
    elif question.kind == "multiple":
        # Tick from the bottom up, so Shift+Tab is used too.
        for option in reversed(options):
            focus_with_keyboard(page, page.get_by_label(option.text, exact=True))
            page.keyboard.press("Space")
    elif question.kind == "typed":
        focus_with_keyboard(page, page.get_by_role("textbox", name="Type your answer"))
        page.keyboard.type(options[0].text)
    else:
        for position, option in enumerate(options, start=1):
            focus_with_keyboard(page, page.get_by_label(f"Step {position}", exact=True))
            # The first choice is "Choose a step"; each Down arrow moves one step along.
            for _ in range(shown.index(option) + 1):
                page.keyboard.press("ArrowDown")
    for option in options:
        if question.kind in ("single", "true-false", "multiple"):
            expect(page.get_by_label(option.text, exact=True)).to_be_checked()
    if question.kind == "ordering":
        for position, option in enumerate(options, start=1):
            expect(page.get_by_label(f"Step {position}", exact=True)).to_have_value(option.key)
    focus_with_keyboard(page, page.get_by_role("button", name="Check my answer", exact=True))
    press_to_go(page)


def test_a_learner_completes_a_module_with_the_keyboard_only(page: Page, quiz):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content", exact=True)
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, f"the focused skip link is off screen: {box}"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # Focus on main is for screen readers: it must not paint the whole page in the focus colour.
    expect(page.locator("main")).to_have_css("background-color", "rgba(0, 0, 0, 0)")

    focus_with_keyboard(page, page.get_by_role("link", name=quiz.module_title, exact=True))
    press_to_go(page)
    expect(main_heading(page)).to_have_text(quiz.module_title)
    focus_with_keyboard(page, page.get_by_role("link", name=f"Start {quiz.module_title}", exact=True))
    press_to_go(page)

    lessons = quiz.module.path_lessons
    for lesson in lessons:
        total = len(lesson.questions)
        expect(main_heading(page)).to_have_text(lesson.title)
        focus_with_keyboard(page, page.get_by_role("button", name="Start the questions", exact=True))
        press_to_go(page, "Space")
        for number, question in enumerate(lesson.questions, start=1):
            expect(main_heading(page)).to_have_text(f"Question {number} of {total}")
            if number == 1:
                # Sending nothing shows an error; its link takes focus to the answer.
                focus_with_keyboard(page, page.get_by_role("button", name="Check my answer", exact=True))
                press_to_go(page)
                error_link = page.get_by_role("alert").get_by_role("link")
                expect(error_link).to_be_visible()
                focus_with_keyboard(page, error_link)
                page.keyboard.press("Enter")
                expect(page.locator("#answer")).to_be_focused()
            answer_with_keyboard(page, question, quiz.right_options(question))
            expect(page.get_by_role("heading", level=2, name="Right!")).to_be_visible()
            focus_with_keyboard(page, page.get_by_role(
                "link", name="Next question" if number < total else "Continue", exact=True))
            press_to_go(page)

    expect(main_heading(page)).to_have_text(quiz.module_title)
    expect(page.get_by_role("heading", name="You have finished this topic")).to_be_visible()
    for lesson in lessons:
        expect(lesson_row(page, lesson.title)).to_contain_text("Done")


# ---------------------------------------------------------------------------
# Without JavaScript


def test_a_learner_completes_a_module_with_javascript_turned_off(new_context, quiz):
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_content("<title>before</title><script>document.title = 'script ran'</script>")
    expect(page).to_have_title("before")

    page.goto("/")
    page.get_by_role("link", name=quiz.module_title, exact=True).click()
    page.get_by_role("link", name=f"Start {quiz.module_title}", exact=True).click()
    lessons = quiz.module.path_lessons
    kinds = set()
    for lesson in lessons:
        total = len(lesson.questions)
        expect(main_heading(page)).to_have_text(lesson.title)
        page.get_by_role("button", name="Start the questions", exact=True).click()
        for number, question in enumerate(lesson.questions, start=1):
            expect(main_heading(page)).to_have_text(f"Question {number} of {total}")
            if number == 1:
                quiz.check_answer_button(page).click()
                expect(page.get_by_role("alert")).to_contain_text("There is a problem")
                expect(page).to_have_title(f"Error: Question 1 of {total} – {lesson.title} – Skills Passport")
            if question.kind == "typed":
                # A wrong answer first: the right one is then shown.
                page.get_by_role("textbox", name="Type your answer").fill("I do not know")
                quiz.check_answer_button(page).click()
                expect(feedback_box(page)).to_contain_text("Not quite")
                expect(feedback_box(page)).to_contain_text(
                    f"The right answer is: {question.correct_options[0].text}")
                page.goto(f"/questions/{question.id}")
            quiz.answer_with_mouse(page, question)
            kinds.add(question.kind)
            page.get_by_role("link", name="Next question" if number < total else "Continue", exact=True).click()

    assert kinds == {"single", "multiple", "true-false", "typed", "ordering"}
    expect(main_heading(page)).to_have_text(quiz.module_title)
    expect(page.get_by_role("heading", name="You have finished this topic")).to_be_visible()
    for lesson in lessons:
        expect(lesson_row(page, lesson.title)).to_contain_text("Done")


# ---------------------------------------------------------------------------
# Progress is kept


def expect_to_carry_on_at(page: Page, quiz, question: Question) -> None:
    """Check the home page offers to carry on, and Continue opens the given question."""
    page.goto("/")
    expect(page.get_by_role("heading", name="Carry on where you left off")).to_be_visible()
    expect(page.get_by_text("You were last working on")).to_contain_text(quiz.module_title)
    page.get_by_role("link", name=f"Continue {quiz.module_title}", exact=True).click()
    expect(page).to_have_url(f"/questions/{question.id}")
    expect(main_heading(page)).to_have_text(quiz.question_heading(question))


def test_progress_is_kept_in_a_new_tab_and_after_closing_the_browser(new_context, quiz):
    lesson = quiz.first_lesson
    context = new_context()
    page = context.new_page()
    page.goto("/")
    expect(main_heading(page)).to_have_text("Learn everyday digital skills")
    expect(page.get_by_role("heading", name="Carry on where you left off")).to_have_count(0)

    page.goto(f"/lessons/{lesson.id}")
    page.get_by_role("button", name="Start the questions", exact=True).click()
    for question in lesson.questions[:2]:
        quiz.answer_with_mouse(page, question)
        page.get_by_role("link", name="Next question", exact=True).click()
    following = lesson.questions[2]
    expect(main_heading(page)).to_have_text(quiz.question_heading(following))

    expect_to_carry_on_at(context.new_page(), quiz, following)

    # Closing the browser ends the session: only cookies with an expiry date survive.
    state = context.storage_state()
    context.close()
    kept = [cookie for cookie in state["cookies"] if cookie["expires"] > 0]
    assert kept and len(kept) < len(state["cookies"]), state["cookies"]
    reopened = new_context(storage_state={**state, "cookies": kept})
    expect_to_carry_on_at(reopened.new_page(), quiz, following)

    # Somebody else, in another browser, starts afresh.
    stranger = new_context().new_page()
    stranger.goto("/")
    expect(main_heading(stranger)).to_have_text("Learn everyday digital skills")
    expect(stranger.get_by_role("heading", name="Carry on where you left off")).to_have_count(0)
