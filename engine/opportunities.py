"""Whether a passport meets what an opportunity needs, and what is left to learn if it does not.

An opportunity needs a level in each of some topics. Each level needs the one below it,
and revoking a level withdraws those above, so a valid gold also meets silver and bronze.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .model import LEVELS


@dataclass(frozen=True)
class Gap:
    """A topic where the passport falls short: the level needed and the best level held now (None: none)."""

    module_id: str
    needed: str
    held: str | None


def meets(needed: str, held: str | None) -> bool:
    """Say whether a valid level `held` is at least the level `needed`."""
    return held is not None and LEVELS.index(held) >= LEVELS.index(needed)


def gaps(required: Mapping[str, str], best: Mapping[str, str]) -> tuple[Gap, ...]:
    """Return the topics where the best valid levels held fall short of those required, in the given order."""
    return tuple(Gap(module_id, level, best.get(module_id)) for module_id, level in required.items()
                 if not meets(level, best.get(module_id)))


def qualifies(required: Mapping[str, str], best: Mapping[str, str]) -> bool:
    """Say whether the best valid levels held meet every level required."""
    return not gaps(required, best)
