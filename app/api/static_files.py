"""How the compiled frontend's files travel to a phone: compressed, and cached as long as they can be.

- **Compression.** Reflex's build writes `.gz`/`.br` sidecars of the JS, CSS and HTML
  it emits and serves the best one the browser accepts (`frontend_compression_formats`
  in rxconfig). It skips every other type, and the biggest file of the app is one of
  them: the gate's QR decoder `zxing_reader.wasm` (1.1 MB raw, about 0.46 MB gzipped).
  `CompressRest`, a build plugin, writes the same sidecars for those types
  (`EXTRA_SUFFIXES`) before Reflex's own pass, so they are served the same way.
- **Cache lifetimes** (`cache_control`), set on the way out by
  `app.api.security.hardening` when the response did not choose its own: files under
  `/assets/` carry a content hash in their names (Vite), and the pages name our own
  files of `assets/` (`/js/*.js`, `/field.css`, icons) as `versioned(path)`, with
  `?v=<their content hash>`: both are `immutable` for a year, so a repeat visit asks
  for none of them. Everything else of the frontend (pages, the service worker, the
  manifest, an unversioned path) is `no-cache`: kept, but revalidated (a 304 when
  unchanged), so a new version is seen at the next load. The API routes set their own
  (`no-store`, private) and keep it.
"""

from __future__ import annotations

import gzip
import hashlib
from functools import cache
from pathlib import Path

import brotli
import reflex as rx

# file types Reflex's compressor leaves raw that are worth compressing
EXTRA_SUFFIXES = (".wasm", ".webmanifest", ".ttf", ".otf", ".ico")
MIN_BYTES = 1024

ASSETS = Path(__file__).resolve().parents[2] / "assets"
HASHED_PREFIX = "/assets/"
IMMUTABLE = b"public, max-age=31536000, immutable"
REVALIDATE = b"no-cache"


@cache
def versioned(path: str) -> str:
    """`path` of a file in the project's `assets/` with `?v=` its content hash (10 hex digits):
    a new version of the file is a new URL, so the old one can be cached for good."""
    digest = hashlib.sha256((ASSETS / path.lstrip("/")).read_bytes()).hexdigest()[:10]
    return f"{path}?v={digest}"


def _is_versioned(query: bytes) -> bool:
    return any(part.startswith(b"v=") and len(part) > 2 for part in query.split(b"&"))


def cache_control(path: str, method: str, status: int, query: bytes = b"") -> bytes | None:
    """The Cache-Control a frontend response should carry (None: leave the response as it is)."""
    if method not in ("GET", "HEAD") or status not in (200, 304):
        return None
    if path.startswith("/api/") or path.startswith("/_"):
        return None  # the routes with their own access checks, Reflex's own endpoints
    if path.startswith(HASHED_PREFIX):
        return IMMUTABLE
    if _is_versioned(query) and path != "/sw.js":
        return IMMUTABLE
    return REVALIDATE


def compress_file(path: Path) -> list[Path]:
    """Write `path.gz` and `path.br` beside `path` (the smallest settings' output; deterministic)."""
    raw = path.read_bytes()
    written = []
    gz = path.with_name(path.name + ".gz")
    gz.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    written.append(gz)
    br = path.with_name(path.name + ".br")
    br.write_bytes(brotli.compress(raw, quality=11))
    written.append(br)
    return written


def compress_rest(static_dir: Path) -> list[Path]:
    """Sidecars for every file of `EXTRA_SUFFIXES` of at least `MIN_BYTES` under `static_dir`."""
    written: list[Path] = []
    for path in sorted(static_dir.rglob("*")):
        if path.is_file() and path.suffix.lower() in EXTRA_SUFFIXES and path.stat().st_size >= MIN_BYTES:
            written += compress_file(path)
    return written


class CompressRest(rx.plugins.Plugin):
    """Build plugin: sidecars for the file types Reflex's compressor skips (see the module)."""

    def post_build(self, **context) -> None:
        compress_rest(Path(context["static_dir"]))


# what the backend answers itself; everything else is the compiled frontend's (pages, files)
BACKEND_PATHS = ("/api/", "/_")
BACKEND_EXACT = ("/ping", "/auth-codespace")


def is_backend_path(path: str) -> bool:
    return path in BACKEND_EXACT or path.startswith(BACKEND_PATHS)


def built_frontend():
    """The compiled frontend (`.web/build/client`, with Reflex's precompressed files and its SPA
    router) as an ASGI app, for a backend started without the frontend (`./run.sh` with a build of
    this version already made: `APP_FRONTEND_PREBUILT=1`). Reflex mounts the same app itself when
    it builds at start; started backend-only it does not, so `security.hardening` routes to it."""
    from reflex.utils.exec import get_frontend_mount
    from starlette.applications import Starlette

    return Starlette(routes=[get_frontend_mount()])
