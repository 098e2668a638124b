#!/usr/bin/env bash
# Install everything, prepare the SQLite database with the demo data, start the job worker and the server.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_lib.sh

apt_install "${APP_PACKAGES[@]}"
venv_install app
.venv/bin/python manage.py migrate --no-input
.venv/bin/python manage.py load_demo

# The worker runs the background jobs (the bloc's tables); it stops with the server, however that ends.
.venv/bin/python manage.py db_worker --no-reload &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM

echo "Mở http://${HOST:-127.0.0.1}:${PORT:-8000}/ và đăng nhập bằng một tài khoản mẫu ở trên."
.venv/bin/python manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"
