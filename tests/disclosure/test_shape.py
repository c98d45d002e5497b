"""The shape of the disclosure app (issue 11): no import cycle between its reads and
its writes; the vocabulary both need lives in a leaf module."""
from __future__ import annotations

from tests.test_layering import SRC, imported_modules

APP = SRC / "disclosure"


def _disclosure_imports(name: str) -> set[str]:
    return {m for m in imported_modules(APP / name) if m.startswith("linli.disclosure")}


def test_selectors_import_no_writes():
    assert {m for m in _disclosure_imports("selectors.py")
            if m.startswith(("linli.disclosure.services", "linli.disclosure.funds"))} == set()


def test_accounting_is_a_leaf():
    assert _disclosure_imports("accounting.py") == set()
