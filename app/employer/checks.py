"""A passport's levels checked live from the awards, against what an opportunity needs.

Checked when a learner applies and again each time the employer looks, so a level
revoked since shows as revoked, with the reason, and no longer counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engine.model import LEVELS
from engine.opportunities import Gap, gaps, meets

from ..extensions import db
from ..models import Award
from .offers import topic_title


@dataclass(frozen=True)
class LevelCheck:
    """One topic an opportunity needs: the level, and what the passport shows for it now."""

    module_id: str
    title: str
    needed: str
    status: str  # "valid", "revoked" or "missing"
    award: Award | None  # the award that meets it, or the revoked one that did


def best_levels(awards: list[Award]) -> dict[str, str]:
    """Return the best valid (not revoked) level held in each topic."""
    best: dict[str, str] = {}
    for award in awards:
        if not award.revoked and (award.module_id not in best or meets(best[award.module_id], award.level)):
            best[award.module_id] = award.level
    return best


def awards_of(learner_id: int) -> list[Award]:
    """Return every award a learner holds or held, revoked ones included, oldest first."""
    return list(db.session.scalars(select(Award).where(Award.learner_id == learner_id)
                                   .order_by(Award.awarded_at, Award.id)))


def shortfall(required: dict, awards: list[Award]) -> tuple[Gap, ...]:
    """Return the topics where the passport falls short of what an opportunity needs."""
    return gaps(required, best_levels(awards))


def level_checks(required: dict, awards: list[Award]) -> list[LevelCheck]:
    """Return, for each topic an opportunity needs, whether the passport meets it now, and with which award."""
    checks = []
    for module_id, needed in required.items():
        at_or_above = [a for a in awards if a.module_id == module_id and meets(needed, a.level)]
        valid = [a for a in at_or_above if not a.revoked]
        if valid:
            award, status = max(valid, key=lambda a: LEVELS.index(a.level)), "valid"
        elif at_or_above:
            award, status = min(at_or_above, key=lambda a: LEVELS.index(a.level)), "revoked"
        else:
            award, status = None, "missing"
        checks.append(LevelCheck(module_id, topic_title(module_id), needed, status, award))
    return checks


def snapshot(required: dict, awards: list[Award]) -> list[dict]:
    """Return the levels as checked now, to keep with an application."""
    return [{"module_id": c.module_id, "level": c.needed, "award": c.award.public_id if c.award else None,
             "status": c.status} for c in level_checks(required, awards)]
