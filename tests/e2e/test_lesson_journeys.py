"""A learner follows the engine through a module: by mouse, by keyboard, without JavaScript.

The engine chooses every step, so these tests do not know the way in advance:
like a learner, they look at the page they are on (a question, a lesson, an
offer of help, or the finished module) and press the one button that goes on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page, expect

from engine.answers import display_order
from engine.model import Lesson, Module, Option, Question
from tests.integration.practice_steps import task_fields

LEVELS = ("Not started", "Learning", "Secure", "Mastered")
# A question's heading says where the learner is: "Question 2 of 4" in its lesson, or "Quick check".
QUESTION_HEADING = re.compile(r"^(Question \d+ of \d+|Quick check)$")
SHOW_WHAT_I_KNOW = "I know some of this: let me show you"


def main_heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def feedback_box(page: Page) -> Locator:
    return page.get_by_role("status")


def path_of(url: str) -> str:
    return urlsplit(url).path


def what_next(page: Page) -> Locator:
    """Return the feedback page's "What next" box."""
    return page.get_by_role("heading", level=2, name="What next", exact=True).locator("xpath=..")


def skill_levels(page: Page) -> Locator:
    """Return the module page's "Your skills" list items."""
    return page.locator("ul.skills > li")


def skill_level(page: Page, title: str) -> Locator:
    """Return the level shown for one skill on the module page."""
    item = skill_levels(page).filter(has=page.get_by_text(title, exact=True))
    return item.get_by_text(re.compile("^(" + "|".join(LEVELS) + ")$"))


def expect_every_skill_at(page: Page, module: Module, level: str) -> None:
    items = skill_levels(page)
    expect(items).to_have_count(len(module.skills))
    for skill in module.skills:
        expect(skill_level(page, skill.title)).to_have_text(level)


def expect_finished(page: Page, module: Module) -> None:
    """Check the learner is on the module page, told they have finished, with every skill mastered."""
    expect(page).to_have_url(re.compile(rf"/modules/{module.id}#finished$"))
    expect(main_heading(page)).to_have_text(module.title)
    panel = page.locator("#finished")
    expect(panel.get_by_role("heading", level=2)).to_have_text("You have finished this topic")
    expect(panel).to_be_in_viewport()
    expect(page.get_by_role("link", name=re.compile(r"^(Start|Continue) "))).to_have_count(0)
    expect_every_skill_at(page, module, "Mastered")


# ---------------------------------------------------------------------------
# Following the engine


@dataclass
class Journey:
    """What happened on the way through a module."""

    steps: list[str] = field(default_factory=list)  # page paths, in order
    kinds: set[str] = field(default_factory=set)
    lessons: list[str] = field(default_factory=list)
    answers: int = 0
    wrong: int = 0
    words_followed: int = 0


@dataclass
class Learner:
    """How a learner answers a question (landing on its feedback) and presses a link or button."""

    answer: Callable[[Page, Question, Journey], bool]  # returns whether the answer was right
    press: Callable[[Page, Locator], None]
    read: Callable[[Page, Lesson, Journey], None] = lambda page, lesson, journey: None


def next_step_button(page: Page, quiz, module: Module) -> Locator:
    """Return the feedback page's one button to go on, checking it says where it goes."""
    links = what_next(page).get_by_role("link")
    expect(links).to_have_count(1)
    href = links.get_attribute("href")
    if lesson := quiz.lesson_at(href):
        name = f"Read “{lesson.title}”"
    elif quiz.question_at(href):
        name = "Next question"
    elif path_of(href) == f"/modules/{module.id}/help":
        name = "Continue"
    elif path_of(href).startswith(f"/modules/{module.id}/practice/"):
        name = "Try the practice task"
    else:
        assert href == f"/modules/{module.id}#finished", href
        name = f"Back to {module.title}"
    expect(links).to_have_accessible_name(name)
    return links


def expect_reason(page: Page, reason: str | None, where: str = "p.reason") -> None:
    """Check the page gives the engine's reason for this step: the one given before, if known."""
    shown = page.locator(f"main {where}")
    expect(shown).to_have_count(1)
    if reason is None:
        expect(shown).to_have_text(re.compile(r"\w.*\.$"))
    else:
        expect(shown).to_have_text(reason)


