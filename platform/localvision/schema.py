"""The database schema is the one the migrations build, wherever a database is made:
production runs them with `flask db upgrade`, the test suite and the benchmarks with
build_schema, so all three run the same tables and constraints."""
from __future__ import annotations

from flask_migrate import upgrade


def build_schema() -> None:
    """Apply every migration to the app's database; call in an app context."""
    upgrade()
