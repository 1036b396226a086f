"""The reading settings a browser can keep, and how they are written in its cookie.

The cookie holds three words, one for each setting ("large.high.wide"); anything else in it
is ignored, so a planted or damaged cookie only gives the standard page.
"""

from __future__ import annotations

from dataclasses import dataclass

COOKIE = "reading"
COOKIE_SECONDS = 365 * 24 * 3600

# Each setting: its choices, the first being the standard page, and the words a learner reads.
TEXT = {"standard": "Standard", "large": "Large", "larger": "Very large"}
CONTRAST = {"standard": "Standard colours", "high": "High contrast: white and yellow on black"}
SPACING = {"standard": "Standard", "wide": "Wide: more space between lines"}


@dataclass(frozen=True)
class Reading:
    """How a learner likes pages drawn."""

    text: str = "standard"
    contrast: str = "standard"
    spacing: str = "standard"

    @property
    def is_standard(self) -> bool:
        """Say whether every setting is the standard one."""
        return self == Reading()

    @property
    def classes(self) -> str:
        """Return the classes that draw pages this way, for the <html> element."""
        return " ".join(f"{name}-{value}" for name, value in
                        (("text", self.text), ("contrast", self.contrast), ("spacing", self.spacing))
                        if value != "standard")

    def as_cookie(self) -> str:
        """Return the cookie's value."""
        return f"{self.text}.{self.contrast}.{self.spacing}"


def _pick(value: str | None, allowed: dict[str, str]) -> str:
    return value if value in allowed else "standard"


def from_cookie(value: str | None) -> Reading:
    """Read the settings from the cookie's value; anything unknown is standard."""
    parts = (value or "").split(".")
    if len(parts) != 3:
        return Reading()
    return Reading(_pick(parts[0], TEXT), _pick(parts[1], CONTRAST), _pick(parts[2], SPACING))


def from_form(form) -> Reading:
    """Read the settings from the settings form; anything unknown is standard."""
    return Reading(_pick(form.get("text"), TEXT), _pick(form.get("contrast"), CONTRAST),
                   _pick(form.get("spacing"), SPACING))
