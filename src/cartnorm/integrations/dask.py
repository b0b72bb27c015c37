"""
Normalize a Dask bag of JSON texts, or a Dask DataFrame's payload column, partition by partition.

>>> import dask.bag as db
>>> from cartnorm.integrations.dask import normalize_bag
>>> orders, rejections = normalize_bag(db.read_text("orders-*.jsonl"))      # doctest: +SKIP
>>> dask.compute(orders.pluck("order").to_textfiles("out/*.jsonl"), ...)    # doctest: +SKIP

Each partition is converted by one task that resolves the adapter once and parses every text
with cartnorm's exact parser. Needs the ``dask`` extra on the client and on every worker:
``pip install 'cartnorm[dask]'``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Final

from ..adapter import Adapter
from ..errors import MissingDependencyError
from ..etl import Accepted
from ..limits import DEFAULT_LIMITS, Limits
from ..table_schema import DEFAULT_MONEY, TABLES, MoneyType
from . import ORDER_COLUMNS, REJECTION_COLUMNS
from ._core import Job, order_row, outcomes, reserved_columns, table_batches, warning_rows

try:
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd
    from dask.delayed import delayed
except ImportError as error:  # pragma: no cover - exercised by a test that hides dask
    msg = f"cartnorm.integrations.dask needs Dask with its DataFrame support ({error}): pip install 'cartnorm[dask]'"
    raise MissingDependencyError(msg) from error

__all__ = ["normalize_bag", "normalize_dataframe", "order_tables"]

_OK: Final = "_cartnorm_ok"


def normalize_bag(
    bag: db.Bag,
    *,
    source: str | Adapter | None = None,
    observed_at: datetime | None = None,
    limits: Limits | None = DEFAULT_LIMITS,
    **options: Any,
) -> tuple[db.Bag, db.Bag]:
    """
    Normalize a bag of JSON texts (``str`` or ``bytes``, one record each); return two lazy bags.

    ``orders`` holds one dict per order: ``position`` (the record's index in ``bag``, from 0,
    as `cartnorm.normalize_many` counts), then `ORDER_COLUMNS
    <cartnorm.integrations.ORDER_COLUMNS>`: ``order`` (the Trackstar JSON text, exactly as
    `cartnorm.dumps` writes it), ``order_id``, ``status``, ``currency``, ``source`` and
    ``warnings`` (a list of ``code``/``path``/``message`` dicts). ``rejections`` holds one dict
    per rejected record: ``position``, ``payload`` (the text as it came), ``path``, ``error``
    and ``message``. Both keep the input's order.

    Every record lands in exactly one of the two, so ``bag.count() == orders.count() +
    rejections.count()``. Compute both together (``dask.compute(orders, rejections)``) and
    each record is converted once.

    ``source``, ``limits`` and ``options`` mean what they mean for `cartnorm.normalize_many`;
    ``observed_at`` (default: now) is pinned here, on the client, so every worker stamps the
    same time.
    """
    job = Job.create(source, observed_at, options, limits)
    parts = bag.map_partitions(list)  # a partition read twice must not be a spent iterator
    offsets = db.from_delayed(_offsets(parts))
    combined = parts.map_partitions(_normalize_texts, offsets, job=job)
    orders = combined.filter(_accepted).pluck(1)
    rejections = combined.remove(_accepted).pluck(1)
    return orders, rejections


def _accepted(item: tuple[bool, dict[str, Any]]) -> bool:
    return item[0]


def _offsets(parts: db.Bag) -> list[Any]:
    """One delayed ``[offset]`` per partition: how many records come before it."""
    counts = parts.map_partitions(_count).to_delayed()
    offset: Any = 0
    result = []
    for count in counts:
        result.append(delayed(_single)(offset))
        offset = delayed(_plus)(offset, count)
    return result


def _count(part: list[Any]) -> list[int]:
    return [len(part)]


def _single(value: int) -> list[int]:
    return [value]


def _plus(offset: int, count: list[int]) -> int:
    return offset + count[0]


def _normalize_texts(texts: Iterable[Any], offset: list[int], *, job: Job) -> list[tuple[bool, dict[str, Any]]]:
    """Runs on a worker: one partition's texts in, one ``(ok, row)`` per text out."""
    rows: list[tuple[bool, dict[str, Any]]] = []
    [start] = offset
    texts = list(texts)
    for text, outcome in zip(texts, outcomes(texts, job, start), strict=True):
        if isinstance(outcome, Accepted):
            order = (outcome.position, *order_row(outcome), warning_rows(outcome))
            rows.append((True, dict(zip(("position", *ORDER_COLUMNS), order, strict=True))))
        else:
            rejection = (outcome.position, text, outcome.path, outcome.error, outcome.message)
            rows.append((False, dict(zip(("position", "payload", *REJECTION_COLUMNS), rejection, strict=True))))
    return rows


