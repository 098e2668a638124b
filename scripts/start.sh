#!/usr/bin/env bash
# Install everything, prepare the SQLite database with the demo data, start the server.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_lib.sh

apt_install "${APP_PACKAGES[@]}"
venv_install app
.venv/bin/python manage.py migrate --no-input
.venv/bin/python manage.py load_demo
echo "Mở http://${HOST:-127.0.0.1}:${PORT:-8000}/ và đăng nhập bằng một tài khoản mẫu ở trên."
exec .venv/bin/python manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"
