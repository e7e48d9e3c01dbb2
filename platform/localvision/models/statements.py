"""Statements that are written differently for PostgreSQL and for the embedded SQLite."""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy.dialects import postgresql, sqlite


def insert_for(dialect_name: str) -> Callable[..., Any]:
    """The INSERT that knows ON CONFLICT on this database (PostgreSQL, or SQLite in development)."""
    return postgresql.insert if dialect_name == "postgresql" else sqlite.insert
