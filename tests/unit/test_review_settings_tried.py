"""The review schedule's settings, as the clock run tries them: the first check, the longest gap, and how much a
clean review stretches the next one; each trial leaves the app's own settings as they were."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine import schedule

NOW = datetime(2026, 12, 6, 10, 0)


@pytest.fixture
def trial():
    """Let a test space reviews by other settings, and put the app's back after it."""
    yield schedule.use
    schedule.use(schedule.Settings())


def test_the_first_check_comes_when_the_settings_say_and_keeps_fsrss_stability(trial):
    easy = schedule.review(None, schedule.EASY, NOW)
    trial(schedule.Settings(first_days=12, longest_days=60))
    card = schedule.first(NOW)
    assert card.due == NOW + timedelta(days=12) and card.stability == easy.stability


def test_no_review_is_further_off_than_the_longest_gap(trial):
    trial(schedule.Settings(first_days=30, longest_days=20))
    card = schedule.first(NOW)
    assert card.interval_days == 20
    for _ in range(5):
        card = schedule.review(card, schedule.GOOD, card.due)
        assert card.interval_days <= 20


def test_a_stretch_lengthens_only_a_review_right_at_once_on_ones_own(trial):
    trial(schedule.Settings(first_days=5, longest_days=3650))
    card = schedule.first(NOW)
    plain = {grade: schedule.review(card, grade, card.due) for grade in (schedule.GOOD, schedule.HARD)}
    trial(schedule.Settings(first_days=5, longest_days=3650, good_stretch=2.0))
    good = schedule.review(card, schedule.GOOD, card.due)
    hard = schedule.review(card, schedule.HARD, card.due)
    assert good.interval_days == pytest.approx(2 * plain[schedule.GOOD].interval_days)
    assert good.stability == plain[schedule.GOOD].stability, "the memory estimate is FSRS's own"
    assert hard == plain[schedule.HARD]


def test_the_app_schedules_by_the_default_settings(trial):
    assert schedule.SETTINGS == schedule.Settings()
    assert schedule.LONGEST_DAYS == schedule.Settings().longest_days