def normalize_dataframe(
    df: dd.DataFrame,
    payload_col: str = "payload",
    *,
    source: str | Adapter | None = None,
    observed_at: datetime | None = None,
    limits: Limits | None = DEFAULT_LIMITS,
    **options: Any,
) -> tuple[dd.DataFrame, dd.DataFrame]:
    """
    Normalize every payload of ``df``; return ``(orders, rejections)``, two lazy DataFrames.

    Both keep ``df``'s index, so output rows match input rows. ``orders`` has the input's
    columns except ``payload_col``, then `ORDER_COLUMNS <cartnorm.integrations.ORDER_COLUMNS>`
    (``warnings`` is a column of lists of ``code``/``path``/``message`` dicts); ``rejections``
    has all of the input's columns, payload included, then ``path``, ``error`` and ``message``.
    ``len(df) == len(orders) + len(rejections)``; compute both together
    (``dask.compute(orders, rejections)``) and each record is converted once.

    The payload column holds JSON text (``str`` or ``bytes``; a missing value is a rejection).
    ``source``, ``observed_at``, ``limits`` and ``options`` are as for `normalize_bag`.

    Raises:
        cartnorm.ConfigurationError: no such column, an input column named like an added one,
            an unknown ``source``, or a naive ``observed_at``.
    """
    job = Job.create(source, observed_at, options, limits)
    columns = list(df.columns)
    reserved_columns(map(str, columns), payload_col, [_OK, *ORDER_COLUMNS, *REJECTION_COLUMNS])
    meta = _normalize_frame(df._meta, job=job, payload_col=payload_col)
    combined = df.map_partitions(_normalize_frame, job=job, payload_col=payload_col, meta=meta)
    kept = [name for name in columns if name != payload_col]
    orders = combined[combined[_OK]][[*kept, *ORDER_COLUMNS]]
    rejections = combined[~combined[_OK]][[*columns, *REJECTION_COLUMNS]]
    return orders, rejections


def _normalize_frame(frame: pd.DataFrame, *, job: Job, payload_col: str) -> pd.DataFrame:
    """Runs on a worker: one partition in, the same rows plus the added columns out."""
    added: dict[str, list[Any]] = {name: [] for name in (_OK, *ORDER_COLUMNS, *REJECTION_COLUMNS)}
    texts = [None if _missing(text) else text for text in frame[payload_col].tolist()]
    for outcome in outcomes(texts, job):
        added[_OK].append(outcome.ok)
        if isinstance(outcome, Accepted):
            row: tuple[Any, ...] = (*order_row(outcome), warning_rows(outcome), None, None, None)
        else:
            row = (None, None, None, None, None, None, outcome.path, outcome.error, outcome.message)
        for name, value in zip(ORDER_COLUMNS + REJECTION_COLUMNS, row, strict=True):
            added[name].append(value)
    result = frame.copy()
    result[_OK] = pd.Series(added.pop(_OK), index=frame.index, dtype=bool)
    for name, values in added.items():
        dtype = object if name == ORDER_COLUMNS[-1] else pd.StringDtype()
        result[name] = pd.Series(values, index=frame.index, dtype=dtype)
    return result


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NA


def order_tables(orders: db.Bag, *, money: MoneyType = DEFAULT_MONEY) -> dict[str, dd.DataFrame]:
    """
    The typed tables of ``orders`` (the first bag `normalize_bag` returns), by table name.

    One lazy DataFrame per table of `cartnorm.table_schema.TABLES`, with the columns, Arrow types
    (``pandas.ArrowDtype``: ``decimal128(precision, scale)`` money from ``money``,
    ``timestamp[us, tz=UTC]``) and keys of `cartnorm.to_arrow`. Each partition of ``orders`` is
    built into tables once: compute the tables together (``dask.compute(*tables.values())``).
    ``rejects`` holds the orders that do not fit the tables. Rows are not merged: two snapshots of
    one order are two rows (see the merge rule in ``docs/tables.md``).
    """
    from ..tables._arrow import arrow_schema  # noqa: PLC0415 - PyArrow comes with dask[dataframe]

    built = [delayed(_partition_tables)(part, money) for part in orders.to_delayed()]
    result = {}
    for table in TABLES:
        meta = arrow_schema(table, money).empty_table().to_pandas(types_mapper=pd.ArrowDtype)
        parts = [delayed(_frame)(tables, table.name) for tables in built]
        result[table.name] = dd.from_delayed(parts, meta=meta, verify_meta=False)
    return result


def _partition_tables(rows: Iterable[dict[str, Any]], money: MoneyType) -> Any:
    return table_batches(((row["order"], row["source"], row["warnings"]) for row in rows), money)


def _frame(tables: Any, name: str) -> pd.DataFrame:
    return getattr(tables, name).to_pandas(types_mapper=pd.ArrowDtype)
