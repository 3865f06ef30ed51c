"""Configuration read from the environment, in one place.

No Reflex import: the domain layer, the seed CLI, the benchmarks and the tests
all read their settings here. `rxconfig.py` takes the database and Redis URLs
from this module too, so the app and its tools always agree.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("APP_DATA_DIR", ROOT / "data"))


def with_driver(url: str) -> str:
    """Name the PostgreSQL driver we install (psycopg2) in a bare `postgresql://` URL.

    SQLAlchemy 2.1 maps a bare `postgresql://` to psycopg 3, which is not installed.
    """
    for bare in ("postgresql://", "postgres://"):
        if url.startswith(bare):
            return "postgresql+psycopg2://" + url[len(bare) :]
    return url


def database_url() -> str:
    """The SQLAlchemy URL: `REFLEX_DB_URL`, else a SQLite file in the data folder."""
    url = os.environ.get("REFLEX_DB_URL")
    if url:
        return with_driver(url)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DATA_DIR / 'app.db'}"


def redis_url() -> str | None:
    """`REFLEX_REDIS_URL` when state should live in Redis (several workers)."""
    return os.environ.get("REFLEX_REDIS_URL") or None


def secret_key() -> bytes:
    """The key that signs tokens. `APP_SECRET_KEY`, else one kept in the data folder.

    The fallback file is created once with a random key and never committed,
    so a fresh checkout never shares a key with another installation.
    """
    env = os.environ.get("APP_SECRET_KEY")
    if env:
        return env.encode()
    path = DATA_DIR / "secret.key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(secrets.token_urlsafe(48))
        os.replace(tmp, path)
    return path.read_text().strip().encode()


def _int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


# How long a sign-in lasts: idle limit and absolute limit.
SESSION_IDLE_HOURS = _int("APP_SESSION_IDLE_HOURS", 72)
SESSION_MAX_DAYS = _int("APP_SESSION_MAX_DAYS", 14)

# Photos kept as evidence: private, served only through an access-checked route.
# Never under assets/ or the Reflex upload dir, which are served publicly.
EVIDENCE_DIR = Path(os.environ.get("APP_EVIDENCE_DIR", DATA_DIR / "evidence"))
