#!/usr/bin/env bash
# Install everything the tests need (adds Chromium + fonts from Debian) and run the suite.
# APP_TEST_POSTGRES_URL / APP_TEST_REDIS_URL switch on the PostgreSQL and scale-out tests.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$ROOT/scripts/setup.sh" --test
cd "$ROOT"
ruff check app tests bench
exec python -m pytest "$@"
