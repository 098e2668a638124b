#!/usr/bin/env bash
# Write the lock files from pyproject.toml: every package pinned, with the hashes pip checks on install.
# Run after changing a dependency; `bash scripts/lock.sh --upgrade` moves every pin to the newest release.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet pip-tools
for name in app test; do
  extra=()
  [ "$name" = test ] && extra=(--extra test)
  .venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
    --no-emit-find-links --all-build-deps "${extra[@]}" "$@" -o "requirements/$name.txt" pyproject.toml
done
