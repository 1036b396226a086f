"""The moment a learner gets a level: what it means, what comes next, and how to show it off."""

from __future__ import annotations

from dataclasses import dataclass

from engine.model import LEVEL_MEANINGS, LEVELS

from ..content import current_course
from ..models import Award
from . import bp


@dataclass(frozen=True)
class LevelMoment:
    """What to tell a learner who has just got a level."""

    level: str
    topic: str
    meaning: str  # in the learner's words: "you showed ..."
    next_level: str | None
    next_step: str | None


def _skill_titles(module, level: str) -> list[str]:
    titles = {skill.id: skill.title for skill in module.skills}
    return [titles.get(skill_id, skill_id) for skill_id in module.passport.skills_for(level)]


@bp.app_template_global()
def level_moment(award: Award) -> LevelMoment:
    """Say what a level just got means, and what the next level asks for."""
    module = current_course().module(award.module_id)
    topic = module.title if module else award.module_id
    meaning = (f"You showed, on your own, that you can do the {award.level} skills of {topic}. It is the "
               f"“{LEVEL_MEANINGS.get(award.level, award.level)}” level of the UK Essential Digital Skills "
               "Framework, and it is yours to keep.")
    index = LEVELS.index(award.level) if award.level in LEVELS else len(LEVELS) - 1
    if module is None or index == len(LEVELS) - 1:
        return LevelMoment(award.level, topic, meaning, None, None)
    following = LEVELS[index + 1]
    skills = _skill_titles(module, following)
    step = f"show these skills on your own: {'; '.join(skills)}" if skills else "keep practising this topic"
    rules = module.passport
    if following == LEVELS[-1]:
        wait = f"at least {rules.review_after_days} days " if rules.review_after_days else ""
        step += f", then, {wait}after silver, pass a short review of the whole topic"
    return LevelMoment(award.level, topic, meaning, following, step[0].upper() + step[1:] + ".")
