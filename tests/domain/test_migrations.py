"""Guard: the Alembic migrations build exactly the schema the models declare.

An empty database is upgraded to head, then Alembic's autogenerate comparison
(`compare_metadata`, with column types and server defaults) must find nothing to
change: a model edited without its migration, or a migration that drifts from the
models, fails here. Runs on SQLite, and on PostgreSQL in a fresh throwaway database
(created and dropped here) when APP_TEST_POSTGRES_URL is set.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from app.db import models  # noqa: F401  (registers the tables)
from tests.conftest import PG_URL, ROOT, _postgres_database, migrate


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request, tmp_path) -> Iterator[str]:
    if request.param == "postgres":
        if not PG_URL:
            pytest.skip("PostgreSQL runs skipped: set APP_TEST_POSTGRES_URL to run them")
        gen = _postgres_database()
        yield next(gen)
        gen.close()
    else:
        yield f"sqlite:///{tmp_path / 'empty.db'}"


def _differences(url: str) -> list:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True,
                            "render_as_batch": True},
            )
            return compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()


def test_migrations_at_head_match_the_models(empty_url):
    migrate(empty_url)
    assert _differences(empty_url) == []


def test_the_guard_sees_a_model_the_migrations_lack(empty_url):
    """The comparison is live: a table only the models have is reported."""
    migrate(empty_url)
    extra = sa.Table("guard_probe", SQLModel.metadata, sa.Column("id", sa.Integer, primary_key=True))
    try:
        found = _differences(empty_url)
    finally:
        SQLModel.metadata.remove(extra)
    assert [d[0] for d in found] == ["add_table"] and found[0][1].name == "guard_probe"


def test_one_head():
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    heads = ScriptDirectory.from_config(cfg).get_heads()
    assert len(heads) == 1, f"several Alembic heads, linearize them: {heads}"
