"""Alembic environment: SQLModel's metadata and the app's database URL.

`reflex db migrate` / `makemigrations` drive Alembic themselves; this file is
used when Alembic runs directly (the tests migrate throwaway databases so).
"""

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import create_engine
from sqlmodel import SQLModel

from app import settings
from app.db import models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url") or settings.database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = config.attributes.get("url") or settings.database_url()
    connectable = create_engine(url, poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
