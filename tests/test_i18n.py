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


# --- One word per meaning -------------------------------------------------------------------
# Django merges every app's catalogue into one: for a (context, msgid) translated in several
# catalogues, the app listed first in INSTALLED_APPS (django.contrib.admin and auth before
# ours; src/linli/locale above all) wins on every page. Two apps that mean the same thing
# must say it the same way; two that mean different things must use different contexts
# (pgettext / {% translate "x" context "y" %}).

def _app_of(path: str) -> str:
    folder = str(Path(path).relative_to(SRC).parents[3])  # <app>/locale/zh_Hans/LC_MESSAGES/django.po
    return "linli" if folder == "." else folder


def _translations() -> dict[tuple[str | None, str], dict[str, str]]:
    seen: dict[tuple[str | None, str], dict[str, str]] = {}
    for path in CATALOGUES:
        for e in polib.pofile(path).translated_entries():
            text = e.msgstr if not e.msgid_plural else " | ".join(e.msgstr_plural[k] for k in sorted(e.msgstr_plural))
            seen.setdefault((e.msgctxt, e.msgid), {})[_app_of(path)] = text
    return seen


def test_no_message_is_translated_two_ways_in_two_apps():
    differing = {key: apps for key, apps in _translations().items() if len(set(apps.values())) > 1}
    assert differing == {}, "give these one wording, or a context where the meaning differs:\n" + "\n".join(
        f"  {ctx!r} {msgid!r}: {apps}" for (ctx, msgid), apps in differing.items())


def test_every_page_shows_its_own_catalogue_s_word():
    """What a page shows is what its app's catalogue says, whatever app (ours or Django's) comes first."""
    from django.utils import translation

    wrong = []
    with translation.override("zh-hans"):
        for path in CATALOGUES:
            for e in polib.pofile(path).translated_entries():
                if e.msgid_plural:
                    shown = translation.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 1) if e.msgctxt \
                        else translation.ngettext(e.msgid, e.msgid_plural, 1)
                    want = e.msgstr_plural[0]
                else:
                    shown = translation.pgettext(e.msgctxt, e.msgid) if e.msgctxt else translation.gettext(e.msgid)
                    want = e.msgstr
                if shown != want:
                    wrong.append(f"{_app_of(path)} {e.msgctxt!r} {e.msgid!r}: wants {want!r}, shows {shown!r}")
    assert wrong == [], "\n".join(wrong)


# --- Chinese text shows no English -----------------------------------------------------------
# A zh_Hans translation may not show an English word or a code in capitals ("NUL", "YYYY").
# Allowed, because Chinese users read them as they are:
ALLOWED_LATIN = {
    "API", "CSV", "XLSX", "JSON", "PDF", "JPG", "PNG", "MB", "KB", "SMS", "QR", "ID",  # formats, units
    "UTF", "GBK",          # text encodings named when an import cannot be read (UTF-8, GBK)
    "SHA",                 # SHA-256, the fingerprint explained on the ledger's "how to check" page
    "WGS84",               # the coordinate system Open311 clients send
    "Excel", "Cookie",     # product and web names used untranslated in Chinese interfaces
    "Open311", "OpenAPI", "GeoReport", "W3C",  # names of standards
    "http", "https",       # "以 https:// 开头的网址"
}
# Open311 answers API clients (developers, not residents) naming the GeoReport v2 field or
# value to fix; only the open311 catalogue may show these.
OPEN311_FIELDS = {"lat", "long", "description", "status", "open", "closed"}
NOT_PROSE = re.compile(
    r"<code>.*?</code>"            # something to type, shown as code
    r"|<[^>]+>"                    # HTML tags and their attributes
    r"|%\([a-z_0-9]+\)[sdif]|%[sd]|\{[a-z_0-9]*\}"  # placeholders
    r"|\b[a-z]+(?:_[a-z]+)+\b"     # field names (api_key, address_id)
    r"|\.(?:csv|xlsx)\b"           # file name endings
    r"|“linli [a-z -]+”"           # a command of the linli program
)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def english_in(msgstr: str, app: str) -> list[str]:
    allowed = ALLOWED_LATIN | (OPEN311_FIELDS if app == "open311" else set())
    return [w for w in LATIN_WORD.findall(NOT_PROSE.sub(" ", msgstr))
            if len(re.sub(r"[^A-Za-z]", "", w)) >= 2 and w not in allowed]


def test_english_in_finds_words_and_codes():
    assert english_in("请求中含有空字符（NUL）。", "web") == ["NUL"]
    assert english_in("日期格式为 YYYY-MM-DD。", "web") == ["YYYY", "MM", "DD"]
    assert english_in("请先 login。", "web") == ["login"]
    assert english_in("下载（CSV，可用 Excel 打开），最多 %(n)d MB。", "web") == []
    assert english_in("未提供 api_key；lat 和 long 必须是 WGS84 经纬度。", "open311") == []
    assert english_in("lat 必须是数字。", "web") == ["lat"]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(Path(p).relative_to(SRC)))
def test_chinese_shows_no_english_words(path):
    app = _app_of(path)
    found = {}
    for e in polib.pofile(path).translated_entries():
        for text in [e.msgstr] + list(e.msgstr_plural.values()):
            if words := english_in(text, app):
                found[e.msgid] = (text, words)
    assert found == {}
