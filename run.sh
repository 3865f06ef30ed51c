#!/usr/bin/env bash
# Install everything and run the app (production build, one port; default 3000).
# Embedded defaults: SQLite in data/app.db, in-memory state, demo community seeded.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
PORT="${PORT:-3000}"
echo "==> migrating the database"
reflex db migrate >/dev/null
python -m app.seed --demo --if-empty
python -m app.seed --accounts
echo "==> starting on http://localhost:$PORT  (Ctrl-C stops)"
exec reflex run --env prod --frontend-port "$PORT" --backend-port "$PORT" --loglevel warning
