#!/usr/bin/env bash
# Refresh the zh_Hans (and en) message catalogues of every app, then compile them.
# Each app keeps its own catalogue in <app>/locale so apps can be worked on apart;
# strings in the package's top-level modules go to src/linli/locale.
set -euo pipefail
cd "$(dirname "$0")/../src/linli"
export DJANGO_SETTINGS_MODULE=linli.settings
# makemessages runs inside each app: keep the data dir (and its secret key) out of the tree.
export LINLI_DATA_DIR=${LINLI_DATA_DIR:-$(mktemp -d)}
apps=$(for d in */; do [ -f "$d/apps.py" ] && echo "${d%/}"; done)
ignores=()
for app in $apps; do
  (cd "$app" && mkdir -p locale && django-admin makemessages -l zh_Hans --no-obsolete --no-location >/dev/null)
  ignores+=(--ignore "$app/*")
done
mkdir -p locale
django-admin makemessages -l zh_Hans --no-obsolete --no-location "${ignores[@]}" >/dev/null
for app in $apps .; do (cd "$app" && django-admin compilemessages >/dev/null); done
echo "catalogues refreshed; untranslated entries:"
python - <<'PY'
import glob, polib
for f in sorted(glob.glob("**/locale/*/LC_MESSAGES/django.po", recursive=True)):
    po = polib.pofile(f)
    missing = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()]
    print(f"  {f}: {len(missing)}")
PY
