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

import os
import shutil
from pathlib import Path
from typing import Final

from ..errors import ConfigurationError, MissingDependencyError
from ..table_schema import TABLES, MoneyType
from ._arrow import arrow_schema
from ._duckdb import MEMORY_LIMIT, MergingSink, create_tables, prepare_staging

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
_ROWS_PER_GROUP: Final = 100_000


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


def _order_by(names: tuple[str, ...]) -> str:
    return ", ".join(f'"{name}"' for name in names)


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
            self.connection.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
            create_tables(self.connection, money)
            prepare_staging(self.connection, money)
            self._load_stored()
        except BaseException:
            self._abort()
            raise

    def _load_stored(self) -> None:
        for table in TABLES:
            part = self.directory / table.name / PART
            if not part.is_file():
                continue
            expected = arrow_schema(table, self.money)
            found = pq.read_schema(part)
            if not found.remove_metadata().equals(expected.remove_metadata()):
                msg = (
                    f"the stored dataset {part} has other columns or types than this run writes "
                    "(another money type?): use the one it was made with (--decimal), or another directory"
                )
                raise ConfigurationError(msg)
            self.connection.execute(f'INSERT INTO "{table.name}" SELECT * FROM read_parquet(?)', [str(part)])

    def _commit(self) -> None:
        self._merge_run()
        for table in TABLES:
            schema = arrow_schema(table, self.money)
            (self.staging / table.name).mkdir()
            result = self.connection.sql(f'SELECT * FROM "{table.name}" ORDER BY {_order_by(table.key)}')
            with pq.ParquetWriter(self.staging / table.name / PART, schema) as writer:
                for batch in result.to_arrow_reader(_ROWS_PER_GROUP):
                    writer.write_batch(batch.cast(schema))
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
