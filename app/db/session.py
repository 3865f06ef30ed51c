"""Engine and session factory shared by the app, the CLI, the benchmarks and tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import event
from sqlalchemy.engine import Engine, create_engine
from sqlmodel import Session

from app import settings


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    """One engine per URL. SQLite gets WAL and foreign keys switched on."""
    url = settings.with_driver(url) if url else settings.database_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - driver hook
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    pool_size, max_overflow = pool_shape()
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow)


def pool_shape(workers: int | None = None, budget: int | None = None) -> tuple[int, int]:
    """(pool_size, max_overflow) per worker so that all workers together stay within
    `APP_DB_MAX_CONNECTIONS` (default 60, under PostgreSQL's default 100): half of a
    worker's share kept open, the other half opened in a burst."""
    workers = workers or settings.worker_count()
    budget = budget or settings.SETTINGS.db_max_connections
    share = max(2, budget // workers)
    pool_size = (share + 1) // 2
    return pool_size, share - pool_size


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(get_engine(url), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
