#!/usr/bin/env bash
# One-step set-up on a fresh Debian/Ubuntu machine with Python 3.11 and Node.js/npm.
#   scripts/setup.sh          the dashboard: a virtualenv with the project, and the map's front-end package
#   scripts/setup.sh --test   the same plus the test tools and Debian's Chromium for the browser tests
# It is idempotent: run it again and it only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

python=${PYTHON:-python3.11}
command -v "$python" >/dev/null 2>&1 || python=python3

if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "$with_tests" = 1 ]; then
    .venv/bin/python -m pip install --quiet -e ".[test]"
else
    .venv/bin/python -m pip install --quiet -e .
fi

# Leaflet goes into the map's runtime, which the app serves itself (offline use): its exact version is
# pinned in vendor/package.json; no lock file is committed. Nothing under vendor/ is served.
if ! command -v npm >/dev/null 2>&1; then
    echo "setup: npm is missing; installing Debian's nodejs and npm" >&2
    (apt-get install -y -q nodejs npm >/dev/null 2>&1) || (apt-get update -q >/dev/null && apt-get install -y -q nodejs npm >/dev/null)
fi
npm install --silent --no-audit --no-fund --no-package-lock --ignore-scripts --prefix vendor >/dev/null

if [ "$with_tests" = 1 ] && [ ! -x /usr/bin/chromium ]; then
    echo "setup: installing Debian's chromium for the browser tests" >&2
    (apt-get install -y -q chromium >/dev/null 2>&1) || (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null)
fi
echo "setup: done"
