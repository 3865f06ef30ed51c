"""Shared fixtures: throwaway databases migrated with Alembic, and the clock.

Domain tests take `db` (a session inside a transaction rolled back after the
test) and run on SQLite, and on PostgreSQL too when APP_TEST_POSTGRES_URL is
given (e.g. postgresql://postgres@127.0.0.1:5432/postgres); without it the
PostgreSQL runs are skipped with a message saying so.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlmodel import Session

from app import seed, settings
from app.domain import clock

ROOT = Path(__file__).resolve().parent.parent
PG_URL = settings.with_driver(os.environ.get("APP_TEST_POSTGRES_URL", ""))


def migrate(url: str) -> None:
    """Bring a database to the newest schema, exactly as deployments do."""
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    cfg.attributes["url"] = url
    command.upgrade(cfg, "head")


def _postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this run, dropped afterwards."""
    name = f"app_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        sa.create_engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def db_url(request, tmp_path_factory) -> Iterator[str]:
    """A migrated database with the demo community, one per backend."""
    if request.param == "postgres":
        if not PG_URL:
            pytest.skip("PostgreSQL runs skipped: set APP_TEST_POSTGRES_URL to run them")
        gen = _postgres_database()
        url = next(gen)
    else:
        gen = None
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'domain.db'}"
    migrate(url)
    engine = sa.create_engine(url)
    with Session(engine) as session:
        seed.seed_demo(session)
        session.commit()
    engine.dispose()
    yield url
    if gen is not None:
        gen.close()


@pytest.fixture
def db(db_url) -> Iterator[Session]:
    """A session whose every change is rolled back after the test."""
    from app.db.session import get_engine

    engine = get_engine(db_url)
    conn = engine.connect()
    outer = conn.begin()
    session = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        conn.close()


@pytest.fixture(autouse=True)
def _real_clock() -> Iterator[None]:
    """Every test starts with the real clock and leaves it so."""
    clock.reset()
    yield
    clock.reset()
