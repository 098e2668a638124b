#!/usr/bin/env bash
# Install what the tests need and run the whole suite: on SQLite, then on PostgreSQL.
# Extra arguments go to pytest. Under CI=true an unreachable PostgreSQL is a failure, not a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_lib.sh

# chromium for the browser test (Playwright drives Debian's build; it cannot download its own here),
# poppler-utils to read the PDFs, LibreOffice Calc to recompute the Excel files
apt_install "${APP_PACKAGES[@]}" chromium poppler-utils libreoffice-calc-nogui
command -v npm >/dev/null || apt_install npm
venv_install test
# axe-core, which the browser tests inject into every page, and Biome, at the versions package-lock.json pins
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

.venv/bin/ruff check --quiet .
.venv/bin/ruff format --check --quiet . || { echo "Mã chưa định dạng: chạy .venv/bin/ruff format ." >&2; exit 1; }
# The templates (djade) and static/js (Biome, as biome.jsonc says: the format and every lint warning); what
# each found is shown only when it fails.
found=$(find templates -name '*.html' -exec .venv/bin/djade --check {} + 2>&1) || {
  echo "$found" >&2
  echo "Mẫu trang chưa định dạng: chạy find templates -name '*.html' -exec .venv/bin/djade {} +" >&2
  exit 1; }
found=$(node_modules/.bin/biome ci --colors=off --error-on-warnings 2>&1) || {
  echo "$found" >&2
  echo "JavaScript chưa định dạng hoặc còn lỗi: chạy node_modules/.bin/biome check --write," \
    "rồi sửa những gì còn báo." >&2
  exit 1; }
DEBUG=1 .venv/bin/mypy  # the files [tool.mypy] in pyproject.toml names
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null || {
  echo "Có thay đổi model chưa có migration: chạy python manage.py makemigrations." >&2; exit 1; }

PG_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

pg_reachable() {
  .venv/bin/python - "$PG_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1], connect_timeout=5).close()
except Exception as exc:
    print(f"PostgreSQL không kết nối được: {exc}", file=sys.stderr)
    sys.exit(1)
PY
}

sqlite_suite() { env -u DATABASE_URL DEBUG=1 .venv/bin/python -m pytest "$@"; }
# The browser tests (marked `browser` by tests/conftest.py) run on SQLite only: the pages are the same on
# either database, and everything else, the database-specific and concurrency modules included, runs on both.
postgres_suite() { DATABASE_URL="$PG_URL" DEBUG=1 .venv/bin/python -m pytest -m "not browser" "$@"; }

if pg_reachable; then
  # Both databases at once, one per core: the runs share nothing (own database, own temporary folders,
  # own ports). The SQLite run's output is shown first, then PostgreSQL's.
  echo "== Bộ kiểm thử trên SQLite và PostgreSQL ($PG_URL), chạy song song"
  logs=$(mktemp -d)
  sqlite_suite "$@" >"$logs/sqlite.log" 2>&1 &
  sqlite_pid=$!
  postgres_suite "$@" >"$logs/postgres.log" 2>&1 && pg_rc=0 || pg_rc=$?
  wait "$sqlite_pid" && sqlite_rc=0 || sqlite_rc=$?
  echo "== SQLite"; cat "$logs/sqlite.log"
  echo "== PostgreSQL"; cat "$logs/postgres.log"
  rm -rf "$logs"
  [ "$sqlite_rc" -eq 0 ] || echo "LỖI: bộ kiểm thử trên SQLite không qua (mã $sqlite_rc)." >&2
  [ "$pg_rc" -eq 0 ] || echo "LỖI: bộ kiểm thử trên PostgreSQL không qua (mã $pg_rc)." >&2
  [ "$sqlite_rc" -eq 0 ] && [ "$pg_rc" -eq 0 ]
elif [ "${CI:-}" = "true" ]; then
  echo "LỖI: CI=true mà PostgreSQL không chạy ở $PG_URL." >&2
  exit 1
else
  echo "== Bộ kiểm thử trên SQLite"
  sqlite_suite "$@"
  echo "CẢNH BÁO: bỏ qua lượt chạy trên PostgreSQL (không có máy chủ ở $PG_URL; đặt TEST_POSTGRES_URL nếu ở chỗ khác)." >&2
fi
