#!/usr/bin/env bash
# The load test of docs/benchmarks.md: gunicorn on PostgreSQL on loopback (see scripts/loadtest.py).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_lib.sh
apt_install "${APP_PACKAGES[@]}"
venv_install test
.venv/bin/python scripts/loadtest.py "$@"
