"""A PostgreSQL database of its own for one benchmark run, dropped at the end.

The server is BENCH_DATABASE_URL, else TEST_DATABASE_URL (`.ci/run` sets it).
"""
from __future__ import annotations

import contextlib
import os
import sys
import uuid
from typing import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def server_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        sys.exit("Set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL server, "
                 "e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test")
    return url


@contextlib.contextmanager
def scratch_database(purpose: str) -> Iterator[str]:
    """Create an empty database for the run and yield its URL; drop it afterwards."""
    admin_url = server_url()
    name = f"localvision_bench_{purpose}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

