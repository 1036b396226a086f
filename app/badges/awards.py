"""The passport's service functions: awarding, sharing, reviewing and revoking.

Views and the API call these; the rules themselves are `engine.passport`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select

from engine import passport as passport_rules
from engine.model import LEVELS, Module
from engine.passport import Held, LevelStanding, any_within_reach, due_levels, evidence, next_move, standing
from engine.progress import LearnerState

from ..content import current_course, current_parameters
from ..extensions import db
from ..models import AnswerRecord, Award, Learner, LearnerModuleState, PassportShare, utcnow

# Letters and digits nobody mixes up when reading a printed link aloud: no 0/O, 1/I/L, 5/S, 2/Z, 8/B.
SHARE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
SHARE_CODE_LENGTH = 8


def held_levels(awards: list[Award]) -> dict[str, Held]:
    """Return the levels held in a module, revoked ones included, from its awards."""
    return {a.level: Held(a.awarded_at, a.revoked) for a in awards}


def awards_of(learner: Learner | None, module_id: str | None = None) -> list[Award]:
    """Return a learner's awards, oldest first; only one module's if given."""
    if learner is None:
        return []
    query = select(Award).where(Award.learner_id == learner.id)
    if module_id is not None:
        query = query.where(Award.module_id == module_id)
    return list(db.session.scalars(query.order_by(Award.awarded_at, Award.id)))


# Read at an answer that may earn a level, so built once.
_AWARDS_IN_MODULE = select(Award).where(Award.learner_id == bindparam("learner_id"),
                                        Award.module_id == bindparam("module_id")).order_by(Award.awarded_at, Award.id)


def award_due(learner: Learner, module: Module, state: LearnerState, now: datetime,
              answer: AnswerRecord | None = None) -> list[Award]:
    """Award every level the learner has just met in a module, with its evidence; return the new awards.

    The caller commits, so an award is stored with the answer that earned it or not at all.
    """
    params = current_parameters()
    if not any_within_reach(module, state, params):  # most answers: nothing to award, whatever is held
        return []
    held = held_levels(list(db.session.scalars(_AWARDS_IN_MODULE, {"learner_id": learner.id,
                                                                   "module_id": module.id})))
    new = []
    for level in due_levels(module, state, params, held, now):
        held[level] = Held(now)
        level_standing = next(s for s in standing(module, state, params, held, now) if s.level == level)
        award = Award(learner_id=learner.id, recipient_number=learner.id, module_id=module.id, level=level,
                      awarded_at=now,
                      answer_id=answer.id if answer is not None else None,
                      evidence=evidence(level_standing, state))
        db.session.add(award)
        new.append(award)
    return new


@dataclass(frozen=True)
class ModulePassport:
    """One module's row of the passport: the levels, the awards and the next move."""

    module: Module
    standings: tuple[LevelStanding, ...]
    awards: dict[str, Award]
    next_move: str

    @property
    def best(self) -> Award | None:
        """Return the highest level held and not revoked."""
        for level in reversed(LEVELS):
            award = self.awards.get(level)
            if award is not None and not award.revoked:
                return award
        return None

    @property
    def gold(self) -> LevelStanding:
        """Return the gold level's standing (it holds the review)."""
        return self.standings[-1]


def passport_of(learner: Learner | None, modules=None,
                states: dict[str, LearnerState] | None = None) -> list[ModulePassport]:
    """Return the learner's passport: every module's standing (two queries in all).

    A caller that has read the learner's states already passes them, and one query is saved.
    """
    course = current_course()
    modules = modules if modules is not None else course.modules
    params = current_parameters()
    now = utcnow()
    awards: dict[str, list[Award]] = {}
    if states is None:
        states = {}
        if learner is not None:
            for row in db.session.scalars(select(LearnerModuleState)
                                          .where(LearnerModuleState.learner_id == learner.id)):
                states[row.module_id] = LearnerState.from_dict(row.state)
    if learner is not None:
        only = modules[0].id if len(modules) == 1 else None
        for award in awards_of(learner, only):
            awards.setdefault(award.module_id, []).append(award)
    rows = []
    for module in modules:
        state = states.get(module.id) or LearnerState(module.id)
        mine = awards.get(module.id, [])
        standings = standing(module, state, params, held_levels(mine), now)
        rows.append(ModulePassport(module, standings, {a.level: a for a in mine}, next_move(standings, now)))
    return rows


