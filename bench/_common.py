"""Scratch PostgreSQL databases for the benchmarks: created when missing, dropped at the end.

Each benchmark runs against a database of its own so its figures are not disturbed by (and do not
disturb) the development or test databases; the statements go through the server's ``postgres``
maintenance database because a database cannot create or drop itself.
"""

from __future__ import annotations

from pathlib import Path
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


def replace_doc_section(path: Path, section: str, body: str, marker: str) -> None:
    """Put ``body`` (which opens with the ``section`` heading) in place of that section of the
    document, or at its end; the notes written by hand below ``marker`` are kept."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    start = text.find(section)
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + body + "\n" + marker + "\n"
    else:
        end = text.find(marker, start)
        if end == -1:
            following = text.find("\n## ", start + len(section))
            rest = "\n" + marker + "\n" + (text[following:] if following != -1 else "")
        else:
            rest = "\n" + text[end:]
        text = text[:start] + body + rest
    path.write_text(text, encoding="utf-8")
