"""
The DuckDB sink: the tables in a DuckDB database file, upserted by the merge rule, one transaction per run.

Every run is a single transaction: a run that fails, or is killed, leaves the file as it was.
The tables are created on first use, with their keys as primary keys; a file whose tables have
other columns or types (another money type) is refused before anything is written.
"""

from __future__ import annotations

import contextlib
from typing import Any, Final

from ..errors import ConfigurationError, MissingDependencyError
from ..table_schema import CHILD_TABLES, ORDERS, REJECTS, TABLES, Kind, MoneyType, Table
from . import Tables
from .sinks import TableSink

try:
    import duckdb
except ImportError as error:  # pragma: no cover - exercised by a test that hides duckdb
    msg = f"cartnorm's DuckDB and Parquet sinks need DuckDB ({error}): pip install 'cartnorm[tables]'"
    raise MissingDependencyError(msg) from error

__all__ = [
    "DuckDBSink",
    "MergingSink",
    "create_tables",
    "duckdb_type",
    "merge_staged",
    "prepare_staging",
    "stage_batch",
]


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


STAGING: Final = "_cartnorm_staging"
#: The memory DuckDB may use for its cache before it writes to disk (the default is most of the machine).
MEMORY_LIMIT: Final = "512MB"


def _staged(table: Table) -> str:
    return f"{STAGING}.{_quote(table.name)}"


def prepare_staging(connection: Any, money: MoneyType) -> None:
    """Make empty staging tables (dropping a killed run's): the target tables' columns and the batch number."""
    connection.execute(f"DROP SCHEMA IF EXISTS {STAGING} CASCADE")
    connection.execute(f"CREATE SCHEMA {STAGING}")
    for table in TABLES:
        columns = ", ".join(f"{_quote(c.name)} {duckdb_type(c.kind, money)}" for c in table.columns)
        connection.execute(f"CREATE TABLE {_staged(table)} ({columns}, _batch BIGINT NOT NULL)")


def stage_batch(connection: Any, tables: Tables, batch: int) -> None:
    """Append one batch's tables to the staging tables (each batch holds an order key at most once)."""
    for table in TABLES:
        name = f"_cartnorm_in_{table.name}"
        connection.register(name, getattr(tables, table.name))
        try:
            columns = ", ".join(map(_quote, table.names))
            connection.execute(f"INSERT INTO {_staged(table)} SELECT {columns}, ? FROM {name}", [batch])
        finally:
            connection.unregister(name)


def merge_staged(connection: Any) -> tuple[int, int, int]:
    """
    Merge the staged run into the tables by the merge rule; return (inserted, replaced, staged snapshots).

    Per key, the run's snapshot with the latest ``updated_date`` (the first staged, on a tie) is
    the candidate; it wins over the stored order only when strictly newer, and then the order's
    row and every child row are replaced by the candidate's. Runs inside the caller's
    transaction, and drops the staging tables.
    """
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE _cartnorm_winners AS "
        f"SELECT c.source, c.id, c._batch, s.id IS NOT NULL AS replaced FROM "
        f"(SELECT source, id, updated_date, _batch FROM {_staged(ORDERS)} "
        f" QUALIFY row_number() OVER (PARTITION BY source, id ORDER BY updated_date DESC, _batch) = 1) c "
        f"LEFT JOIN orders s ON s.source = c.source AND s.id = c.id "
        f"WHERE s.id IS NULL OR s.updated_date < c.updated_date"
    )
    inserted, replaced = connection.execute(
        "SELECT count(*) FILTER (WHERE NOT replaced), count(*) FILTER (WHERE replaced) FROM _cartnorm_winners"
    ).fetchone()
    (staged,) = connection.execute(f"SELECT count(*) FROM {_staged(ORDERS)}").fetchone()
    replaced_key = "SELECT 1 FROM _cartnorm_winners w WHERE w.replaced AND w.source = t.source AND w.id = t.{}"
    for table in CHILD_TABLES:
        connection.execute(f"DELETE FROM {_quote(table.name)} t WHERE EXISTS ({replaced_key.format('order_id')})")
    connection.execute(f"DELETE FROM orders t WHERE EXISTS ({replaced_key.format('id')})")
    won = "SELECT 1 FROM _cartnorm_winners w WHERE w.source = s.source AND w.id = s.{} AND w._batch = s._batch"
    for table in (ORDERS, *CHILD_TABLES):
        columns = ", ".join(map(_quote, table.names))
        key = "id" if table is ORDERS else "order_id"
        connection.execute(
            f"INSERT INTO {_quote(table.name)} ({columns}) SELECT {columns} FROM {_staged(table)} s "
            f"WHERE EXISTS ({won.format(key)})"
        )
    columns = ", ".join(map(_quote, REJECTS.names))
    connection.execute(
        f"INSERT OR REPLACE INTO rejects ({columns}) SELECT {columns} FROM {_staged(REJECTS)} "
        "QUALIFY row_number() OVER (PARTITION BY record_sha256 ORDER BY _batch DESC, position DESC) = 1"
    )
    connection.execute(f"DROP SCHEMA {STAGING} CASCADE")
    connection.execute("DROP TABLE _cartnorm_winners")
    return inserted, replaced, staged


class MergingSink(TableSink):
    """
    A sink whose state is a DuckDB database (``connection``): each batch is appended to staging
    tables (committed as it comes, so DuckDB may keep it on disk and memory stays flat), and the
    whole run is merged into the tables at once (`merge_staged`).
    """

    connection: Any
    _batches: int = 0

    def _merge(self, tables: Tables) -> None:
        self._batches += 1
        stage_batch(self.connection, tables, self._batches)

    def _merge_run(self) -> None:
        inserted, replaced, staged = merge_staged(self.connection)
        self.report.inserted += inserted
        self.report.replaced += replaced
        self.report.unchanged += staged - inserted - replaced


class DuckDBSink(MergingSink):
    """
    Upserts into the tables of a DuckDB file; the run's orders become visible in one transaction.

    Batches are staged in ``_cartnorm_staging`` (committed as they come, so memory stays flat);
    `commit` merges them into the tables and drops them in a single transaction. A run that
    fails or is killed leaves the tables as they were (its staging tables, if any, are dropped
    by the next run).
    """

    def __init__(self, path: str, *, money: MoneyType, batch_size: int) -> None:
        super().__init__(f"duckdb:{path}", money, batch_size)
        self.path = path
        try:
            self.connection = duckdb.connect(path)
        except duckdb.Error as error:
            msg = f"cannot open the DuckDB file {path}: {error}"
            raise ConfigurationError(msg) from None
        try:
            self.connection.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
            create_tables(self.connection, money)
            prepare_staging(self.connection, money)
        except BaseException:
            self.connection.close()
            raise

    def _commit(self) -> None:
        self.connection.execute("BEGIN TRANSACTION")
        self._merge_run()
        self.connection.execute("COMMIT")
        self.connection.close()

    def _abort(self) -> None:
        with contextlib.suppress(duckdb.Error):  # no transaction was open
            self.connection.execute("ROLLBACK")
        try:
            self.connection.execute(f"DROP SCHEMA IF EXISTS {STAGING} CASCADE")
        finally:
            self.connection.close()