class ReviewNotOpen(Exception):
    """The gold review cannot be started now; the message says why, in plain English."""


def start_review(learner: Learner, module: Module) -> None:
    """Start a module's gold review, if it is open to the learner now."""
    row = db.session.scalar(select(LearnerModuleState).where(
        LearnerModuleState.learner_id == learner.id, LearnerModuleState.module_id == module.id))
    state = LearnerState.from_dict(row.state) if row else LearnerState(module.id)
    now = utcnow()
    standings = standing(module, state, current_parameters(), held_levels(awards_of(learner, module.id)), now)
    gold = standings[-1]
    review = gold.review
    if gold.held is not None:
        raise ReviewNotOpen("You already have gold in this topic.")
    if review.under_way:
        return
    if not review.can_start(now):
        raise ReviewNotOpen(next_move(standings, now))
    state = state.start_review(now, review.questions, review.right_needed)
    row.state = state.as_dict()  # a review can only open once silver is held, so the row exists
    db.session.commit()


def earned_by(answer: AnswerRecord) -> list[Award]:
    """Return the awards an answer earned."""
    return list(db.session.scalars(select(Award).where(Award.answer_id == answer.id).order_by(Award.id)))


def find_award(public_id: str) -> Award | None:
    """Return the award with this public id, or None."""
    return db.session.scalar(select(Award).where(Award.public_id == public_id))


def set_sharing(award: Award, shared: bool) -> None:
    """Make one badge's check page and Open Badge public, or private again."""
    award.shared = shared
    db.session.commit()


def current_share(learner: Learner | None) -> PassportShare | None:
    """Return the learner's live passport link, or None."""
    if learner is None:
        return None
    return db.session.scalar(select(PassportShare).where(
        PassportShare.learner_id == learner.id, PassportShare.withdrawn_at.is_(None)))


def share_passport(learner: Learner) -> PassportShare:
    """Make a short link to the learner's whole passport (or return the live one)."""
    share = current_share(learner)
    if share is None:
        while True:
            code = "".join(secrets.choice(SHARE_ALPHABET) for _ in range(SHARE_CODE_LENGTH))
            if db.session.scalar(select(PassportShare.id).where(PassportShare.code == code)) is None:
                break
        share = PassportShare(learner_id=learner.id, code=code)
        db.session.add(share)
        db.session.commit()
    return share


def withdraw_share(learner: Learner) -> None:
    """Stop the learner's passport link working. A new link, if they share again, is a new code."""
    share = current_share(learner)
    if share is not None:
        share.withdrawn_at = utcnow()
        db.session.commit()


def find_share(code: str) -> PassportShare | None:
    """Return the live passport link with this code (as typed: spaces, dashes and case ignored)."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return db.session.scalar(select(PassportShare).where(
        PassportShare.code == cleaned, PassportShare.withdrawn_at.is_(None)))


def revoke(award: Award, reason: str, by: str) -> list[Award]:
    """Revoke an award with a reason, and every level above it in that topic; return every award revoked.

    Each level needs the one below it, so a silver or gold built on a revoked bronze is
    withdrawn with it, and its checks say why.
    """
    now = utcnow()
    reason, by = reason.strip()[:500], by.strip()[:100]
    done = []
    if not award.revoked:
        award.revoked_at, award.revoked_reason, award.revoked_by = now, reason, by
        done.append(award)
    for higher in levels_above(award):
        if not higher.revoked:
            higher.revoked_at, higher.revoked_by = now, by
            higher.revoked_reason = cascade_reason(award.level, reason)
            done.append(higher)
    db.session.commit()
    return done


def levels_above(award: Award) -> list[Award]:
    """Return the learner's awards in the same topic at levels above this one."""
    above = passport_rules.levels_above(award.level)
    return [a for a in awards_of(db.session.get(Learner, award.learner_id), award.module_id) if a.level in above]


def cascade_reason(level: str, reason: str) -> str:
    """Say why a level was withdrawn when a level below it was revoked."""
    text = f"Withdrawn because {level} in this topic was revoked, and each level needs the one below it."
    if reason:
        text += f" The reason given for {level}: {reason}"
    return text[:500]


def set_display_name(learner: Learner, name: str) -> None:
    """Set the name shown on the learner's certificate and shared pages (blank: none)."""
    learner.display_name = " ".join(name.split())[:80] or None
    db.session.commit()
