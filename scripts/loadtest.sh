#!/usr/bin/env bash
# The load test of docs/benchmarks.md: paced editors and reviewers against gunicorn (vpub/gunicorn.conf.py) on
# PostgreSQL, on loopback: a capacity search, or LOADTEST_MODE=saturation (see scripts/loadtest.py).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_lib.sh
apt_install "${APP_PACKAGES[@]}"
venv_install test
.venv/bin/python scripts/loadtest.py "$@"
