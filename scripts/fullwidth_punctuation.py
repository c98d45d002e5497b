"""Turn ASCII , : ; ? ! ( ) beside Chinese characters into full-width ones in the
msgstr lines of the given .po files (placeholders, tags and links left alone); then
compile the app. tests/test_i18n.py::test_chinese_uses_full_width_punctuation checks.
Usage: python scripts/fullwidth_punctuation.py src/linli/*/locale/zh_Hans/LC_MESSAGES/django.po"""
import re
import sys

CJK = r'\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”'
MAP = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
PH = re.compile(r'%\([a-z_0-9]+\)[sdif]|%[sd]|\{[a-z_0-9]*\}|<[^>]*>|https?://\S+')
BAD = re.compile(rf'([{CJK}][,:;?!()]|[,:;?!()][{CJK}])')

def fix(text):
    # protect placeholders, tags and links
    keep = []
    def stash(m):
        keep.append(m.group(0))
        return f"\x00{len(keep)-1}\x00"
    t = PH.sub(stash, text)
    for _ in range(3):
        t = re.sub(rf'(?<=[{CJK}])([,:;?!()])', lambda m: MAP[m.group(1)], t)
        t = re.sub(rf'([,:;?!(])(?=[{CJK}])', lambda m: MAP[m.group(1)], t)
    # balance parentheses: a full-width opening closes full-width
    if t.count("（") > t.count("）"):
        t = re.sub(r'(（[^()（）]*)\)', r'\1）', t)
    if t.count("）") > t.count("（"):
        t = re.sub(r'\(([^()（）]*）)', r'（\1', t)
    return re.sub("\x00(\\d+)\x00", lambda m: keep[int(m.group(1))], t)

for f in sys.argv[1:]:
    out, in_str = [], False
    for line in open(f, encoding="utf-8"):
        if line.startswith("msgstr"):
            in_str = True
        elif not line.startswith('"'):
            in_str = False
        if in_str and BAD.search(line):
            line = fix(line)
        out.append(line)
    open(f, "w", encoding="utf-8").write("".join(out))