def follow_the_engine(page: Page, quiz, module: Module, learner: Learner, reason: str | None) -> Journey:
    """Do each step the engine sets until the module is finished; `reason` is the first step's.

    The page before a step (the module page, or the last answer's feedback)
    gives the engine's reason for it, and a question or offer of help the
    engine chose shows the same reason. After a lesson or help page, which
    do not say what comes next, the next step's reason is not known ahead.
    """
    journey = Journey()
    for _ in range(quiz.max_steps):
        url = page.url
        journey.steps.append(path_of(url))
        if urlsplit(url).fragment == "finished":
            return journey
        if question := quiz.question_at(url):
            assert question.module_id == module.id, f"the engine left {module.id} for {url}"
            expect(main_heading(page)).to_have_text(QUESTION_HEADING)
            skill = quiz.course.skills[question.skill]
            expect(page.get_by_text(f"{module.title}: {skill.title}", exact=True)).to_be_visible()
            expect_reason(page, reason)
            expect(page).to_have_title(f"Question: {skill.title} – {module.title} – Skills Passport")
            right = learner.answer(page, question, journey)
            journey.answers += 1
            journey.wrong += not right
            journey.kinds.add(question.kind)
            box = feedback_box(page)
            expect(box.get_by_role("heading", level=2)).to_have_text("Right!" if right else "Not quite")
            expect(box).to_contain_text("You answered: ")
            if right:
                expect(box).not_to_contain_text("The right")
            else:
                expect(box).to_contain_text(re.compile(r"The right (answer is|answers are|order is)"))
            reason = what_next(page).get_by_role("paragraph").first.inner_text()
            learner.press(page, next_step_button(page, quiz, module))
        elif lesson := quiz.lesson_at(url):
            expect(main_heading(page)).to_have_text(lesson.title)
            journey.lessons.append(lesson.id)
            learner.read(page, lesson, journey)
            learner.press(page, page.get_by_role("button", name="I have read this", exact=True))
            reason = None  # a lesson page does not say why it comes, nor what is next
        elif path_of(url).startswith(f"/modules/{module.id}/practice/"):
            do_the_task(page, quiz, module, learner)
            reason = None
        elif path_of(url) == f"/modules/{module.id}/help":
            expect(main_heading(page)).to_contain_text("Help with")
            expect_reason(page, reason, "p.lead")
            learner.press(page, page.get_by_role("button", name="Carry on with other skills", exact=True))
            reason = None
        else:
            raise AssertionError(f"the engine led to an unexpected page: {url} after {journey.steps}")
        expect(page).not_to_have_title(re.compile("Page not found|Sorry", re.IGNORECASE))
    raise AssertionError(f"{module.id} was not finished within {quiz.max_steps} steps: {journey.steps}")


def do_the_task(page: Page, quiz, module: Module, learner: Learner) -> None:
    """Do a practice task the engine offers, every step right, then carry on with the module."""
    task = quiz.course.tasks[path_of(page.url).rsplit("/", 1)[1]]
    expect(main_heading(page)).to_have_text(task.title)
    for name, values in task_fields(task).items():
        for value in values if isinstance(values, list) else [values]:
            box = page.locator(f"[name={json.dumps(name)}]").first
            what = box.evaluate("el => el.tagName === 'SELECT' ? 'select' : (el.type || 'text')")
            if what in ("radio", "checkbox"):
                page.locator(f"[name={json.dumps(name)}][value={json.dumps(value)}]").check()
            elif what == "select":
                box.select_option(value)
            else:
                box.fill(value)
    learner.press(page, page.get_by_role("button", name="Check what I did", exact=True))
    expect(page.get_by_role("heading", name="Well done: no mistakes")).to_be_visible()
    learner.press(page, page.get_by_role("link", name=f"Carry on with {module.title}", exact=True))


