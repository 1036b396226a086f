"""Counts fit to publish: under five is "fewer than 5", so nobody can be picked out of a report.

A table whose total is published would give a single hidden cell away (the total minus the rest),
so when only one cell in a table is hidden, the next smallest is hidden with it.
"""

from __future__ import annotations

from typing import Hashable, Mapping

THRESHOLD = 5
HIDDEN = "fewer than 5"
# A count of five or more hidden only so that a smaller one beside it cannot be worked out.
ALSO_HIDDEN = "not shown"


def publishable(count: int) -> bool:
    """Say whether a count may be shown as it is: none at all, or five and more."""
    return count == 0 or count >= THRESHOLD


def shown(count: int) -> int | str:
    """Return a count as it may be published: the number, or "fewer than 5"."""
    return count if publishable(count) else HIDDEN


def suppress(counts: Mapping[Hashable, int]) -> dict[Hashable, int | str]:
    """Return a table's counts as they may be published, hiding a second cell when only one is hidden."""
    result: dict[Hashable, int | str] = {key: shown(count) for key, count in counts.items()}
    hidden = [key for key, value in result.items() if value == HIDDEN]
    if len(hidden) == 1:
        others = sorted((count, str(key), key) for key, count in counts.items() if key not in hidden and count)
        if others:
            result[others[0][2]] = ALSO_HIDDEN
    return result
