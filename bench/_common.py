"""Scratch PostgreSQL databases for the benchmarks: created when missing, dropped at the end.

Each benchmark runs against a database of its own so its figures are not disturbed by (and do not
disturb) the development or test databases; the statements go through the server's ``postgres``
maintenance database because a database cannot create or drop itself.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse


def admin_connection(database_url: str) -> tuple[Any, str]:
    """An autocommit connection to the maintenance database, and the name of the target database."""
    import psycopg

    parsed = urlparse(database_url)
    conn = psycopg.connect(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname="postgres",
        autocommit=True,
    )
    return conn, parsed.path.lstrip("/")


def ensure_database(database_url: str) -> None:
    conn, name = admin_connection(database_url)
    with conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(database_url: str) -> None:
    conn, name = admin_connection(database_url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
