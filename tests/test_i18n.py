"""Chinese by default, English available: every catalogue is complete and compiled."""
from __future__ import annotations

import glob
import re
from pathlib import Path

import polib
import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "linli"
CATALOGUES = sorted(glob.glob(str(SRC / "**/locale/zh_Hans/LC_MESSAGES/django.po"), recursive=True))


def test_there_are_catalogues():
    assert len(CATALOGUES) >= 3


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(Path(p).relative_to(SRC)))
def test_catalogue_is_complete_and_compiled(path):
    po = polib.pofile(path)
    missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    assert missing == [], f"untranslated in {path}"
    mo = polib.mofile(path[:-3] + ".mo")
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in mo}
    for e in po.translated_entries():
        if not e.msgid_plural:
            assert compiled.get((e.msgctxt, e.msgid)) == e.msgstr, f"stale .mo for {e.msgid!r}: run scripts/makemessages.sh"


# An ASCII comma, colon, semicolon, question or exclamation mark or bracket
# touching a Chinese character: Chinese text takes the full-width ones (，：；？！（）).
HALF_WIDTH_BY_CHINESE = re.compile(r"[\u4e00-\u9fff“”。][,:;?!()]|[,:;?!()][\u4e00-\u9fff“”]")


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(Path(p).relative_to(SRC)))
def test_chinese_uses_full_width_punctuation(path):
    po = polib.pofile(path)
    wrong = [e.msgstr for e in po.translated_entries()
             if HALF_WIDTH_BY_CHINESE.search(re.sub(r"%\([a-z_0-9]+\)[sdif]|\{[a-z_0-9]*\}", "x", e.msgstr))]
    assert wrong == []


def test_pages_are_chinese_by_default_and_english_on_request(client, db):
    assert "工作人员登录" in client.get("/").content.decode()
    r = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Staff sign in" in r.content.decode()
