#!/usr/bin/env bash
# Write the lock files from pyproject.toml: every package pinned, with the hashes pip checks on install.
# Run after changing a dependency; `bash scripts/lock.sh --upgrade` moves every pin to the newest release.
#
# How the set-up uses them (scripts/_lib.sh), and why: a lock proves nothing if the installer still resolves.
# pip 23.x, which `python3 -m venv` bundles, resolved WeasyPrint's `fonttools[woff]` to whatever fonttools
# upstream had just published, past this lock's pin, and refused the install. So nothing is resolved at all:
#   1. requirements/pip.txt, one hashed pin of pip, is installed first with --no-deps (any pip can do that),
#      so the same pip installs the locks on every machine, whatever the venv bundled;
#   2. the whole lock is installed with --require-hashes --no-deps: exactly the listed files, no resolver;
#   3. `pip check` then proves the set is complete (tests/test_dependencies.py proves it before that: every
#      requirement of every locked package, extras included, is met by a locked release).
# A lock that keeps extras would still let pip resolve; --no-deps leaves it nothing to resolve.
set -euo pipefail
cd "$(dirname "$0")/.."
# pip-tools in a venv of its own: the project's venv holds exactly the lock.
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
python3 -m venv "$tools"
"$tools/bin/python" -m pip install --quiet pip-tools
compile=("$tools/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url
  --no-emit-find-links)
for name in app test; do
  extra=()
  [ "$name" = test ] && extra=(--extra test)
  "${compile[@]}" --all-build-deps "${extra[@]}" "$@" -o "requirements/$name.txt" pyproject.toml
done
echo pip | "${compile[@]}" "$@" -o requirements/pip.txt -
