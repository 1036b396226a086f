"""Turn a tutor's Markdown into safe HTML.

Every piece of HTML a learner sees from a content file passes through
`render_markdown`, which sanitises with an allow-list, so a `<script>` or an
`onerror=` written into a lesson never reaches a page.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from markdown_it.token import Token

from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter
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
    """Mark every link noopener so a linked page cannot reach back into ours; leave bare addresses as text.

    Lessons on scams quote made-up scam addresses ("parcel-fee.info/pay") for learners to
    recognise: turning those into links would teach clicking them. A link is a link only
    where the tutor wrote one.
    """
    if new:
        return None
    attrs[(None, "rel")] = "noopener"
    return attrs


# One pass: clean to the allow-list, then mark every link the tutor wrote noopener.
_CLEANER = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_link_rel], skip_tags=["pre", "code"], parse_email=False)],
)


def sanitise(html: str) -> str:
    """Strip everything outside the allow-list and mark links noopener."""
    return _CLEANER.clean(html)


def render_markdown(source: str, image_url: ImageUrl | None = None) -> str:
    """Render a piece of Markdown to sanitised HTML.

    `#` headings become `##`, because the page already has the title as its
    only `h1`; image sources go through `image_url` to become web addresses.
    """
    return render_with_glossary(source, image_url, ())[0]


def render_with_glossary(source: str, image_url: ImageUrl | None, glossary: Sequence) -> tuple[str, tuple]:
    """Render Markdown, linking the first use of each glossary word to its explanation.

    `glossary` holds objects with `slug` and `forms`; returns the HTML and the
    words used, in the order they first appear. Words in headings, links and
    code are left alone.
    """
    tokens = _PIECES.parse(source)
    used = _link_glossary_words(tokens, glossary) if glossary else ()
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
    return sanitise(html), used


def _word_pattern(glossary: Sequence) -> tuple[re.Pattern, dict]:
    by_form = {}
    for entry in glossary:
        for form in entry.forms:
            by_form.setdefault(form.casefold(), entry)
    forms = sorted(by_form, key=len, reverse=True)  # "password manager" before "password"
    alternatives = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms)
    return re.compile(rf"(?<![\w-])({alternatives})(?![\w-])", re.IGNORECASE), by_form


def _link_glossary_words(tokens, glossary: Sequence) -> tuple:
    pattern, by_form = _word_pattern(glossary)
    used: list = []
    in_heading = False
    for token in tokens:
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "heading_close":
            in_heading = False
        elif token.type == "inline" and token.children and not in_heading:
            token.children = _link_in_children(token.children, pattern, by_form, used)
    return tuple(used)


def _joined_text(children) -> list:
    """Join runs of text and soft line breaks, so a word split over two lines is still found."""
    out: list = []
    for child in children:
        if child.type in ("text", "softbreak") and out and out[-1].type == "text" and out[-1].meta.get("joined"):
            out[-1].content += "\n" if child.type == "softbreak" else child.content
        elif child.type in ("text", "softbreak"):
            joined = _text("\n" if child.type == "softbreak" else child.content)
            joined.meta["joined"] = True
            out.append(joined)
        else:
            out.append(child)
    return out


def _link_in_children(children, pattern, by_form, used) -> list:
    out, link_depth = [], 0
    for child in _joined_text(children):
        if child.type == "link_open":
            link_depth += 1
        elif child.type == "link_close":
            link_depth -= 1
        if child.type != "text" or link_depth:
            out.append(child)
            continue
        text, start = child.content, 0
        for match in pattern.finditer(text):
            entry = by_form[" ".join(match.group(1).split()).casefold()]
            if entry in used:
                continue
            used.append(entry)
            out.append(_text(text[start:match.start()]))
            link = Token("link_open", "a", 1)
            link.attrSet("href", f"#word-{entry.slug}")
            out.extend([link, _text(match.group(1)), Token("link_close", "a", -1)])
            start = match.end()
        out.append(_text(text[start:]))
    return [t for t in out if t.type != "text" or t.content]


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token
