#!/usr/bin/env bash
# Installs what the app needs into the project folder; quick when nothing changed.
#   scripts/setup.sh          app: CJK fonts (Debian), Python venv (.venv), bun + Node (tools/node_modules)
#   scripts/setup.sh --test   also Chromium (Debian) and the test packages
# Sourced by run.sh and test.sh; exports PATH and the Reflex variables.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WITH_TEST=0
APT_PLAN=0
[ "${1:-}" = "--test" ] && WITH_TEST=1
# --apt-plan: print the Debian packages step 1 would install (none when all is there) and stop
[ "${1:-}" = "--apt-plan" ] && { WITH_TEST=1; APT_PLAN=1; }

stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }
hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# 1. Debian packages: CJK fonts for the app (printed posters and tags, photo watermarks),
#    Chromium and poppler-utils for the tests only. apt runs only when something is missing.
#    The font list is read whole before it is searched: `fc-list | grep -q` under pipefail fails
#    whenever grep stops early and fc-list dies of SIGPIPE (most runs), which sent every start to apt.
apt_pkgs=()
fonts=""
command -v fc-list >/dev/null 2>&1 && fonts="$(fc-list : family 2>/dev/null || true)"
if ! grep -qi "Noto Sans CJK" <<<"$fonts"; then
  apt_pkgs+=(fontconfig fonts-noto-cjk)
fi
if [ "$WITH_TEST" = 1 ] && ! command -v chromium >/dev/null 2>&1; then
  apt_pkgs+=(chromium)
fi
if [ "$WITH_TEST" = 1 ] && ! command -v pdftotext >/dev/null 2>&1; then
  apt_pkgs+=(poppler-utils)  # pdftotext/pdffonts: the report tests read the PDFs' text
fi
if [ "$APT_PLAN" = 1 ]; then
  echo "${apt_pkgs[*]}"
  exit 0
fi
if [ "${#apt_pkgs[@]}" -gt 0 ]; then
  echo "==> installing ${apt_pkgs[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null
fi

# 2. Python virtual environment.
PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null 2>&1 || PY=python3
extras=""
[ "$WITH_TEST" = 1 ] && extras="[test]"
want="$(hash_of pyproject.toml)$extras"
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PY" -m venv .venv
fi
# a test install is a superset of the app install
if ! stamp_ok .venv/.installed "$want" && ! stamp_ok .venv/.installed "$want[test]"; then
  echo "==> installing Python packages$extras"
  .venv/bin/pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  # install the dependencies of pyproject.toml (the project itself is not a package)
  .venv/bin/python - "$WITH_TEST" > .venv/requirements.txt <<'PYEOF'
import sys, tomllib
p = tomllib.load(open("pyproject.toml", "rb"))["project"]
deps = list(p["dependencies"])
if sys.argv[1] == "1":
    deps += p["optional-dependencies"]["test"]
print("\n".join(deps))
PYEOF
  .venv/bin/pip install -q --disable-pip-version-check -r .venv/requirements.txt
  echo "$want" > .venv/.installed
fi

# 3. bun and Node from the npm registry into tools/node_modules (Reflex needs Node >= 22.22).
want="$(hash_of tools/package.json tools/package-lock.json)"
if ! stamp_ok tools/node_modules/.installed "$want" || [ ! -x tools/node_modules/.bin/bun ]; then
  echo "==> installing bun and node into tools/"
  (cd tools && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > tools/node_modules/.installed
fi

export PATH="$ROOT/tools/node_modules/.bin:$ROOT/.venv/bin:$PATH"
export REFLEX_USE_SYSTEM_BUN=1
export REFLEX_TELEMETRY_ENABLED=false
export PYTHONDONTWRITEBYTECODE=1
