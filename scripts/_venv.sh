# Sourced by the other scripts: find Python 3.11, make the project's virtualenv and
# install from a lock file (install_locked requirements/lock.txt).
PY=""
for candidate in "${PYTHON:-}" python3.11 python3; do
  if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 \
     && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    PY=$candidate; break
  fi
done
if [ -z "$PY" ]; then echo "Linli needs Python 3.11 (set PYTHON=/path/to/python3.11)" >&2; exit 1; fi
VENV=${LINLI_VENV:-.venv}
UV_VERSION=0.13.9  # the installer (pip is the fallback); requirements/*.txt pin what it installs
if [ ! -x "$VENV/bin/python" ]; then
  echo "Creating virtualenv $VENV …"
  "$PY" -m venv "$VENV"
fi

# uv of exactly UV_VERSION in the virtualenv (installed by pip, quickly given up on an
# unreachable index).
uv_ready() {
  [ -x "$VENV/bin/uv" ] && [ "$("$VENV/bin/uv" --version 2>/dev/null | cut -d' ' -f2)" = "$UV_VERSION" ] && return 0
  "$VENV/bin/python" -m pip install -q --timeout 20 --retries 1 "uv==$UV_VERSION" >/dev/null 2>&1
}

# Install the pinned versions of a lock file (requirements/*.txt, made by
# `uv pip compile`, see CONTRIBUTING.md), then Linli itself without resolving
# anything again. Skipped when neither the lock file nor pyproject.toml changed
# since the last install into this virtualenv.
install_locked() {
  local lock=$1 stamp
  stamp="$VENV/.installed-$(basename "$lock" .txt)"
  local sum
  sum=$(cat "$lock" pyproject.toml | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    return 0
  fi
  echo "Installing the pinned packages of $lock …"
  # uv installs the same pinned wheels as pip in about a quarter of the time (a fresh
  # test install: 7 s instead of 24 s). pip stays the fallback: where uv cannot be had,
  # and where uv cannot install (uv reads no pip.conf: a pip-only mirror is pip's).
  if ! uv_ready || ! { "$VENV/bin/uv" pip install -q --python "$VENV/bin/python" -r "$lock" \
                       && "$VENV/bin/uv" pip install -q --python "$VENV/bin/python" --no-deps -e .; }; then
    [ -x "$VENV/bin/uv" ] && echo "uv could not install $lock; installing with pip …"
    "$VENV/bin/python" -m pip install -q -r "$lock"
    "$VENV/bin/python" -m pip install -q --no-deps -e .
  fi
  echo "$sum" > "$stamp"
}
