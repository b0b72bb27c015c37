"""
Table sinks: where ``cartnorm normalize --to`` puts the tables, with the merge rule applied.

>>> with open_sink("duckdb:orders.duckdb") as sink:          # doctest: +SKIP
...     for result in cartnorm.normalize_many(records):
...         sink.write(result)

A sink is opened, written (orders, rejects), and then either committed (everything the run
wrote appears at once) or aborted (nothing does). Used as a context manager it commits when the
block ends normally and aborts on an exception.

**The merge rule**, the same for every sink: an order is identified by ``(source, id)``. An
incoming snapshot whose ``updated_date`` is later than the stored one replaces the order's row
and *all* its child rows (line items, shipping groups, shipments, their line items, warnings),
so a line removed by an order edit disappears; a snapshot that is not later (older, or the same
``updated_date``) changes nothing, so loading the same input twice leaves identical tables.
Within one run the same rule holds between the snapshots of the run. Rejects are keyed by the
SHA-256 of the record text: the same record rejected again is one row, with the latest reason.
"""

from __future__ import annotations

import abc
from types import TracebackType
from typing import TYPE_CHECKING, Any

import attrs

from ..codec import dumps
from ..errors import ConfigurationError, PayloadError
from ..etl import Accepted, Rejection
from ..table_schema import DEFAULT_MONEY, MoneyType

if TYPE_CHECKING:
    from ._arrow import OrderRows
__all__ = ["SinkReport", "TableSink", "open_sink"]

#: How many orders a sink builds into Arrow and merges at a time, at most.
DEFAULT_BATCH = 500
#: How much a batch may hold, in bytes of Arrow (about: orders' JSON text, rejects' records), at most:
#: orders with large ``additional_fields`` make smaller batches, so that memory stays flat.
BATCH_BYTES = 4 << 20


@attrs.define
class SinkReport:
    """What a run did to the tables."""

    inserted: int = 0  # orders not stored before
    replaced: int = 0  # orders whose stored snapshot was older
    unchanged: int = 0  # snapshots not newer than the stored one, or than another of the same run
    rejected: int = 0  # reject rows written (the input's and the sink's own)

    def summary(self, target: str) -> str:
        """One line for people."""
        return (
            f"{target}: {self.inserted:,} orders added, {self.replaced:,} replaced by a newer snapshot, "
            f"{self.unchanged:,} snapshots not newer than the one kept, {self.rejected:,} rejects recorded"
        )


