# Sourced by the other scripts: find Python 3.11 and make the project's virtualenv.
PY=""
for candidate in "${PYTHON:-}" python3.11 python3; do
  if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 \
     && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    PY=$candidate; break
  fi
done
if [ -z "$PY" ]; then echo "Linli needs Python 3.11 (set PYTHON=/path/to/python3.11)" >&2; exit 1; fi
VENV=${LINLI_VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
  echo "Creating virtualenv $VENV …"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
fi
