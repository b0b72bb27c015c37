"""
The Parquet sink: one Parquet dataset per table under a directory, rewritten whole by each run.

Parquet files cannot be updated in place, and a directory of them has no transactions. So each
run merges (by the merge rule of `cartnorm.tables.sinks`) the stored datasets and the new
orders in a scratch DuckDB database on disk, writes every table anew into a staging directory,
and then swaps the staged tables in:

1. ``DIR/.cartnorm-staging/`` receives ``<table>/part-0.parquet`` for every table, then a
   ``COMPLETE`` marker (written last, atomically);
2. each ``DIR/<table>`` is moved aside and the staged one renamed into its place;
3. the old tables and the staging directory are deleted.

A run that fails or is killed before the marker leaves the stored tables untouched (the next
run deletes the staging directory); one killed during step 2 is finished by the next run (it
finds the marker and completes the renames) before it reads anything. What Parquet cannot give:
a reader that lists ``DIR/<table>`` during the renames of step 2 (milliseconds) may find a table
missing, or tables from two runs; and two runs must not write the same directory at once.
"""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path
from typing import Any, Final

from ..errors import ConfigurationError, MissingDependencyError
from ..table_schema import TABLES, MoneyType, Table
from . import Tables
from ._arrow import arrow_schema
from ._duckdb import MergingSink, configure, create_tables, merged_rows, pick_winners, prepare_staging
from ._sort import sorted_chunks

try:
    import duckdb
    import pyarrow.parquet as pq
except ImportError as error:  # pragma: no cover - exercised by a test that hides the extra
    msg = f"cartnorm's Parquet sink needs PyArrow and DuckDB ({error}): pip install 'cartnorm[tables]'"
    raise MissingDependencyError(msg) from error

__all__ = ["ParquetSink", "recover"]

STAGING: Final = ".cartnorm-staging"
OLD: Final = ".cartnorm-old"
COMPLETE: Final = "COMPLETE"
PART: Final = "part-0.parquet"
SORT: Final = "sort"  # the scratch runs of `sorted_chunks`, under the staging directory
#: How much of a table is written at a time (one Parquet row group): rows of about this many bytes
#: in Arrow, at least and at most so many rows (an order with its ``additional_fields`` can be tens
#: of kilobytes, a line item a few hundred bytes). The floor is low: a thousand rows of orders
#: with 100 KB of ``additional_fields`` each would hold 100 MB at a time.
_BATCH_BYTES: Final = 16 << 20
_MIN_ROWS: Final = 64
_MAX_ROWS: Final = 100_000


def _uncompressed_bytes(metadata: Any) -> int:
    return sum(metadata.row_group(index).total_byte_size for index in range(metadata.num_row_groups))


def recover(directory: Path) -> None:
    """Finish a run that was killed while swapping its tables in, or drop one that never got that far."""
    staging, old = directory / STAGING, directory / OLD
    if staging.is_dir() and (staging / COMPLETE).is_file():
        for table in TABLES:
            staged = staging / table.name
            if staged.is_dir():
                _swap(directory, staged, table.name)
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)


def _swap(directory: Path, staged: Path, name: str) -> None:
    target, old = directory / name, directory / OLD
    if target.exists():
        old.mkdir(exist_ok=True)
        shutil.rmtree(old / name, ignore_errors=True)
        target.rename(old / name)
    staged.rename(target)


