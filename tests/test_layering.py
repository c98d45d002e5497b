"""The shape of the code (issue 11): imports that would tie layers together.

Read from the source (every import, at module level or inside a function), so a
late import inside a function counts as much as one at the top."""
from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "linli"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_org_imports_no_app_that_builds_on_it():
    offending = {
        str(path.relative_to(SRC)): sorted(m for m in imported_modules(path)
                                           if m.startswith(("linli.cases", "linli.disclosure", "linli.ledger",
                                                            "linli.open311", "linli.web", "linli.demo")))
        for path in (SRC / "org").rglob("*.py")
    }
    assert {k: v for k, v in offending.items() if v} == {}


def _is_page_module(name: str) -> bool:
    last = name.split(".")[-1]
    return name.startswith("linli.") and (last == "views" or last.endswith("_views"))


def test_the_api_imports_no_page_module():
    api_files = [*(SRC / "api").glob("*.py"), *SRC.glob("*/api.py")]
    assert len(api_files) >= 5
    offending = {str(p.relative_to(SRC)): sorted(m for m in imported_modules(p) if _is_page_module(m))
                 for p in api_files}
    assert {k: v for k, v in offending.items() if v} == {}
