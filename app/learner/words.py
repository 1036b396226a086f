"""A lesson's words: each explained where it is first used, and listed after the lesson."""

from __future__ import annotations

import re

# The content loader links the first use of each glossary word to its entry in the list.
_FIRST_USE = re.compile(r'<a href="#word-([a-z0-9-]+)"')


def with_ways_back(body_html: str) -> str:
    """Give each word's first use an address, so its entry in the list can link back to it."""
    return _FIRST_USE.sub(r'<a href="#word-\1" id="used-\1" class="word-link"', body_html)
