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
# axe-core, which the browser tests inject into every page, at the version package-lock.json pins
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

.venv/bin/ruff check --quiet .
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null || {
  echo "Có thay đổi model chưa có migration: chạy python manage.py makemigrations." >&2; exit 1; }

PG_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

echo "== Bộ kiểm thử trên SQLite"
env -u DATABASE_URL DEBUG=1 .venv/bin/python -m pytest "$@"

if .venv/bin/python - "$PG_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1], connect_timeout=5).close()
except Exception as exc:
    print(f"PostgreSQL không kết nối được: {exc}", file=sys.stderr)
    sys.exit(1)
PY
then
  echo "== Bộ kiểm thử trên PostgreSQL ($PG_URL)"
  DATABASE_URL="$PG_URL" DEBUG=1 .venv/bin/python -m pytest "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "LỖI: CI=true mà PostgreSQL không chạy ở $PG_URL." >&2
  exit 1
else
  echo "CẢNH BÁO: bỏ qua lượt chạy trên PostgreSQL (không có máy chủ ở $PG_URL; đặt TEST_POSTGRES_URL nếu ở chỗ khác)." >&2
fi
