"""What every page loads, and the contrast of the stylesheet's colours."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from linli.cases import notify
from linli.cases.models import Category, Source
from linli.cases.services import case_create

CSS = Path(__file__).resolve().parents[2] / "src/linli/web/static/linli/linli.css"


def _scripts(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return re.findall(r'<script\b[^>]*\bsrc="([^"]+)"', response.content.decode())


def test_htmx_loads_only_where_a_page_uses_it(client, world):
    # The phone intake page and a public board: no htmx (51 KB).
    assert [s for s in _scripts(client, "/q/X-B1-U1") if "htmx" in s] == []
    assert [s for s in _scripts(client, "/boards/X/") if "htmx" in s] == []
    # The notifications page marks a notification read with hx-post: htmx is there.
    case_create(node=world["X-B1-U1"], category=Category.objects.get(code="repair"), description="楼道灯不亮",
                source=Source.QR)
    notify.received_fanout()  # the worker tells the compound's staff
    client.force_login(world.person("property_x"))
    assert "hx-post" in client.get("/notifications/").content.decode()
    assert "/static/django_htmx/htmx-2.min.js" in _scripts(client, "/notifications/")


def _hex(name: str, css: str) -> str:
    """The colour of a custom property, as #rrggbb."""
    value = re.search(rf"--{name}:\s*([^;]+);", css).group(1).strip()
    while value.startswith("var(--"):  # follow a variable to its colour
        value = re.search(rf"--{value[6:-1]}:\s*([^;]+);", css).group(1).strip()
    return _six(value)


def _six(colour: str) -> str:
    return "#" + "".join(c * 2 for c in colour[1:]) if len(colour) == 4 else colour


def _contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("tag", ["green", "yellow", "red", "grey"])
def test_tag_text_has_aa_contrast(tag):
    css = CSS.read_text()
    rule = re.search(rf"\.tag\.{tag} \{{ background: (#[0-9a-f]{{3,6}}); color: var\(--(\w+)\); \}}", css)
    background, text = _six(rule.group(1)), _hex(rule.group(2), css)
    assert _contrast(text, background) >= 4.5, (tag, text, background)


def test_focus_ring_stands_out_from_what_surrounds_it():
    css = CSS.read_text()
    focus = _hex("focus", css)
    assert "outline: 3px solid var(--focus)" in css
    for background in (_hex("bg", css), _hex("card", css)):
        assert _contrast(focus, background) >= 3, (focus, background)
    # On the green top bar the ring is white.
    assert ".topbar :focus-visible { outline: 3px solid var(--accent-ink)" in css
    assert _contrast(_hex("accent-ink", css), _hex("accent", css)) >= 3