def start_module_with_mouse(page: Page, module: Module) -> None:
    """Open the module from the home page and choose to show what the learner knows (the quick checks)."""
    page.goto("/")
    page.get_by_role("link", name=module.title, exact=True).click()
    expect(main_heading(page)).to_have_text(module.title)
    expect(page.get_by_role("heading", name="Your skills")).to_be_visible()
    expect_every_skill_at(page, module, "Not started")
    levels = page.locator("details").filter(has_text="What the levels mean")
    levels.get_by_text("What the levels mean").click()
    for level in LEVELS:
        expect(levels.get_by_text(level, exact=True)).to_be_visible()
    for lesson in module.path_lessons:
        row = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=lesson.title, exact=True))
        expect(row).to_contain_text("Not read yet")
    click(page, page.get_by_role("button", name=SHOW_WHAT_I_KNOW, exact=True))


def click(page: Page, target: Locator) -> None:
    """Click a link or button that goes to another page, and wait for that page to load."""
    with page.expect_navigation():
        target.click()


def answer_right_with_mouse(quiz) -> Callable[[Page, Question, Journey], bool]:
    def answer(page: Page, question: Question, journey: Journey) -> bool:
        quiz.answer_with_mouse(page, question)
        return True
    return answer


def read_and_follow_a_word(page: Page, lesson: Lesson, journey: Journey) -> None:
    """Check the lesson's "Words in this lesson" box, and follow a word's link to its explanation."""
    words = page.get_by_role("complementary", name="Words in this lesson")
    if not lesson.words:
        expect(words).to_have_count(0)
        return
    expect(words.locator("dt")).to_have_text([word.word for word in lesson.words])
    # The last word linked in the text is the furthest from its explanation.
    link = page.locator(".prose a[href^='#word-']").last
    slug = link.get_attribute("href").removeprefix("#word-")
    word = next(w for w in lesson.words if w.slug == slug)
    link.click()
    expect(page).to_have_url(re.compile(f"#word-{re.escape(slug)}$"))
    explanation = words.locator(f"#word-{slug}")
    expect(explanation).to_have_text(word.word)
    expect(explanation).to_be_in_viewport()
    expect(explanation).to_have_css("background-color", "rgb(255, 221, 0)")  # :target
    journey.words_followed += 1


# ---------------------------------------------------------------------------
# With the mouse


def test_a_learner_who_knows_it_all_follows_the_engine_to_the_end_with_the_mouse(page: Page, quiz):
    module = quiz.module
    start_module_with_mouse(page, module)
    reason = None  # the module page offers two choices, not the engine's reason
    journey = follow_the_engine(page, quiz, module, Learner(answer_right_with_mouse(quiz), click), reason)

    expect_finished(page, module)
    assert journey.lessons == [], f"a learner who answers every placement question right reads no lesson: {journey}"
    assert journey.wrong == 0 and journey.answers >= len(module.skills), journey
    for lesson in module.path_lessons:
        row = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=lesson.title, exact=True))
        expect(row).to_contain_text("Skipped: you showed you know this")


def test_a_learner_who_gets_the_first_question_wrong_reads_the_lesson_then_finishes(page: Page, quiz):
    module = quiz.module

    def answer(page: Page, question: Question, journey: Journey) -> bool:
        if journey.answers:
            quiz.answer_with_mouse(page, question)
            return True
        wrong = quiz.wrong_options(question)[0]
        quiz.answer_with_mouse(page, question, right=False)
        box = feedback_box(page)
        expect(box).to_contain_text("Not quite")
        if question.kind != "ordering":
            expect(box).to_contain_text(f"You answered: {wrong.text}")
        expect(page.get_by_role("heading", name="Why")).to_be_visible()
        # Placement went wrong: the engine sends the learner to a lesson on the skill.
        lesson = quiz.lesson_at(what_next(page).get_by_role("link").get_attribute("href"))
        assert lesson is not None and question.skill in lesson.skills, f"no lesson after a wrong answer: {page.url}"
        return False

    start_module_with_mouse(page, module)
    reason = None  # the module page offers two choices, not the engine's reason
    journey = follow_the_engine(page, quiz, module, Learner(answer, click, read_and_follow_a_word), reason)

    expect_finished(page, module)
    assert journey.wrong == 1 and journey.lessons, journey
    assert journey.words_followed, f"no lesson on the way had a glossary word to follow: {journey.lessons}"
    first_lesson = quiz.course.lessons[journey.lessons[0]]
    row = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=first_lesson.title, exact=True))
    expect(row).to_contain_text("Read")
    expect(row).not_to_contain_text("Skipped: you showed you know this")


