"""
The DuckDB sink: the tables in a DuckDB database file, upserted by the merge rule, one transaction per run.

Every run is a single transaction: a run that fails, or is killed, leaves the file as it was.
The tables are created on first use, with their keys as primary keys; a file whose tables have
other columns or types (another money type) is refused before anything is written.
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigurationError, MissingDependencyError
from ..table_schema import CHILD_TABLES, ORDERS, REJECTS, TABLES, Kind, MoneyType, Table
from . import Tables
from .sinks import TableSink

try:
    import duckdb
except ImportError as error:  # pragma: no cover - exercised by a test that hides duckdb
    msg = f"cartnorm's DuckDB and Parquet sinks need DuckDB ({error}): pip install 'cartnorm[tables]'"
    raise MissingDependencyError(msg) from error

__all__ = ["DuckDBSink", "MergingSink", "create_tables", "duckdb_type", "merge_batch"]


def duckdb_type(kind: Kind, money: MoneyType) -> str:
    """The DuckDB type of a column of ``kind``."""
    return kind.sql(money)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_tables(connection: Any, money: MoneyType) -> None:
    """Create every table that is missing; refuse tables whose columns differ from the schema's."""
    existing = {
        row[0]
        for row in connection.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()
    }
    for table in TABLES:
        if table.name in existing:
            _check_columns(connection, table, money)
            continue
        columns = [
            f"{_quote(c.name)} {duckdb_type(c.kind, money)}{'' if c.nullable else ' NOT NULL'}" for c in table.columns
        ]
        key = ", ".join(map(_quote, table.key))
        connection.execute(f"CREATE TABLE {_quote(table.name)} ({', '.join(columns)}, PRIMARY KEY ({key}))")


def _check_columns(connection: Any, table: Table, money: MoneyType) -> None:
    found = connection.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ? "
        "ORDER BY column_index",
        [table.name],
    ).fetchall()
    wanted = [(c.name, duckdb_type(c.kind, money)) for c in table.columns]
    if [(name, kind.upper()) for name, kind in found] != wanted:
        differences = [f"{a} vs {b}" for a, b in zip(found, wanted, strict=False) if a != b][:3]
        msg = (
            f"table {table.name} already exists with other columns than cartnorm writes "
            f"({'; '.join(f'{x}' for x in differences) or 'another number of columns'}): "
            "use the money type it was made with (--decimal), or another file"
        )
        raise ConfigurationError(msg)


def _on(left: str, right: str, pairs: tuple[tuple[str, str], ...]) -> str:
    return " AND ".join(f"{left}.{_quote(a)} = {right}.{_quote(b)}" for a, b in pairs)


def merge_batch(connection: Any, tables: Tables) -> tuple[int, int, int, int]:
    """
    Merge one batch (unique order keys) by the merge rule; return (inserted, replaced, unchanged, rejects).

    Runs inside the caller's transaction.
    """
    names = {}
    for table in TABLES:
        name = f"_cartnorm_in_{table.name}"
        connection.register(name, getattr(tables, table.name))
        names[table.name] = name
    try:
        order_key = (("source", "source"), ("id", "id"))
        connection.execute(
            f"CREATE OR REPLACE TEMP TABLE _cartnorm_winners AS "
            f"SELECT i.source, i.id, s.id IS NOT NULL AS replaced FROM {names['orders']} i "
            f"LEFT JOIN orders s ON {_on('s', 'i', order_key)} "
            f"WHERE s.id IS NULL OR s.updated_date < i.updated_date"
        )
        inserted, replaced = connection.execute(
            "SELECT count(*) FILTER (WHERE NOT replaced), count(*) FILTER (WHERE replaced) FROM _cartnorm_winners"
        ).fetchone()
        child_key = (("source", "source"), ("id", "order_id"))
        for table in CHILD_TABLES:
            connection.execute(
                f"DELETE FROM {_quote(table.name)} c WHERE EXISTS "
                f"(SELECT 1 FROM _cartnorm_winners w WHERE w.replaced AND {_on('w', 'c', child_key)})"
            )
        connection.execute(
            f"DELETE FROM orders o WHERE EXISTS (SELECT 1 FROM _cartnorm_winners w WHERE w.replaced AND "
            f"{_on('w', 'o', order_key)})"
        )
        _insert(
            connection,
            ORDERS,
            names["orders"],
            f"EXISTS (SELECT 1 FROM _cartnorm_winners w WHERE {_on('w', 'i', order_key)})",
        )
        for table in CHILD_TABLES:
            _insert(
                connection, table, names[table.name],
                f"EXISTS (SELECT 1 FROM _cartnorm_winners w WHERE {_on('w', 'i', child_key)})",
            )  # fmt: skip
        columns = ", ".join(map(_quote, REJECTS.names))
        connection.execute(
            f"INSERT OR REPLACE INTO rejects ({columns}) SELECT {columns} FROM {names['rejects']} "
            "QUALIFY row_number() OVER (PARTITION BY record_sha256 ORDER BY position DESC) = 1"
        )
        unchanged = tables.orders.num_rows - inserted - replaced
        return inserted, replaced, unchanged, tables.rejects.num_rows
    finally:
        for name in names.values():
            connection.unregister(name)


def _insert(connection: Any, table: Table, source: str, condition: str) -> None:
    columns = ", ".join(map(_quote, table.names))
    chosen = ", ".join(f"i.{_quote(name)}" for name in table.names)
    connection.execute(
        f"INSERT INTO {_quote(table.name)} ({columns}) SELECT {chosen} FROM {source} i WHERE {condition}"
    )


class MergingSink(TableSink):
    """A sink whose pending state is a DuckDB database (``connection``) merged batch by batch."""

    connection: Any

    def _merge(self, tables: Tables) -> None:
        inserted, replaced, unchanged, _ = merge_batch(self.connection, tables)
        self.report.inserted += inserted
        self.report.replaced += replaced
        self.report.unchanged += unchanged


class DuckDBSink(MergingSink):
    """Upserts into the tables of a DuckDB file, in one transaction for the whole run."""

    def __init__(
        self,
        path: str,
        *,
        money: MoneyType,
        batch_size: int,
        connection: Any = None,
    ) -> None:
        super().__init__(f"duckdb:{path}", money, batch_size)
        self.path = path
        if connection is None:
            try:
                connection = duckdb.connect(path)
            except duckdb.Error as error:
                msg = f"cannot open the DuckDB file {path}: {error}"
                raise ConfigurationError(msg) from None
        self.connection = connection
        try:
            self.connection.execute("BEGIN TRANSACTION")
            create_tables(self.connection, money)
        except BaseException:
            self.connection.execute("ROLLBACK")
            self.connection.close()
            raise

    def _commit(self) -> None:
        self.connection.execute("COMMIT")
        self.connection.close()

    def _abort(self) -> None:
        try:
            self.connection.execute("ROLLBACK")
        finally:
            self.connection.close()