class ParquetSink(MergingSink):
    """Merges into the Parquet datasets under a directory; the run becomes visible at `commit`."""

    def __init__(
        self,
        path: str,
        *,
        money: MoneyType,
        batch_size: int,
    ) -> None:
        super().__init__(f"parquet:{path}", money, batch_size)
        self._row_bytes: dict[str, int] = {}  # the widest row seen per table (bytes in Arrow), to size the batches
        self.directory = Path(path)
        if self.directory.exists() and not self.directory.is_dir():
            msg = f"{path} exists and is not a directory"
            raise ConfigurationError(msg)
        self.directory.mkdir(parents=True, exist_ok=True)
        recover(self.directory)
        self.staging = self.directory / STAGING
        self.staging.mkdir()
        self.connection = duckdb.connect(str(self.staging / "merge.duckdb"))
        try:
            configure(self.connection)
            # The scratch database is deleted unread: closing it need not write its log into it
            # (which held the wide rows of the run in memory).
            self.connection.execute("PRAGMA disable_checkpoint_on_shutdown")
            create_tables(self.connection, money)
            prepare_staging(self.connection, money)
            self._stored = self._stored_tables()
        except BaseException:
            self._abort()
            raise

    def _stored_tables(self) -> dict[str, str]:
        """Per table, the relation of its stored rows: the stored dataset, read in place, or the empty table."""
        stored = {}
        for table in TABLES:
            part = self.directory / table.name / PART
            if not part.is_file():
                stored[table.name] = f'"{table.name}"'  # made empty by create_tables
                continue
            expected = arrow_schema(table, self.money)
            found = pq.ParquetFile(part)
            if not found.schema_arrow.remove_metadata().equals(expected.remove_metadata()):
                msg = (
                    f"the stored dataset {part} has other columns or types than this run writes "
                    "(another money type?): use the one it was made with (--decimal), or another directory"
                )
                raise ConfigurationError(msg)
            self._widen(table.name, found.metadata.num_rows, _uncompressed_bytes(found.metadata))
            stored[table.name] = "read_parquet('" + str(part).replace("'", "''") + "')"
        return stored

    def _widen(self, table: str, rows: int, size: int) -> None:
        if rows:
            self._row_bytes[table] = max(self._row_bytes.get(table, 0), size // rows + 1)

    def _merge(self, tables: Tables) -> None:
        for name, table in tables.items():
            self._widen(name, table.num_rows, table.nbytes)
        super()._merge(tables)

    def _commit(self) -> None:
        """Write every table merged, sorted by key, into the staging directory; then swap the tables in."""
        self._count(self._with_memory(lambda: pick_winners(self.connection, self._stored["orders"]), lambda: None))
        for table in TABLES:
            (self.staging / table.name).mkdir()
            part = self.staging / table.name / PART
            write, undo = functools.partial(self._write, table, part), functools.partial(part.unlink, missing_ok=True)
            self._with_memory(write, undo)
        self._finish()

    def _write(self, table: Table, part: Path) -> None:
        """
        Write ``table`` merged, sorted by key, into ``part``, in row groups of about `_BATCH_BYTES`.

        DuckDB reads the merged rows unsorted (a streaming scan); they are sorted by `sorted_chunks`,
        which spills runs to the staging directory: DuckDB's own ``ORDER BY`` held wide rows in memory.
        """
        schema = arrow_schema(table, self.money)
        result = self.connection.sql(merged_rows(table, self._stored[table.name]))
        rows = max(_MIN_ROWS, min(_MAX_ROWS, _BATCH_BYTES // self._row_bytes.get(table.name, 1)))
        batches = (batch.cast(schema) for batch in result.to_arrow_reader(rows))
        with pq.ParquetWriter(part, schema) as writer:
            for chunk in sorted_chunks(batches, schema, table.key, self.staging / SORT, rows):
                writer.write_table(chunk, row_group_size=rows)

    def _finish(self) -> None:
        """Drop the scratch database, mark the staging complete, and swap the tables in."""
        self.connection.close()
        (self.staging / "merge.duckdb").unlink()
        marker = self.staging / (COMPLETE + ".tmp")
        marker.write_text("every table is staged\n", encoding="utf-8")
        with open(marker, "rb") as handle:
            os.fsync(handle.fileno())
        marker.rename(self.staging / COMPLETE)
        recover(self.directory)

    def _abort(self) -> None:
        try:
            self.connection.close()
        finally:
            shutil.rmtree(self.staging, ignore_errors=True)
