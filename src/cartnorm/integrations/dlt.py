"""
A dlt source: vendor order payloads in, Trackstar tables out, merged and incremental.

>>> import dlt                                                          # doctest: +SKIP
>>> from cartnorm.integrations.dlt import trackstar_orders                # doctest: +SKIP
>>> pipeline = dlt.pipeline("shop", destination="duckdb", dataset_name="trackstar")  # doctest: +SKIP
>>> pipeline.run(trackstar_orders(records, source="medusa"))             # doctest: +SKIP

`trackstar_orders` is a ``@dlt.source`` with two resources fed by one pass over the records:

* ``orders``: one nested row per order, the columns of `cartnorm.table_schema`'s ``orders``, with
  its child tables nested (dlt names them ``orders__line_items``, ``orders__shipments``,
  ``orders__shipments__line_items``, ``orders__shipping_groups``,
  ``orders__shipping_groups__line_items`` and ``orders__warnings``; each row also carries the
  schema's own key columns, ``source``, ``order_id``, …). ``primary_key=("source", "id")``,
  ``write_disposition="merge"`` (delete-insert: a newer snapshot replaces the order and *all*
  its nested rows), ``dlt.sources.incremental("updated_date")`` (a snapshot older than the
  newest one already loaded is skipped), and column hints from the same table schema
  (``decimal`` with the `MoneyType`'s precision and scale, ``timestamp`` in UTC).
* ``rejects``: the records that did not become orders, or whose order does not fit the tables,
  with the record text, JSON path and reason; merged on ``record_sha256``.

Needs the ``dlt`` extra: ``pip install 'cartnorm[dlt]'``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from ..adapter import Adapter, observation_time
from ..errors import MissingDependencyError, PayloadError
from ..etl import Accepted, Rejection, normalize_many
from ..limits import DEFAULT_LIMITS, Limits
from ..table_schema import DEFAULT_MONEY, ORDERS, REJECTS, TABLES, Column, Kind, MoneyType, Table, table

try:
    import dlt
    from dlt.sources import DltResource
except ImportError as error:  # pragma: no cover - exercised by a test that hides dlt
    msg = f"cartnorm.integrations.dlt needs dlt ({error}): pip install 'cartnorm[dlt]'"
    raise MissingDependencyError(msg) from error

from ..tables._arrow import OrderRows, TableBuilder

__all__ = ["NESTED_TABLES", "column_hints", "trackstar_orders"]

#: Where each child table of the schema sits inside an ``orders`` row (dlt's nested table path).
NESTED_TABLES: dict[str, tuple[str, ...]] = {
    "line_items": ("line_items",),
    "shipping_groups": ("shipping_groups",),
    "shipping_group_line_items": ("shipping_groups", "line_items"),
    "shipments": ("shipments",),
    "shipment_line_items": ("shipments", "line_items"),
    "warnings": ("warnings",),
}

_DATA_TYPES = {
    Kind.TEXT: "text",
    Kind.INTEGER: "bigint",
    Kind.MONEY: "decimal",
    Kind.TIMESTAMP: "timestamp",
    Kind.JSON: "text",  # JSON text, kept as written (exact decimals)
    Kind.TEXT_LIST: "json",  # a list of strings: one JSON column, not a nested table
}


def _hint(column: Column, money: MoneyType) -> dict[str, Any]:
    hint: dict[str, Any] = {"name": column.name, "data_type": _DATA_TYPES[column.kind], "nullable": column.nullable}
    if column.kind is Kind.MONEY:
        hint.update(precision=money.precision, scale=money.scale)
    elif column.kind is Kind.TIMESTAMP:
        hint.update(timezone=True, precision=6)
    return hint


def column_hints(schema_table: Table, money: MoneyType = DEFAULT_MONEY) -> dict[str, dict[str, Any]]:
    """dlt column hints for every column of ``schema_table`` (types, nullability, decimal precision and scale)."""
    return {column.name: _hint(column, money) for column in schema_table.columns}


_JSON_COLUMNS: dict[str, tuple[str, ...]] = {
    schema_table.name: tuple(column.name for column in schema_table.columns if column.kind is Kind.JSON)
    for schema_table in TABLES
}


def _nested(rows: OrderRows) -> dict[str, Any]:
    """One nested dict per order from its table rows (`TableBuilder.rows`: one list per table, parents first)."""
    named = {
        schema_table.name: [_record(schema_table, values) for values in table_rows]
        for schema_table, table_rows in zip(TABLES, rows, strict=True)
    }
    (order,) = named["orders"]
    groups = {row["shipping_group_id"]: {**row, "line_items": []} for row in named["shipping_groups"]}
    for row in named["shipping_group_line_items"]:
        groups[row["shipping_group_id"]]["line_items"].append(row)
    shipments = {row["shipment_id"]: {**row, "line_items": []} for row in named["shipments"]}
    for row in named["shipment_line_items"]:
        shipments[row["shipment_id"]]["line_items"].append(row)
    order.update(
        line_items=named["line_items"],
        shipping_groups=list(groups.values()),
        shipments=list(shipments.values()),
        warnings=named["warnings"],
    )
    return order


def _record(schema_table: Table, values: tuple[Any, ...]) -> dict[str, Any]:
    """A row as a dict; JSON text as `str` (the builder keeps it as the UTF-8 bytes Arrow takes)."""
    row = dict(zip(schema_table.names, values, strict=True))
    for name in _JSON_COLUMNS.get(schema_table.name, ()):
        if isinstance(row[name], bytes):
            row[name] = row[name].decode("utf-8")
    return row


def _reject_row(rejection: Rejection) -> dict[str, Any]:
    builder = TableBuilder(DEFAULT_MONEY)
    builder.add_rejection(rejection)
    (row,) = builder.build().rejects.to_pylist()
    return row  # type: ignore[no-any-return]


@dlt.source(name="trackstar")  # type: ignore[untyped-decorator]
def trackstar_orders(
    records: Iterable[Any],
    source: str | Adapter | None = None,
    *,
    observed_at: datetime | None = None,
    money: MoneyType = DEFAULT_MONEY,
    incremental: bool = True,
    limits: Limits | None = DEFAULT_LIMITS,
    **options: Any,
) -> tuple[DltResource, DltResource]:
    """
    Normalize ``records`` (vendor payloads, as `cartnorm.normalize_many` takes them) for dlt.

    ``source`` names the adapter (``None``: detected per record); ``observed_at`` (default: now)
    is pinned once for the whole run; ``money`` is the decimal type of every money column.
    With ``incremental=False`` there is no ``updated_date`` cursor: every snapshot is loaded and
    the last one of a key wins, even if it is older (use it for a backlog that is not in
    ``updated_date`` order, then switch back).
    """
    stamp = observation_time(observed_at)
    builder = TableBuilder(money)

    @dlt.resource(name="cartnorm_results", selected=False)  # type: ignore[untyped-decorator]
    def results() -> Iterator[tuple[str, dict[str, Any]]]:
        for outcome in normalize_many(records, source, observed_at=stamp, limits=limits, **options):
            if isinstance(outcome, Accepted):
                try:
                    rows = builder.rows(outcome.order, outcome.source, outcome.warnings)
                except PayloadError as error:
                    from ..codec import dumps  # noqa: PLC0415 - only for the rare refused order

                    yield "reject", _reject_row(Rejection.from_error(outcome.position, dumps(outcome.order), error))
                    continue
                yield "order", _nested(rows)
            else:
                yield "reject", _reject_row(outcome)

    nested_hints = {
        path if len(path) > 1 else path[0]: dlt.mark.make_nested_hints(
            columns=list(column_hints(table(name), money).values())
        )
        for name, path in NESTED_TABLES.items()
    }
    order_columns = column_hints(ORDERS, money)
    order_columns["updated_date"]["dedup_sort"] = "desc"  # two snapshots in one load: the newer wins

    @dlt.transformer(  # type: ignore[untyped-decorator]
        data_from=results,
        name="orders",
        primary_key=list(ORDERS.key),
        write_disposition={"disposition": "merge", "strategy": "delete-insert"},
        columns=list(order_columns.values()),
        nested_hints=nested_hints,
    )
    def orders(item: tuple[str, dict[str, Any]]) -> Iterator[dict[str, Any]]:
        kind, row = item
        if kind == "order":
            yield row

    @dlt.transformer(  # type: ignore[untyped-decorator]
        data_from=results,
        name="rejects",
        primary_key=list(REJECTS.key),
        write_disposition={"disposition": "merge", "strategy": "delete-insert"},
        columns=list(column_hints(REJECTS, money).values()),
    )
    def rejects(item: tuple[str, dict[str, Any]]) -> Iterator[dict[str, Any]]:
        kind, row = item
        if kind == "reject":
            yield row

    if incremental:
        orders.apply_hints(incremental=dlt.sources.incremental("updated_date"))
    return orders, rejects
