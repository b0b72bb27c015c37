"""
The DuckDB sink: the tables in a DuckDB database file, upserted by the merge rule, one transaction per run.

Every run is a single transaction: a run that fails, or is killed, leaves the file as it was.
The tables are created on first use, with their keys as primary keys; a file whose tables have
other columns or types (another money type) is refused before anything is written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, Final, TypeVar

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
    "configure",
    "create_tables",
    "duckdb_type",
    "merge_staged",
    "merged_rows",
    "pick_winners",
    "prepare_staging",
    "stage_batch",
]


T = TypeVar("T")

STAGING: Final = "_cartnorm_staging"
#: The memory DuckDB may use for its cache before it writes to disk (its default is most of the machine).
MEMORY_LIMIT: Final = "64MB"
#: The limits a sink moves up to when DuckDB runs out of memory all the same (a run of orders with
#: large ``additional_fields``: DuckDB keeps long strings that one transaction adds in memory).
MORE_MEMORY: Final = ("256MB", "1GB", "4GB")


def duckdb_type(kind: Kind, money: MoneyType) -> str:
    """The DuckDB type of a column of ``kind``."""
    return kind.sql(money)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def configure(connection: Any) -> None:
    """
    Bound DuckDB's memory and keep its writes cheap for wide JSON text columns.

    ``memory_limit`` caps DuckDB's cache (beyond it DuckDB writes to its temporary directory,
    ``FILE.tmp``); DuckDB's DICT_FSST string compression (1.3 and later) is switched off for the
    connection: on ``additional_fields`` (kilobytes of JSON per order) it made each checkpoint
    cost seconds per thousand orders, ten times the rest of the write (FSST, dictionary and the
    other methods stay).
    """
    connection.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    for methods in ("dict_fsst,zstd", "zstd"):  # DICT_FSST came with DuckDB 1.3
        with contextlib.suppress(duckdb.Error):
            connection.execute(f"SET disabled_compression_methods = '{methods}'")
            break


def create_tables(connection: Any, money: MoneyType) -> None:
    """
    Create every table that is missing; refuse tables whose columns differ from the schema's.

    The tables carry no PRIMARY KEY constraint: DuckDB keeps a key index in memory, and the
    keys that one transaction adds must fit there, so a run's memory would grow with its size
    (a run of 80 000 orders failed at 128 MB). The keys are unique by the merge rule
    (`merge_staged`), which is the only writer. Tables made with primary keys by an earlier
    version keep them and load the same.
    """
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
        connection.execute(f"CREATE TABLE {_quote(table.name)} ({', '.join(columns)})")


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
    """Append one batch's tables to the staging tables (a key once a batch) (the caller's transaction)."""
    for table in TABLES:
        name = f"_cartnorm_in_{table.name}"
        connection.register(name, getattr(tables, table.name))
        try:
            columns = ", ".join(map(_quote, table.names))
            connection.execute(f"INSERT INTO {_staged(table)} SELECT {columns}, ? FROM {name}", [batch])
        finally:
            connection.unregister(name)


WINNERS: Final = "_cartnorm_winners"
_REPLACED: Final = f"SELECT 1 FROM {WINNERS} w WHERE w.replaced AND w.source = t.source AND w.id = t.{{}}"
_WON: Final = f"SELECT 1 FROM {WINNERS} w WHERE w.source = s.source AND w.id = s.{{}} AND w._batch = s._batch"
#: The run's latest reject of each record: chosen on the narrow columns, then read whole (a window
#: over the whole rows held every record text of the run in memory).
_LATEST_REJECT: Final = (
    f"WHERE rowid IN (SELECT rowid FROM {_staged(REJECTS)} "
    "QUALIFY row_number() OVER (PARTITION BY record_sha256 ORDER BY _batch DESC, position DESC) = 1)"
)


def _order_key(table: Table) -> str:
    return "id" if table is ORDERS else "order_id"


def pick_winners(connection: Any, stored_orders: str) -> tuple[int, int, int]:
    """
    The temporary table `WINNERS` of the run's snapshots that win; return (inserted, replaced, staged snapshots).

    Per key, the run's snapshot with the latest ``updated_date`` (the first staged, on a tie) is
    the candidate; it wins over the stored order (a row of ``stored_orders``) only when strictly
    newer, and then the order's row and every child row are replaced by the candidate's.
    """
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE {WINNERS} AS "
        f"SELECT c.source, c.id, c._batch, s.id IS NOT NULL AS replaced FROM "
        f"(SELECT source, id, updated_date, _batch FROM {_staged(ORDERS)} "
        f" QUALIFY row_number() OVER (PARTITION BY source, id ORDER BY updated_date DESC, _batch) = 1) c "
        f"LEFT JOIN {stored_orders} s ON s.source = c.source AND s.id = c.id "
        f"WHERE s.id IS NULL OR s.updated_date < c.updated_date"
    )
    ((inserted, replaced),) = connection.execute(
        f"SELECT count(*) FILTER (WHERE NOT replaced), count(*) FILTER (WHERE replaced) FROM {WINNERS}"
    ).fetchall()
    ((staged,),) = connection.execute(f"SELECT count(*) FROM {_staged(ORDERS)}").fetchall()
    return inserted, replaced, staged


def merged_rows(table: Table, stored: str) -> str:
    """
    A query of ``table`` after the merge: the stored rows (of relation ``stored``) that stay, and the run's that win.

    Needs `pick_winners` first. Rejects: the stored ones not rejected again, and the run's
    latest reason per record.
    """
    columns = ", ".join(map(_quote, table.names))
    if table is REJECTS:
        return (
            f"SELECT {columns} FROM {stored} t WHERE NOT EXISTS "
            f"(SELECT 1 FROM {_staged(REJECTS)} s WHERE s.record_sha256 = t.record_sha256) "
            f"UNION ALL SELECT {columns} FROM {_staged(REJECTS)} {_LATEST_REJECT}"
        )
    key = _order_key(table)
    return (
        f"SELECT {columns} FROM {stored} t WHERE NOT EXISTS ({_REPLACED.format(key)}) "
        f"UNION ALL SELECT {columns} FROM {_staged(table)} s WHERE EXISTS ({_WON.format(key)})"
    )


def merge_staged(connection: Any) -> tuple[int, int, int]:
    """
    Merge the staged run into the tables by the merge rule; return (inserted, replaced, staged snapshots).

    The winners are `pick_winners`'; the replaced orders' rows and child rows are deleted, the
    winners' inserted. Runs inside the caller's transaction, and drops the staging tables.
    """
    counts = pick_winners(connection, "orders")
    for table in (*CHILD_TABLES, ORDERS):
        connection.execute(f"DELETE FROM {_quote(table.name)} t WHERE EXISTS ({_REPLACED.format(_order_key(table))})")
    for table in (ORDERS, *CHILD_TABLES):
        columns = ", ".join(map(_quote, table.names))
        connection.execute(
            f"INSERT INTO {_quote(table.name)} ({columns}) SELECT {columns} FROM {_staged(table)} s "
            f"WHERE EXISTS ({_WON.format(_order_key(table))})"
        )
    columns = ", ".join(map(_quote, REJECTS.names))
    connection.execute(f"DELETE FROM rejects WHERE record_sha256 IN (SELECT record_sha256 FROM {_staged(REJECTS)})")
    connection.execute(f"INSERT INTO rejects ({columns}) SELECT {columns} FROM {_staged(REJECTS)} {_LATEST_REJECT}")
    connection.execute(f"DROP SCHEMA {STAGING} CASCADE")
    connection.execute(f"DROP TABLE {WINNERS}")
    return counts


class MergingSink(TableSink):
    """
    A sink whose state is a DuckDB database (``connection``): each batch is appended to staging
    tables (committed as it comes, so DuckDB may keep it on disk and memory stays flat), and the
    whole run is merged into the tables at once (`merge_staged`).
    """

    connection: Any
    _batches: int = 0
    _more_memory: int = 0  # how many of MORE_MEMORY were needed

    def _merge(self, tables: Tables) -> None:
        self._batches += 1
        self._in_transaction(lambda: stage_batch(self.connection, tables, self._batches))

    def _in_transaction(self, action: Callable[[], T]) -> T:
        """``action`` in one transaction, committed; run again with more memory if DuckDB runs out."""

        def committed() -> T:
            self.connection.execute("BEGIN TRANSACTION")
            result = action()
            self.connection.execute("COMMIT")
            return result

        return self._with_memory(committed, lambda: self.connection.execute("ROLLBACK"))

    def _with_memory(self, action: Callable[[], T], undo: Callable[[], object]) -> T:
        """``action``; when DuckDB runs out of memory, ``undo``, raise the limit (`MORE_MEMORY`) and run it again."""
        while True:
            try:
                return action()
            except duckdb.OutOfMemoryException:
                if self._more_memory >= len(MORE_MEMORY):
                    raise
                undo()
                self.connection.execute(f"SET memory_limit = '{MORE_MEMORY[self._more_memory]}'")
                self._more_memory += 1

    def _count(self, counts: tuple[int, int, int]) -> None:
        inserted, replaced, staged = counts
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
            configure(self.connection)
            create_tables(self.connection, money)
            prepare_staging(self.connection, money)
        except BaseException:
            self.connection.close()
            raise

    def _commit(self) -> None:
        self._count(self._in_transaction(lambda: merge_staged(self.connection)))
        self.connection.close()

    def _abort(self) -> None:
        with contextlib.suppress(duckdb.Error):  # no transaction was open
            self.connection.execute("ROLLBACK")
        try:
            self.connection.execute(f"DROP SCHEMA IF EXISTS {STAGING} CASCADE")
        finally:
            self.connection.close()
