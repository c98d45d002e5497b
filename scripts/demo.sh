#!/usr/bin/env bash
# Install Linli and run the demo on SQLite at http://127.0.0.1:8000/ (Ctrl-C stops it).
# Extra arguments go to `linli demo`, e.g. scripts/demo.sh --addr 127.0.0.1:8080
# Its logins and password are public (README): keep it on the loopback address.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
install_locked requirements/lock.txt
export LINLI_DATA_DIR=${LINLI_DATA_DIR:-./var}
exec "$VENV/bin/linli" demo "$@"