def test_a_wrong_answer_showing_a_common_mix_up_leads_to_the_lesson_that_clears_it_up(page: Page, quiz):
    question, wrong, remedy = quiz.misled()
    page.goto(f"/questions/{question.id}")
    quiz.fill_in_with_mouse(page, question, [wrong])
    quiz.check_answer_button(page).click()

    box = feedback_box(page)
    expect(box.get_by_role("heading", level=2)).to_have_text("Not quite")
    expect(box).to_contain_text(f"You answered: {wrong.text}")
    expect(box).to_contain_text(f"The right answer is: {question.correct_options[0].text}")
    mix_up = page.locator(".panel").filter(has=page.get_by_role("heading", name="A common mix-up", exact=True))
    expect(mix_up).to_be_visible()
    # The engine's next step is the same lesson.
    expect(next_step_button(page, quiz, quiz.course.module(question.module_id))).to_have_accessible_name(
        f"Read “{remedy.title}”")
    mix_up.get_by_role("link", name=remedy.title, exact=True).click()

    expect(main_heading(page)).to_have_text(remedy.title)
    expect(page.get_by_text("Extra help ·")).to_be_visible()
    click(page, page.get_by_role("button", name="I have read this", exact=True))
    # Read, the mix-up is cleared: the engine goes on in the module, not back to the same lesson.
    expect(page).to_have_url(re.compile(r"/(questions|lessons)/"))
    assert path_of(page.url) != f"/lessons/{remedy.id}", page.url


# ---------------------------------------------------------------------------
# With the keyboard only


def focus_with_keyboard(page: Page, target: Locator, limit: int = 80) -> None:
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


def press_with_keyboard(page: Page, target: Locator) -> None:
    """Tab to a link or button and press it: Enter for a link, Space for a button."""
    focus_with_keyboard(page, target)
    is_button = target.evaluate("el => el.tagName === 'BUTTON'")
    press_to_go(page, "Space" if is_button else "Enter")


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
    if question.kind == "typed":
        # Enter in the answer box checks the answer (not "Show a hint", the form's other button).
        press_to_go(page)
    else:
        focus_with_keyboard(page, page.get_by_role("button", name="Check my answer", exact=True))
        press_to_go(page)


def test_a_learner_follows_the_engine_through_a_module_with_the_keyboard_only(page: Page, quiz):
    module = quiz.module
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

    press_with_keyboard(page, page.get_by_role("link", name=module.title, exact=True))
    expect(main_heading(page)).to_have_text(module.title)
    reason = None  # the module page offers two choices, not the engine's reason
    press_with_keyboard(page, page.get_by_role("button", name=SHOW_WHAT_I_KNOW, exact=True))

    def answer(page: Page, question: Question, journey: Journey) -> bool:
        if not journey.answers:
            # Sending nothing shows an error; its link takes focus to the answer.
            focus_with_keyboard(page, quiz.check_answer_button(page))
            press_to_go(page)
            error_link = page.get_by_role("alert").get_by_role("link")
            expect(error_link).to_be_visible()
            focus_with_keyboard(page, error_link)
            page.keyboard.press("Enter")
            expect(page.locator("#answer")).to_be_focused()
        answer_with_keyboard(page, question, quiz.right_options(question))
        return True

    journey = follow_the_engine(page, quiz, module, Learner(answer, press_with_keyboard), reason)
    expect_finished(page, module)

    # Kinds of question the engine did not need to ask: open one of each and answer it.
    missing = sorted(set(quiz.questions_of_each_kind()) - journey.kinds)
    for kind in missing:
        question = quiz.questions_of_each_kind(module.id)[kind]
        page.goto(f"/questions/{question.id}")
        expect(main_heading(page)).to_have_text(QUESTION_HEADING)
        answer_with_keyboard(page, question, quiz.right_options(question))
        expect(feedback_box(page).get_by_role("heading", level=2)).to_have_text("Right!")
        journey.kinds.add(kind)
    assert journey.kinds == set(quiz.questions_of_each_kind()), journey.kinds
    print(f"keyboard journey: {journey.answers} answers, kinds opened directly: {missing}")


# ---------------------------------------------------------------------------
# Without JavaScript


NO_JS_MODULE_ID = "online-banking"


