"""Database layer: SQLModel tables, the engine and session factory, the seed."""
