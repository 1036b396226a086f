"""Turn a tutor's Markdown into safe HTML.

Every piece of HTML a learner sees from a content file passes through
`render_markdown`, which sanitises with an allow-list, so a `<script>` or an
`onerror=` written into a lesson never reaches a page.
"""

from __future__ import annotations

from typing import Callable

import bleach
from markdown_it import MarkdownIt
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
        "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre",
        "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "abbr": ["title"],
    "img": ["src", "alt", "title", "width", "height", "loading"],
    "ol": ["start"],
    "th": ["scope"],
    "td": [],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})

ImageUrl = Callable[[str], str]


def make_parser() -> MarkdownIt:
    """Return the Markdown parser used for whole content files."""
    md = MarkdownIt("commonmark", {"html": True})
    md.enable("table").enable("strikethrough")
    md.use(front_matter_plugin)
    md.use(container_plugin, "question")
    return md


def _inline_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True})
    md.enable("table").enable("strikethrough")
    return md


_PIECES = _inline_parser()


def _link_rel(attrs, new=False):
    """Mark every link noopener so a linked page cannot reach back into ours."""
    attrs[(None, "rel")] = "noopener"
    return attrs


_CLEANER = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


def sanitise(html: str) -> str:
    """Strip everything outside the allow-list and mark links noopener."""
    cleaned = _CLEANER.clean(html)
    return bleach.linkify(cleaned, callbacks=[_link_rel], skip_tags=["pre", "code"], parse_email=False)


def render_markdown(source: str, image_url: ImageUrl | None = None) -> str:
    """Render a piece of Markdown to sanitised HTML.

    `#` headings become `##`, because the page already has the title as its
    only `h1`; image sources go through `image_url` to become web addresses.
    """
    tokens = _PIECES.parse(source)
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"
        if token.type == "inline" and token.children:
            for child in token.children:
                if child.type == "image":
                    if image_url is not None:
                        child.attrSet("src", image_url(str(child.attrGet("src") or "")))
                    child.attrSet("loading", "lazy")
    html = _PIECES.renderer.render(tokens, _PIECES.options, {})
    return sanitise(html)