def test_a_learner_follows_the_engine_through_a_module_with_javascript_turned_off(new_context, quiz):
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_content("<title>before</title><script>document.title = 'script ran'</script>")
    expect(page).to_have_title("before")
    module = quiz.course.module(NO_JS_MODULE_ID)
    done = {"empty": False}

    def answer(page: Page, question: Question, journey: Journey) -> bool:
        skill = quiz.course.skills[question.skill]
        if not done["empty"]:
            quiz.check_answer_button(page).click()
            expect(page.get_by_role("alert")).to_contain_text("There is a problem")
            expect(page).to_have_title(f"Error: Question: {skill.title} – {module.title} – Skills Passport")
            done["empty"] = True
        quiz.answer_with_mouse(page, question)
        return True

    # A typed answer, wrong: taken straight from a question's address, as the engine may not ask one here.
    typed = quiz.questions_of_each_kind()["typed"]
    page.goto(f"/questions/{typed.id}")
    page.get_by_role("textbox", name="Type your answer").fill("I do not know")
    quiz.check_answer_button(page).click()
    expect(feedback_box(page)).to_contain_text("Not quite")
    expect(feedback_box(page)).to_contain_text("You answered: I do not know")
    expect(feedback_box(page)).to_contain_text(f"The right answer is: {typed.correct_options[0].text}")

    start_module_with_mouse(page, module)
    reason = None  # the module page offers two choices, not the engine's reason
    journey = follow_the_engine(page, quiz, module, Learner(answer, click), reason)
    expect_finished(page, module)
    assert done == {"empty": True}, (done, journey)
    print(f"no-JavaScript journey: {journey.answers} answers, lessons read: {journey.lessons}")


# ---------------------------------------------------------------------------
# Progress is kept


def expect_to_carry_on_at(page: Page, quiz, step: str, first: str) -> None:
    """Check the home page offers to carry on, and Continue goes to the given step (not the first)."""
    page.goto("/")
    expect(page.get_by_role("heading", name="Carry on where you left off")).to_be_visible()
    expect(page.get_by_text("You were last working on")).to_contain_text(quiz.module_title)
    page.get_by_role("link", name=f"Continue {quiz.module_title}", exact=True).click()
    assert path_of(page.url) == step != first, (page.url, step, first)


def test_progress_is_kept_in_a_new_tab_and_after_closing_the_browser(new_context, quiz):
    module = quiz.module
    context = new_context()
    page = context.new_page()
    page.goto("/")
    expect(main_heading(page)).to_have_text("Learn everyday digital skills")
    expect(page.get_by_role("heading", name="Carry on where you left off")).to_have_count(0)

    start_module_with_mouse(page, module)
    first = path_of(page.url)
    question = quiz.question_at(first)
    assert question is not None, first
    quiz.answer_with_mouse(page, question)
    step = path_of(next_step_button(page, quiz, module).get_attribute("href"))

    expect_to_carry_on_at(context.new_page(), quiz, step, first)
    module_page = context.new_page()
    module_page.goto(f"/modules/{module.id}")
    expect(module_page.get_by_role("link", name=f"Continue {module.title}", exact=True)).to_be_visible()
    skill = quiz.course.skills[question.skill]
    expect(skill_level(module_page, skill.title)).not_to_have_text("Not started")

    # Closing the browser ends the session: only cookies with an expiry date survive.
    state = context.storage_state()
    context.close()
    kept = [cookie for cookie in state["cookies"] if cookie["expires"] > 0]
    assert kept and len(kept) < len(state["cookies"]), state["cookies"]
    reopened = new_context(storage_state={**state, "cookies": kept})
    expect_to_carry_on_at(reopened.new_page(), quiz, step, first)

    # Somebody else, in another browser, starts afresh.
    stranger = new_context().new_page()
    stranger.goto("/")
    expect(main_heading(stranger)).to_have_text("Learn everyday digital skills")
    expect(stranger.get_by_role("heading", name="Carry on where you left off")).to_have_count(0)
    stranger.goto(f"/modules/{module.id}")
    expect(stranger.get_by_role("button", name="Start with the first lesson", exact=True)).to_be_visible()
    expect_every_skill_at(stranger, module, "Not started")
