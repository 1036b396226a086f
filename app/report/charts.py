"""Bar charts drawn on the server as SVG, so the report needs no JavaScript; a table beside each says the same."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH = 400  # the style sheet lets a chart grow to 32rem, so text stays readable at 320 px and on a desktop
ROW = 46  # each bar has its label on the line above it, so long labels fit a narrow screen
BAR = 18
BLUE, INK, GREY = "#1d70b8", "#0b0c0c", "#505a5f"
LONGEST_LABEL = 46  # characters that fit across the chart; the table beside it gives the whole label


def _short(label: str) -> str:
    return label if len(label) <= LONGEST_LABEL else label[:LONGEST_LABEL - 1].rstrip() + "…"


def bar_chart(chart_id: str, title: str, rows) -> Markup:
    """Return an SVG bar chart of (label, count) rows; a hidden count gets no bar, only its words."""
    numbers = [value for _, value in rows if isinstance(value, int)]
    top = max(numbers, default=0) or 1
    room = WIDTH - 70  # room for the count after the longest bar
    height = max(len(rows), 1) * ROW + 8
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
             f'aria-labelledby="{chart_id}-title" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{chart_id}-title">{escape(title)}: a chart of the table beside it</title>']
    for n, (label, value) in enumerate(rows):
        y = n * ROW + 20
        parts.append(f'<text x="0" y="{y}" font-size="15" fill="{INK}">{escape(_short(label))}</text>')
        if isinstance(value, int):
            length = max(round(room * value / top), 2 if value else 0)
            parts.append(f'<rect x="0" y="{y + 6}" width="{length}" height="{BAR}" fill="{BLUE}"/>')
            parts.append(f'<text x="{length + 8}" y="{y + 20}" font-size="15" fill="{INK}">{value}</text>')
        else:
            parts.append(f'<text x="0" y="{y + 20}" font-size="15" fill="{GREY}">{escape(value)}</text>')
    if not rows:
        parts.append(f'<text x="0" y="20" font-size="15" fill="{GREY}">Nothing to count yet</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
