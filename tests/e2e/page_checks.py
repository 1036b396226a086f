"""What the page walks check on every page: axe-core's findings, and the page's width at 320 px.

A walk visits each page once and keeps a `PageLook`; its tests then judge the looks with
`axe_problems` and `too_wide`, so each check reads the same record and says the same things.
"""

from __future__ import annotations

from dataclasses import dataclass

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# WCAG 2.2 AA, as axe-core tags its rules. axe checks every rule either way; "violations" only spares it
# listing every element that passed, which took a third of each run and which no test reads.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
               "resultTypes": ["violations"]}

NARROW = {"width": 320, "height": 640}


@dataclass
class PageLook:
    """What a walk saw on one page: axe's findings, and its width at 320 px."""

    name: str
    url: str
    axe_checked_something: bool
    axe_report: str | None  # None: no violations
    width: int  # at 320 px: the page's width, and the width left beside a vertical scroll bar
    visible: int


def look(page: Page, name: str, axe: Axe) -> PageLook:
    """Run axe on the page as it is, then narrow the screen to 320 px, measure, and put it back."""
    usual = page.viewport_size
    results = axe.run(page, options=AXE_OPTIONS)
    page.set_viewport_size(NARROW)
    # clientWidth is the width left beside a vertical scroll bar, if the browser shows one.
    width, visible = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    page.set_viewport_size(usual)
    return PageLook(name, page.url, bool(results.response["passes"]),
                    results.generate_report() if results.violations_count else None, width, visible)


def axe_problems(looks: list[PageLook]) -> list[str]:
    """Return axe's report for each page with a violation; fail at once if axe checked nothing on a page."""
    problems = []
    for seen in looks:
        assert seen.axe_checked_something, f"axe checked nothing on {seen.name}"
        if seen.axe_report:
            problems.append(f"{seen.name} ({seen.url}):\n{seen.axe_report}")
    return problems


def too_wide(looks: list[PageLook]) -> list[str]:
    """Return each page that scrolls sideways at 320 px, with its width."""
    return [f"{seen.name} ({seen.url}): {seen.width} px wide, {seen.visible} px visible" for seen in looks
            if seen.width > NARROW["width"] or seen.width > seen.visible]
