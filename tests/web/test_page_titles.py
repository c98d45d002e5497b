"""Every template's title block is plain text: no markup leaks into the browser tab."""
from __future__ import annotations

import re
from pathlib import Path

import linli

TITLE = re.compile(r"{% block title %}(.*?){% endblock %}", re.DOTALL)


def test_no_title_block_contains_markup():
    root = Path(linli.__file__).parent
    bad = []
    for path in sorted(root.rglob("templates/**/*.html")):
        for body in TITLE.findall(path.read_text(encoding="utf-8")):
            if "<" in body or "\n" in body:
                bad.append(f"{path.relative_to(root)}: {body!r}")
    assert bad == []
