"""Charts drawn on the server as inline SVG (no JavaScript, no CDN): horizontal
bars for choice, scale and ranking questions. Presentation attributes only (no
style attributes: the Content-Security-Policy refuses inline styles); the SVG
scales to the width of the phone through its viewBox."""
from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 380
BAR_MAX = 250
ROW = 42


def _short(label: str, limit: int = 24) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bars(items: list[tuple[str, int, str]], *, title: str) -> SafeString:
    """``items``: (label, length weight, the figure written after the bar)."""
    top = max((w for _l, w, _f in items), default=0) or 1
    height = ROW * len(items) + 4
    parts = [f'<svg class="survey-chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, weight, figure) in enumerate(items):
        y = i * ROW
        length = max(2, BAR_MAX * weight // top) if weight else 0
        parts.append(f'<text x="0" y="{y + 14}" font-size="13" fill="#333">{escape(_short(label))}</text>')
        parts.append(f'<rect x="0" y="{y + 20}" width="{BAR_MAX}" height="14" rx="3" fill="#eef1f4"/>')
        if length:
            parts.append(f'<rect x="0" y="{y + 20}" width="{length}" height="14" rx="3" fill="#2f7d5b"/>')
        parts.append(f'<text x="{BAR_MAX + 6}" y="{y + 32}" font-size="13" fill="#333">{escape(figure)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every text above is escaped
