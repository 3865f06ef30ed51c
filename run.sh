#!/usr/bin/env bash
# Install everything and run the app (production build, one port; default 3000).
# Embedded defaults: SQLite in data/app.db, in-memory state, demo community seeded.
# The frontend is built once per version of the sources: a start with nothing changed skips
# the build and starts the backend alone, which serves the build itself (app.api.static_files).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
PORT="${PORT:-3000}"
WEB="${REFLEX_WEB_WORKDIR:-$ROOT/.web}"
# the build names the backend's address (the websocket's port): the one this start serves on,
# unless REFLEX_API_URL says otherwise (a proxy in front)
export REFLEX_API_URL="${REFLEX_API_URL:-http://localhost:$PORT}"
# the version: every file the build is made from, and that address (a rebuild by `reflex run`
# empties build/ and with it this stamp, so a build made otherwise is never taken for this one)
version="$( (find app assets rxconfig.py pyproject.toml tools/package-lock.json -type f \
  ! -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha256sum; echo "$REFLEX_API_URL") \
  | sha256sum | cut -c1-16)"
echo "==> migrating the database (Alembic), seeding the demo community when empty"
python -m app.seed --migrate --demo --if-empty --accounts
if [ ! -f "$WEB/build/client/index.html" ] || [ "$(cat "$WEB/build/.gb-version" 2>/dev/null)" != "$version" ]; then
  echo "==> building the frontend (once for this version of the sources)"
  reflex export --frontend-only --no-zip --env prod --loglevel warning >/dev/null
  echo "$version" > "$WEB/build/.gb-version"
fi
echo "==> starting on http://localhost:$PORT  (Ctrl-C stops)"
APP_FRONTEND_PREBUILT=1 exec reflex run --env prod --backend-only --backend-port "$PORT" --loglevel warning
