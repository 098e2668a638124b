#!/usr/bin/env bash
# The benchmarks each issue asks for: times and SQL query counts (see scripts/bench.py).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_lib.sh
apt_install "${APP_PACKAGES[@]}"
venv_install test
.venv/bin/python scripts/bench.py "$@"
