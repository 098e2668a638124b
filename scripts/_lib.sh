# Shared by start.sh and test.sh: system packages through apt-get, the virtualenv, pip.

# Debian packages the app needs: venv for Python, HarfBuzz subsetting for WeasyPrint, fonts metric-compatible
# with Times New Roman that carry every Vietnamese letter (documents).
APP_PACKAGES=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-croscore fonts-liberation2)

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "Thiếu gói hệ thống: ${missing[*]} (máy không có apt-get: hãy tự cài)." >&2
    return 0
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Cài gói hệ thống: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The locks are installed exactly, with nothing resolved (scripts/lock.sh says why): first the pip that
# requirements/pip.txt pins, whatever pip the venv bundles; then every file of the lock, checked against its
# hash, with --no-deps; then `pip check` proves the set is complete.
lock_bootstrap() {
  "$1" -m pip install --quiet --require-hashes --no-deps -r requirements/pip.txt
}

# Install a lock file (requirements/app.txt or requirements/test.txt) with the given Python. Extra arguments
# go to pip (tests/test_dependencies.py passes --dry-run).
lock_install() {
  local python=$1 lock=$2
  shift 2
  "$python" -m pip install --quiet --require-hashes --no-deps -r "requirements/$lock.txt" "$@"
}

# Install the app into .venv from a lock file; then the project itself, without letting pip resolve anything.
venv_install() {
  local python="${PYTHON:-python3}"
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  lock_bootstrap .venv/bin/python
  lock_install .venv/bin/python "$1"
  local unmet
  unmet=$(.venv/bin/python -m pip check 2>&1) || {
    echo "$unmet" >&2
    echo "LỖI: các gói đã cài thiếu hoặc lệch nhau (xem trên); chạy bash scripts/lock.sh rồi cài lại." >&2
    return 1
  }
  .venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
}
