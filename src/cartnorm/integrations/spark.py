"""
Normalize a Spark DataFrame of vendor payloads, partition by partition.

>>> from cartnorm.integrations.spark import normalize_dataframe
>>> orders, rejections = normalize_dataframe(raw, "payload")      # doctest: +SKIP
>>> orders.write.partitionBy("status").parquet("s3://lake/trackstar/orders")  # doctest: +SKIP

The payload column holds JSON text (``string`` or ``binary``). It travels to the Python
workers in Arrow batches (`DataFrame.mapInArrow`); each worker resolves the adapter once per
partition and converts every record with cartnorm's exact parser and converters. Needs the
``spark`` extra (PySpark with PyArrow) on the driver and on every worker:
``pip install 'cartnorm[spark]'``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Final

from ..adapter import Adapter
from ..errors import ConfigurationError, MissingDependencyError
from ..etl import Accepted
from ..limits import DEFAULT_LIMITS, Limits
from ..table_schema import DEFAULT_MONEY, TABLES, MoneyType
from . import ORDER_COLUMNS, REJECTION_COLUMNS
from ._core import Job, order_row, outcomes, reserved_columns, table_batches, warning_rows

try:
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyspark import StorageLevel
    from pyspark.sql import Column, DataFrame
    from pyspark.sql import functions as F  # noqa: N812 - the name every Spark user knows
    from pyspark.sql.pandas.types import from_arrow_schema
    from pyspark.sql.types import (
        ArrayType,
        BinaryType,
        BooleanType,
        StringType,
        StructField,
        StructType,
    )
except ImportError as error:  # pragma: no cover - exercised by a test that hides pyspark
    msg = f"cartnorm.integrations.spark needs PySpark and PyArrow ({error}): pip install 'cartnorm[spark]'"
    raise MissingDependencyError(msg) from error

__all__ = ["normalize_dataframe", "order_tables"]

_OK: Final = "_cartnorm_ok"
_WARNING = StructType([StructField(name, StringType(), False) for name in ("code", "path", "message")])
_ADDED: Final = StructType(
    [
        StructField(_OK, BooleanType(), False),
        *(StructField(name, StringType(), True) for name in ORDER_COLUMNS[:-1]),
        StructField(ORDER_COLUMNS[-1], ArrayType(_WARNING, False), True),
        *(StructField(name, StringType(), True) for name in REJECTION_COLUMNS),
    ]
)


def normalize_dataframe(
    df: DataFrame,
    payload_col: str = "payload",
    *,
    source: str | Adapter | None = None,
    observed_at: datetime | None = None,
    limits: Limits | None = DEFAULT_LIMITS,
    storage_level: StorageLevel | None = None,
    **options: Any,
) -> tuple[DataFrame, DataFrame]:
    """
    Normalize every payload of ``df``; return ``(orders, rejections)``, two lazy DataFrames.

    ``orders`` has the input's columns except ``payload_col``, then `ORDER_COLUMNS
    <cartnorm.integrations.ORDER_COLUMNS>`: ``order`` (the Trackstar JSON text, exactly as
    `cartnorm.dumps` writes it), ``order_id``, ``status``, ``currency``, ``source`` and
    ``warnings`` (an array of ``code``/``path``/``message`` structs). ``rejections`` has all of
    the input's columns, the original payload included, then ``path``, ``error`` and
    ``message``. Keep an id column in ``df`` to match output rows to input rows.

    Every input row becomes exactly one output row, in one of the two, so counts reconcile:
    ``df.count() == orders.count() + rejections.count()``.

    ``source``, ``limits`` and ``options`` mean what they mean for `cartnorm.normalize_many`.
    ``observed_at`` (default: now) is pinned here, on the driver, so every worker stamps the
    same time and the rows equal those `cartnorm.normalize_many` gives with that time.

    Both results come from one plan. Without ``storage_level``, each action on either of them
    normalizes the input again (with the same result): writing both is two passes. With
    ``storage_level`` (``StorageLevel.MEMORY_AND_DISK``, say) the normalized rows are persisted
    at that level by the first action, and the other output reads them from there: one pass.
    Those blocks stay until evicted, ``spark.catalog.clearCache()``, or the application ends.

    Raises:
        cartnorm.ConfigurationError: no such column, a payload column that is neither string
            nor binary, an input column named like an added one, an unknown ``source``, or a
            naive ``observed_at``.
    """
    job = Job.create(source, observed_at, options, limits)
    reserved_columns(df.columns, payload_col, _ADDED.fieldNames())
    payload_type = df.schema[payload_col].dataType
    if not isinstance(payload_type, (StringType, BinaryType)):
        msg = f"column {payload_col!r} must hold JSON text (string or binary), not {payload_type.simpleString()}"
        raise ConfigurationError(msg)
    schema = StructType([*df.schema.fields, *_ADDED.fields])
    combined = df.mapInArrow(functools.partial(_normalize_batches, job=job, payload_col=payload_col), schema)
    if storage_level is not None:
        combined = combined.persist(storage_level)
    kept = [_column(name) for name in df.columns if name != payload_col]
    orders = combined.where(F.col(_OK)).select(*kept, *map(_column, ORDER_COLUMNS))
    rejections = combined.where(~F.col(_OK)).select(*map(_column, df.columns), *map(_column, REJECTION_COLUMNS))
    return orders, rejections


def _column(name: str) -> Column:
    return F.col("`" + name.replace("`", "``") + "`")