class TableSink(abc.ABC):
    """
    Where a run's orders, warnings and rejects go. Subclasses: DuckDB and Parquet.

    `write` takes each `Accepted` or `Rejection` of `cartnorm.normalize_many` (in input order);
    an order that does not fit the tables (money beyond the `MoneyType`, a duplicate child key)
    becomes a reject, which `write` returns. Then `commit` or `abort`.
    """

    def __init__(self, target: str, money: MoneyType, batch_size: int) -> None:
        from ._arrow import TableBuilder, rows_size  # noqa: PLC0415 - optional extra, imported on first use

        self.target = target
        self.money = money
        self.batch_size = batch_size
        self.report = SinkReport()
        self._builder = TableBuilder(money)
        # The batch's orders by key: the newest snapshot's updated_date and rows (built and
        # checked as they arrive, added to the builder when the batch is merged).
        self._batch: dict[tuple[str, str], tuple[Any, OrderRows]] = {}
        self._size = 0  # rows_size of the batch's orders
        self._rows_size = rows_size
        self._closed = False
        self._committed = False

    @property
    def committed(self) -> bool:
        """True once `commit` has made the run's writes visible (an interruption right after cannot undo them)."""
        return self._committed

    def write(
        self,
        result: Accepted | Rejection,
        *,
        record: Any = None,
        input_name: str | None = None,
        line: int | None = None,
    ) -> Rejection | None:
        """
        Add one result; return the `Rejection` an accepted order became, if it did not fit.

        ``record`` is what a reject keeps (default: the rejected record, or the order's
        Trackstar JSON); ``input_name`` and ``line`` say where it was read.
        """
        if self._closed:
            msg = "this sink was already committed or aborted"
            raise ConfigurationError(msg)
        if isinstance(result, Rejection):
            if record is not None:
                result = attrs.evolve(result, record=record)
            self._builder.add_rejection(result, input_name=input_name, line=line)
            self.report.rejected += 1
            rejection = None
        else:
            rejection = self._add(result, record, input_name, line)
        if len(self._builder) + len(self._batch) >= self.batch_size or self._builder.size + self._size >= BATCH_BYTES:
            self._flush()
        return rejection

    def _add(self, result: Accepted, record: Any, input_name: str | None, line: int | None) -> Rejection | None:
        order = result.order
        try:
            rows = self._builder.rows(order, result.source, result.warnings)
        except PayloadError as error:
            rejection = Rejection.from_error(result.position, record if record is not None else dumps(order), error)
            self._builder.add_rejection(rejection, input_name=input_name, line=line)
            self.report.rejected += 1
            return rejection
        key = (result.source, order.id)
        earlier = self._batch.get(key)
        if earlier is not None:
            self.report.unchanged += 1  # one of the two snapshots of this batch is not kept
            if order.updated_date <= earlier[0]:
                return None
        self._batch[key] = (order.updated_date, rows)
        self._size += self._rows_size(rows)  # a replaced snapshot still counts: the batch ends a little early
        return None

    def _flush(self) -> None:
        for _, rows in self._batch.values():
            self._builder.add_rows(rows)
        self._batch.clear()
        self._size = 0
        self._merge(self._builder.build())

    @abc.abstractmethod
    def _merge(self, tables: Any) -> None:
        """Merge one batch of `Tables` (unique order keys) into the pending state."""

    @abc.abstractmethod
    def _commit(self) -> None:
        """Make the run's writes visible, all at once."""

    @abc.abstractmethod
    def _abort(self) -> None:
        """Drop the run's writes."""

    def commit(self) -> SinkReport:
        """Merge what is left and make the whole run visible at once; return what it did."""
        if self._closed:
            msg = "this sink was already committed or aborted"
            raise ConfigurationError(msg)
        try:
            self._flush()
            self._commit()
            self._committed = True  # no call in between: a signal cannot land before it is noted
        except BaseException:
            self.abort()
            raise
        self._closed = True
        return self.report

    def abort(self) -> None:
        """Drop everything this run wrote (the stored tables stay as they were)."""
        if not self._closed:
            self._closed = True
            self._abort()

    def __enter__(self) -> TableSink:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()


def open_sink(
    target: str,
    *,
    money: MoneyType = DEFAULT_MONEY,
    batch_size: int = DEFAULT_BATCH,
) -> TableSink:
    """
    Open ``duckdb:FILE`` (a DuckDB database file, created if missing) or ``parquet:DIR`` (one
    Parquet dataset per table under DIR). Needs the ``tables`` extra.

    Raises:
        cartnorm.ConfigurationError: an unknown kind of target, an empty path, or stored tables
            whose columns differ from this version's (another money type, say).
        cartnorm.MissingDependencyError: the ``tables`` extra is not installed.
    """
    kind, colon, path = target.partition(":")
    if not colon or not path or kind not in ("duckdb", "parquet"):
        msg = f"a table target is duckdb:FILE or parquet:DIR, got {target!r}"
        raise ConfigurationError(msg)
    if type(batch_size) is not int or batch_size < 1:
        msg = f"batch_size must be a positive integer, got {batch_size!r}"
        raise ConfigurationError(msg)
    if kind == "duckdb":
        from ._duckdb import DuckDBSink  # noqa: PLC0415 - optional extra, imported on first use

        return DuckDBSink(path, money=money, batch_size=batch_size)
    from ._parquet import ParquetSink  # noqa: PLC0415 - optional extra, imported on first use

    return ParquetSink(path, money=money, batch_size=batch_size)
