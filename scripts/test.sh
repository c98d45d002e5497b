#!/usr/bin/env bash
# Install the test dependencies (the pinned Python packages of
# requirements/test-lock.txt, and Debian's chromium and CJK fonts for the browser
# tests) and run every test. Extra arguments go to pytest.
# Runs on SQLite unless DATABASE_URL is set (see .ci/run for the PostgreSQL pass).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
install_test_dependencies() {
  install_locked requirements/test-lock.txt
  need_apt=()
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  # grep reads the whole list: with -q it would stop at the first match and, under
  # pipefail, fc-list's broken pipe would read as "no fonts" (and start apt-get).
  fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need_apt+=(fonts-noto-cjk)
  if [ ${#need_apt[@]} -gt 0 ]; then
    echo "Installing ${need_apt[*]} from Debian …"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
  fi
  # axe-core (the WCAG checks of the browser tests) from the npm registry, pinned by
  # tests/js/package-lock.json; installed again only when the lock file changed.
  if command -v npm >/dev/null 2>&1 && ! [ tests/js/node_modules/.package-lock.json -nt tests/js/package-lock.json ]; then
    echo "Installing axe-core (tests/js) with npm ci …"
    (cd tests/js && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}
# .ci/run installs once, then runs its passes side by side with LINLI_TESTS_INSTALLED=1
# (two apt-get at once would fight over its lock).
[ "${LINLI_TESTS_INSTALLED:-}" = 1 ] || install_test_dependencies
export LINLI_DATA_DIR=${LINLI_DATA_DIR:-$(mktemp -d)}
# Keep compiled modules in __pycache__ (ignored by git) even where the environment says
# otherwise: the next run, and every `linli` the tests start, then skips compiling.
unset PYTHONDONTWRITEBYTECODE
exec "$VENV/bin/python" -m pytest "$@"