def _normalize_batches(batches: Iterator[Any], *, job: Job, payload_col: str) -> Iterator[Any]:
    """Runs on a worker: one partition's Arrow batches in, the same rows plus `_ADDED` out."""
    position = 0
    for batch in batches:
        added: dict[str, list[Any]] = {name: [] for name in _ADDED.fieldNames()}
        texts = batch.column(payload_col).to_pylist()
        for outcome in outcomes(texts, job, position):
            added[_OK].append(outcome.ok)
            if isinstance(outcome, Accepted):
                row: tuple[Any, ...] = (*order_row(outcome), warning_rows(outcome), None, None, None)
            else:
                row = (None, None, None, None, None, None, outcome.path, outcome.error, outcome.message)
            for name, value in zip(ORDER_COLUMNS + REJECTION_COLUMNS, row, strict=True):
                added[name].append(value)
        position += len(texts)
        columns = list(batch.columns)
        # Only rejections keep the payload: drop it from orders before it goes back to the JVM.
        payload = batch.schema.get_field_index(payload_col)
        ok = pa.array(added[_OK], pa.bool_())
        columns[payload] = pc.if_else(ok, pa.scalar(None, columns[payload].type), columns[payload])
        arrays = [*columns, *(pa.array(added[field.name], _arrow_type(field)) for field in _ADDED.fields)]
        names = [*batch.schema.names, *_ADDED.fieldNames()]
        yield pa.RecordBatch.from_arrays(arrays, names=names)


@functools.cache
def _arrow_types() -> dict[str, Any]:
    warning = pa.struct([pa.field(name, pa.string(), nullable=False) for name in ("code", "path", "message")])
    types = dict.fromkeys(_ADDED.fieldNames(), pa.string())
    types[_OK] = pa.bool_()
    types[ORDER_COLUMNS[-1]] = pa.list_(pa.field("element", warning, nullable=False))
    return types


def _arrow_type(field: StructField) -> Any:
    return _arrow_types()[field.name]


def order_tables(orders: DataFrame, *, money: MoneyType = DEFAULT_MONEY) -> dict[str, DataFrame]:
    """
    The typed tables of ``orders`` (the first result of `normalize_dataframe`), by table name.

    The same tables, columns, types and keys as `cartnorm.to_arrow` (``docs/tables.md``): money
    as ``DecimalType(precision, scale)`` from ``money``, timestamps in UTC, one DataFrame per
    table of `cartnorm.table_schema.TABLES`. ``rejects`` holds the orders that do not fit the
    tables (the input's own rejections are `normalize_dataframe`'s second result). Each table
    reads the orders' Trackstar JSON again: persist ``orders`` (or pass ``storage_level`` to
    `normalize_dataframe`) so the vendor payloads are normalized once. Rows are not merged:
    two snapshots of one order are two rows (see the merge rule in ``docs/tables.md``).
    """
    from ..tables._arrow import arrow_schema  # noqa: PLC0415 - PyArrow is already there (mapInArrow)

    reserved = orders.select(_column("order"), _column("source"), _column("warnings"))
    result = {}
    for table in TABLES:
        schema = arrow_schema(table, money)
        build = functools.partial(_table_batches, name=table.name, money=money)
        result[table.name] = reserved.mapInArrow(build, from_arrow_schema(schema))
    return result


def _table_batches(batches: Iterator[Any], *, name: str, money: MoneyType) -> Iterator[Any]:
    """Runs on a worker: batches of (order, source, warnings) in, one table's rows out."""
    for batch in batches:
        columns = batch.to_pydict()
        rows = zip(columns["order"], columns["source"], columns["warnings"], strict=True)
        yield from getattr(table_batches(rows, money), name).to_batches()
