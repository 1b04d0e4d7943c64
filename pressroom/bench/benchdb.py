"""Pointing the benchmark process's database connection at a database of its own: a SQLite
file, or a database on the PostgreSQL server of DATABASE_URL; and writing rows in bulk.

The analytics benchmarks keep their synthetic history between runs (it takes minutes to
build), so unlike `harness.Harness` these helpers do not remove what they point at.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction

SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;",
}


def _database() -> dict[str, Any]:
    database: dict[str, Any] = settings.DATABASES["default"]  # type: ignore[assignment]
    return database


def _new_connection() -> None:
    connections["default"].close()
    # A new connection object, of whichever backend the settings now name.
    with contextlib.suppress(AttributeError):
        del connections["default"]


def use_sqlite(path: Path) -> None:
    database = _database()
    connections["default"].close()
    if database["ENGINE"] != "django.db.backends.sqlite3":
        # In place, keeping the defaults Django filled in (TIME_ZONE, TEST...).
        database.update(
            {"HOST": "", "PORT": "", "USER": "", "PASSWORD": "", "OPTIONS": SQLITE_OPTIONS}
        )
        database["ENGINE"] = "django.db.backends.sqlite3"
    database["NAME"] = str(path)
    _new_connection()


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise RuntimeError("--db postgres needs DATABASE_URL pointing at a PostgreSQL server")
    return url


def _admin() -> Any:
    """A connection to create and drop databases: to the database of DATABASE_URL when it
    exists, otherwise to the server's maintenance database."""
    import psycopg

    url = server_url()
    try:
        return psycopg.connect(url, autocommit=True)
    except psycopg.OperationalError:
        return psycopg.connect(url, autocommit=True, dbname="postgres")


def postgres_exists(name: str) -> bool:
    with _admin() as admin:
        return (
            admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            is not None
        )


def create_postgres(name: str) -> None:
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')


def drop_postgres(name: str) -> None:
    if _database().get("NAME") == name:
        connections["default"].close()
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def use_postgres(name: str) -> None:
    """The database `name` on the server of DATABASE_URL (which the settings were read with)."""
    server_url()
    if _database()["ENGINE"] != "django.db.backends.postgresql":
        raise RuntimeError("--db postgres needs DATABASE_URL set when the command starts")
    connections["default"].close()
    _database()["NAME"] = name
    _new_connection()


# Writing rows in bulk ----------------------------------------------------------------------
CHUNK = 50_000


def _chunks(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write `rows` (values already in the database's form) into `table`: COPY on
    PostgreSQL, one prepared statement over big chunks on SQLite. The number written."""
    written = 0
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    quoted = connection.ops.quote_name(table)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {quoted} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
        return written
    marks = ", ".join("?" * len(columns))
    raw_connection = connection.connection
    assert raw_connection is not None
    sql = f"INSERT INTO {quoted} ({names}) VALUES ({marks})"  # noqa: S608 (names from models)
    for chunk in _chunks(rows, CHUNK):
        # One transaction per chunk (a statement outside one would commit each row).
        with transaction.atomic():
            raw_connection.executemany(sql, chunk)
        written += len(chunk)
    return written


def model_columns(model: Any, varying: Sequence[str]) -> tuple[list[str], tuple[Any, ...]]:
    """Columns of `model`'s table: the `varying` ones (field names, in that order) first, then
    every other column but the primary key, with its default in the database's form."""
    fields = {field.name: field for field in model._meta.concrete_fields}
    columns = [fields[name].column for name in varying]
    constants = []
    for field in model._meta.concrete_fields:
        if field.name in varying or field.primary_key:
            continue
        columns.append(field.column)
        value = field.get_default()
        constants.append(field.get_db_prep_save(value, connection))
    return columns, tuple(constants)


def table_of(model: Any) -> str:
    return str(model._meta.db_table)


def reset_sequences(models: Sequence[Any]) -> None:
    """After rows were written with their ids (PostgreSQL keeps a sequence per table)."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def next_id(model: Any) -> int:
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(table_of(model))
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (a model's)
        row = cursor.fetchone()
    return int(row[0]) + 1


@contextlib.contextmanager
def without_indexes(model: Any) -> Iterator[None]:
    """Drop the table's secondary indexes (and, on PostgreSQL, its unique and foreign-key
    constraints) while rows are written, and make them again after: a sort is faster than
    millions of index insertions. Outside any transaction."""
    table = table_of(model)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
                [table],
            )
            constraints = list(cursor.fetchall())
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                "AND indexname NOT LIKE '%%_pkey'",
                [table],
            )
            owned = {name for name, _ in constraints}
            indexes = [(name, sql) for name, sql in cursor.fetchall() if name not in owned]
            for name, _ in constraints:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [table],
            )
            constraints = []
            indexes = list(cursor.fetchall())
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        for _, sql in indexes:
            cursor.execute(sql)
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')


def count_queries(work: Callable[[], Any]) -> tuple[int, Any]:
    """How many statements `work` sends to the database, and what it returned. Counted as
    they are sent (the test client clears Django's query log when each request starts)."""
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        result = work()
    return queries, result
