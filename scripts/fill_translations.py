"""Fill empty msgstr entries of the zh_Hans catalogues from a JSON object
{msgid: translation} read from files (merged, later ones win) or stdin; prints
what is still missing.

    bash scripts/makemessages.sh        # extract new msgids
    python scripts/fill_translations.py zh-a.json zh-b.json
    bash scripts/makemessages.sh        # compile
"""
import glob
import json
import sys
from pathlib import Path

import polib

src = Path(__file__).resolve().parent.parent / "src" / "linli"
table = {}
for name in sys.argv[1:] or ["-"]:
    table.update(json.load(sys.stdin if name == "-" else open(name, encoding="utf-8")))
for path in sorted(glob.glob(str(src / "**/locale/zh_Hans/LC_MESSAGES/django.po"), recursive=True)):
    po = polib.pofile(path)
    for entry in po:
        if entry.msgid in table and (not entry.msgstr or "fuzzy" in entry.flags):
            entry.msgstr = table[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()
    for entry in po.untranslated_entries():
        print(f"missing in {Path(path).relative_to(src)}: {entry.msgid!r}")
