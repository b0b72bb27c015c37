"""
Building the Arrow tables of `cartnorm.table_schema` from orders, and orders back from them.

Rows are flattened in Python into one list per column, then each column becomes one Arrow
array (PyArrow converts the lists in C). Money is checked as it is flattened: an amount that
the `MoneyType` cannot hold exactly is a `MoneyError` naming its path in the Trackstar order,
and the whole order becomes a reject; nothing is rounded.
"""

from __future__ import annotations

import functools
import hashlib
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timezone
from decimal import Decimal, localcontext
from typing import Any, Final

from .._json import DOCUMENT_LIMITS, encode_json, encode_json_utf8, parse_json
from .._paths import ROOT, child
from ..adapter import DataWarning
from ..codec import dumps
from ..errors import ConfigurationError, MissingDependencyError, MoneyError, PayloadError
from ..etl import Accepted, Rejection
from ..limits import is_valid_text
from ..model import (
    BillToAddress,
    CartOrder,
    LineItem,
    OrderStatus,
    ShipFromAddress,
    Shipment,
    ShipmentLineItem,
    ShipmentStatus,
    ShippingGroup,
    ShippingGroupLineItem,
    ShipToAddress,
)
from ..money import ISO_4217_MINOR_UNITS
from ..table_schema import (
    LINE_ITEMS,
    ORDERS,
    REJECTS,
    SHIPMENT_LINE_ITEMS,
    SHIPMENTS,
    SHIPPING_GROUP_LINE_ITEMS,
    SHIPPING_GROUPS,
    TABLES,
    WARNINGS,
    Kind,
    MoneyType,
    Table,
)
from . import Tables

try:
    import pyarrow as pa
except ImportError as error:  # pragma: no cover - exercised by a test that hides pyarrow
    msg = f"cartnorm's tables need PyArrow ({error}): pip install 'cartnorm[tables]'"
    raise MissingDependencyError(msg) from error

__all__ = [
    "OrderRows",
    "TableBuilder",
    "arrow_schema",
    "arrow_type",
    "build_all",
    "build_batches",
    "feed",
    "rebuild",
    "record_text",
    "rows_size",
]

_UTC: Final = timezone.utc


def arrow_type(kind: Kind, money: MoneyType) -> Any:
    """The Arrow type of a column of ``kind``."""
    if kind is Kind.MONEY:
        return pa.decimal128(money.precision, money.scale)
    return _FIXED_TYPES()[kind]


@functools.cache
def _FIXED_TYPES() -> dict[Kind, Any]:  # noqa: N802 - a constant, built on first use
    return {
        Kind.TEXT: pa.string(),
        Kind.INTEGER: pa.int64(),
        Kind.TIMESTAMP: pa.timestamp("us", tz="UTC"),
        Kind.JSON: pa.string(),
        Kind.TEXT_LIST: pa.list_(pa.string()),
    }


@functools.cache
def arrow_schema(table: Table, money: MoneyType) -> Any:
    """The Arrow schema of ``table``: types, nullability, and the key and JSON columns as metadata."""
    fields = [
        pa.field(
            column.name,
            arrow_type(column.kind, money),
            nullable=column.nullable,
            metadata={"cartnorm.kind": "json"} if column.kind is Kind.JSON else None,
        )
        for column in table.columns
    ]
    return pa.schema(fields, metadata={"cartnorm.table": table.name, "cartnorm.key": ",".join(table.key)})


# --- flattening -------------------------------------------------------------------------------


class _BadText(Exception):  # noqa: N818 - private, turned into a PayloadError with its path
    """A string that is not valid Unicode (a lone surrogate): Arrow's UTF-8 cannot hold it."""

    def __init__(self, field: str, where: str) -> None:
        self.field, self.where = field, where


def _bad_text(field: str, where: str) -> Any:
    raise _BadText(field, where)


#: The generated functions' arguments after the item(s): the path of the item or list, the money
#: check (`_Money.fit`) and its cache of amounts that fit, the JSON writer, the text checks.
_ARGUMENTS: Final = ("path", "fit", "known", "encode", "ok", "bad")


def _rows_function(table: Table) -> Callable[..., Any]:
    """
    A function that reads the rows of ``table`` from model objects, generated once per table.

    For ``orders`` it takes one order and returns its row; for the other tables a list of model
    objects (the order's line items, one shipment's line items, ...) and returns their rows, in
    one list comprehension. One tuple display per row instead of a loop over the columns: a
    typical order is a dozen rows and two hundred values, and a per-column or per-row function
    call cost more than the values. Tuples of plain values are soon untracked by the garbage
    collector, which then does not walk a batch's rows again and again. The columns a writer adds
    (``source``, ``order_id``, a parent's id) are arguments, ``position`` is the index in the
    list. Text is checked for lone surrogates (``isascii`` first: one C call); money is looked up
    in ``known`` (amounts already checked, by text) before ``fit`` checks it; the path of a value is only
    written when it is wrong. The generated source reads, for ``line_items``::

        def rows_line_items(items, path, fit, known, encode, ok, bad, source, order_id):
            return [(source, order_id,
                     (v2 if (v2 := item.line_item_id).isascii() or ok(v2)
                      else bad('line_item_id', f'{path}[{position}]')),
                     position, ...,
                     (None if (v9 := item.unit_price) is None else known[m] if (m := str(v9)) in known
                      else fit(v9, f'{path}[{position}]' + '.unit_price')), ...)
                    for position, item in enumerate(items)]
    """
    one = not table.rows  # orders: one row per order
    where = "path" if one else "f'{path}[{position}]'"
    values, added = [], []
    for index, column in enumerate(table.columns):
        read, v = f"item.{column.field}", f"v{index}"
        if not column.field:
            values.append(column.name)
            if column.name != "position":
                added.append(column.name)
        elif column.kind is Kind.MONEY:
            values.append(
                f"(None if ({v} := {read}) is None else known[m] if (m := str({v})) in known "
                f"else fit({v}, {where} + {'.' + column.field!r}))"
            )
        elif column.kind is Kind.JSON:
            values.append(f"(None if ({v} := {read}) is None else encode({v}))")
        elif column.kind is Kind.TEXT_LIST:
            values.append(f"[t if t.isascii() or ok(t) else bad({column.field!r}, {where}) for t in {read}]")
        elif column.name == "status":
            values.append(f"{read}.value")
        elif column.kind is Kind.TEXT:
            empty = f"({v} := {read}) is None or " if column.nullable else f"({v} := {read}).isascii() or "
            check = f"{v}.isascii() or ok({v})" if column.nullable else f"ok({v})"
            values.append(f"({v} if {empty}{check} else bad({column.field!r}, {where}))")
        else:
            values.append(read)
    row = f"({', '.join(values)},)"
    parameters = ", ".join(("item" if one else "items", *_ARGUMENTS, *added))
    body = row if one else f"[{row} for position, item in enumerate(items)]"
    source = f"def rows_{table.name}({parameters}):\n    return {body}\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<cartnorm rows {table.name}>", "exec"), namespace)  # noqa: S102 - our own template
    return namespace[f"rows_{table.name}"]  # type: ignore[no-any-return]


_ROWS_OF: Final = {table.name: _rows_function(table) for table in TABLES if table not in (WARNINGS, REJECTS)}
_ORDER_ROW: Final = _ROWS_OF[ORDERS.name]
_LINE_ROWS: Final = _ROWS_OF[LINE_ITEMS.name]
#: The lists of an order with lists of their own: (table, its key, rows of its items' line items, their key).
_NESTED: Final = (
    (SHIPPING_GROUPS, "shipping_group_id", SHIPPING_GROUP_LINE_ITEMS, "line_item_id"),
    (SHIPMENTS, "shipment_id", SHIPMENT_LINE_ITEMS, "shipment_line_item_id"),
)
#: Where each table's rows are in `OrderRows` (and in the builder's lists): TABLES order.
_SLOT: Final = {table.name: index for index, table in enumerate(TABLES)}

#: The rows of one order, one list per table in `TABLES` order (``rejects`` empty): what
#: `TableBuilder.rows` returns and `TableBuilder.add_rows` takes.
OrderRows = tuple[list[tuple[Any, ...]], ...]

_ORDER_JSON: Final = tuple(index for index, column in enumerate(ORDERS.columns) if column.kind is Kind.JSON)
#: What `rows_size` counts for a row besides an order's JSON text (its other values, in Arrow).
_ROW_BYTES: Final = 256


def rows_size(rows: OrderRows) -> int:
    """About how many bytes ``rows`` take in Arrow: the order's JSON text (most of it), and a flat rate per row."""
    (order,) = rows[0]
    return sum(len(order[index] or b"") for index in _ORDER_JSON) + _ROW_BYTES * sum(map(len, rows))


_KNOWN_AMOUNTS: Final = 1 << 14
_NO_AMOUNT: Final = bytes(16)  # the bytes under a null


class _Money:
    """Checks that an amount fits a `MoneyType` exactly, and gives it in a form PyArrow takes."""

    __slots__ = ("known", "precision", "scale", "type", "unscaled")

    def __init__(self, money: MoneyType) -> None:
        self.type, self.precision, self.scale = money, money.precision, money.scale
        # Amounts that fit, by their text (exact: it has every digit and the exponent). Prices repeat
        # across orders; the lookup costs a fifth of the check, and a fifth of hashing a new Decimal.
        # Rows get the object stored here, so that amounts repeat as objects too, whose hash Python
        # then computes once.
        self.known: dict[str, Decimal] = {}
        # Those amounts as Arrow stores them: the value * 10**scale as 16 bytes, little-endian two's
        # complement (PyArrow reads a Decimal object through its digit tuple, several times the cost).
        self.unscaled: dict[Decimal, bytes] = {}

    def array(self, values: tuple[Decimal | None, ...], arrow_type: Any) -> Any:
        """An Arrow ``decimal128`` array of amounts that `fit` (or None), built from their bytes."""
        if not values:
            return pa.array([], type=arrow_type)
        known, convert = self.unscaled, self._unscaled
        data = b"".join([_NO_AMOUNT if v is None else known[v] if v in known else convert(v) for v in values])
        nulls = values.count(None)
        valid = pa.array([v is not None for v in values], type=pa.bool_()).buffers()[1] if nulls else None
        return pa.Array.from_buffers(arrow_type, len(values), [valid, pa.py_buffer(data)], null_count=nulls)

    def _unscaled(self, value: Decimal) -> bytes:
        sign, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int) and exponent >= -self.scale  # a value `fit` returned
        unscaled: int = int("".join(map(str, digits))) * 10 ** (self.scale + exponent)
        data = (-unscaled if sign else unscaled).to_bytes(16, "little", signed=True)
        if len(self.unscaled) >= _KNOWN_AMOUNTS:
            self.unscaled.clear()
        self.unscaled[value] = data
        return data

    def fit(self, value: Decimal, path: str) -> Decimal:
        """``value`` as the column holds it (one object per amount, shared by its rows), or a `MoneyError`."""
        text = str(value)
        known = self.known.get(text)
        if known is not None:
            return known
        fitted = self._fit(value, path)
        if len(self.known) >= _KNOWN_AMOUNTS:
            self.known.clear()
        self.known[text] = fitted
        return fitted

    def _fit(self, value: Decimal, path: str) -> Decimal:
        sign, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)  # the model holds finite Decimals only
        scale = self.scale
        if -scale <= exponent <= 0 and len(digits) + exponent + scale <= self.precision:
            return value  # the usual case
        if exponent < -scale:  # more decimals than the column has: only zeros may go
            extra = -scale - exponent
            if any(digits[-extra:]):
                raise self._refuse(value, path, f"at most {scale} decimal places")
            digits, exponent = digits[:-extra] or (0,), -scale
        elif exponent > 0:
            digits, exponent = digits + (0,) * exponent, 0
        if len(digits) + exponent + scale > self.precision and any(digits):
            raise self._refuse(value, path, f"at most {self.type.integer_digits} digits before the decimal point")
        return Decimal((sign, digits, exponent))

    def _refuse(self, value: Decimal, path: str, limit: str) -> MoneyError:
        return MoneyError(
            path,
            value,
            f"an amount that {self.type.sql} holds exactly ({limit})",
            hint="Nothing is rounded: choose a wider money type (--decimal P,S; money=MoneyType(p, s)).",
        )


def _duplicate(path: str, key: str, value: str, first: str, table: str) -> PayloadError:
    return PayloadError(
        child(path, key),
        value,
        f"a {key} unique within its list (it is part of the key of table {table}; {first} has the same)",
        hint="The order cannot be written as rows: fix the ids upstream, or keep it as JSON.",
    )


def _check_unique(items: Any, key: str, path: str, table: Table) -> None:
    """Raise for the first item of ``items`` whose ``key`` an earlier one has."""
    if len(items) < 2:
        return
    values = [getattr(item, key) for item in items]
    if len(set(values)) == len(values):
        return
    seen: dict[str, str] = {}
    for index, value in enumerate(values):
        where = f"{path}[{index}]"
        if value in seen:
            raise _duplicate(where, key, value, seen[value], table.name)
        seen[value] = where


class TableBuilder:
    """
    Collects the rows of many orders, table by table, and builds `Tables` from them.

    `add_order` adds one order and its child rows, or (when it does not fit) one reject;
    `add_rejection` adds a reject. `build` returns the tables and starts empty again.
    """

    def __init__(self, money: MoneyType) -> None:
        self.money = money
        self._money = _Money(money)
        self._rows: list[list[tuple[Any, ...]]] = []
        self._pending = 0
        self.size = 0
        self._reset()

    def _reset(self) -> None:
        self._rows = [[] for _ in TABLES]
        self._pending = 0
        self.size = 0  # about how many bytes the rows take in Arrow (`rows_size`, and rejects' text)

    def __len__(self) -> int:
        """How many records (orders and rejects) were added since the last `build`."""
        return self._pending

    def rows(self, order: CartOrder, source: str | None, warnings: Iterable[DataWarning]) -> OrderRows:
        """
        The rows of ``order``, one list per table in `TABLES` order, checked but not added.

        Raises `MoneyError` for an amount the money type cannot hold exactly, `PayloadError` for
        two rows of one child table with the same key, or text that is not valid Unicode.
        """
        money = self._money
        tools = (money.fit, money.known, encode_json_utf8, is_valid_text, _bad_text)
        order_id = order.id
        try:
            orders = [_ORDER_ROW(order, ROOT, *tools, source)]
            lines = order.line_items
            _check_unique(lines, "line_item_id", "$.line_items", LINE_ITEMS)
            rows: list[list[tuple[Any, ...]]] = [orders, _LINE_ROWS(lines, "$.line_items", *tools, source, order_id)]
            for table, key, inner, inner_key in _NESTED:
                items = getattr(order, table.name)
                path = f"$.{table.name}"
                _check_unique(items, key, path, table)
                rows.append(_ROWS_OF[table.name](items, path, *tools, source, order_id) if items else [])
                nested: list[tuple[Any, ...]] = []
                for index, item in enumerate(items):
                    if item.line_items:
                        where = f"{path}[{index}].line_items"
                        _check_unique(item.line_items, inner_key, where, inner)
                        parent = getattr(item, key)
                        nested += _ROWS_OF[inner.name](item.line_items, where, *tools, source, order_id, parent)
                rows.append(nested)
        except _BadText as bad:
            where = child(bad.where, bad.field) if "." not in bad.field else bad.where + "." + bad.field
            raise PayloadError(where, "text with a lone surrogate", "valid Unicode text (tables hold UTF-8)") from None
        # TABLES order: orders, line_items, shipping_groups, their line items, shipments, theirs, warnings, rejects
        found = [(source, order_id, index, w.code, w.path, w.message) for index, w in enumerate(warnings)]
        return (*rows, found, [])

    def add_order(
        self,
        order: CartOrder,
        source: str | None,
        warnings: Iterable[DataWarning] = (),
        *,
        position: int = 0,
        record: Any = None,
        input_name: str | None = None,
        line: int | None = None,
    ) -> Rejection | None:
        """
        Add ``order`` and its child rows; return None, or the `Rejection` it became instead.

        ``record`` is what a reject keeps (default: the order's Trackstar JSON); ``position``,
        ``input_name`` and ``line`` say where it came from.
        """
        try:
            rows = self.rows(order, source, warnings)
        except PayloadError as error:
            rejection = Rejection.from_error(position, record if record is not None else dumps(order), error)
            self.add_rejection(rejection, input_name=input_name, line=line)
            return rejection
        self.add_rows(rows)
        return None

    def add_rows(self, rows: OrderRows) -> None:
        """Add one order's rows, as `rows` gave them."""
        for table, values in zip(self._rows, rows, strict=True):
            table.extend(values)
        self._pending += 1
        self.size += rows_size(rows)

    def add_rejection(self, rejection: Rejection, *, input_name: str | None = None, line: int | None = None) -> None:
        """Add one reject row (the record whole, its text or exact JSON, and why)."""
        text = record_text(rejection.record)
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        row = (digest, text, rejection.path, rejection.error, rejection.message, input_name, line, rejection.position)
        self._rows[_SLOT[REJECTS.name]].append(row)
        self._pending += 1
        self.size += len(text) + _ROW_BYTES

    def build(self) -> Tables:
        """The tables of everything added since the last `build`; the builder starts empty again."""
        rows = self._rows
        built = {table.name: _table(table, values, self._money) for table, values in zip(TABLES, rows, strict=True)}
        tables = Tables(**built)
        self._reset()
        return tables


def _table(table: Table, rows: list[tuple[Any, ...]], money: _Money) -> Any:
    schema = arrow_schema(table, money.type)
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    arrays = [
        money.array(column, field.type) if kind is Kind.MONEY else pa.array(column, type=field.type)
        for column, field, kind in zip(columns, schema, (c.kind for c in table.columns), strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def record_text(record: Any) -> str:
    """A rejected record as text: as read when it is text, else its exact JSON."""
    if isinstance(record, str):
        return record
    if isinstance(record, bytes):
        return record.decode("utf-8", "replace")
    try:
        return encode_json(record)
    except (TypeError, ValueError):
        return repr(record)


# --- batches ----------------------------------------------------------------------------------


def feed(builder: TableBuilder, position: int, item: Any, source: str | None) -> None:
    """Add a `CartOrder` (with ``source``), an `Accepted` or a `Rejection` to ``builder``."""
    if isinstance(item, Accepted):
        builder.add_order(item.order, item.source, item.warnings, position=item.position)
    elif isinstance(item, Rejection):
        builder.add_rejection(item)
    elif isinstance(item, CartOrder):
        if source is None:
            msg = (
                "a CartOrder does not say which adapter read it, and source is part of every table's key: "
                "pass source='medusa' (or the adapter's name), or give normalize_many's results instead"
            )
            raise ConfigurationError(msg)
        builder.add_order(item, source, position=position)
    else:
        msg = f"to_arrow takes CartOrder objects or normalize_many results, got {type(item).__name__}"
        raise ConfigurationError(msg)


def build_all(items: Iterable[Any], *, source: str | None, money: MoneyType) -> Tables:
    """Every item in one `Tables`."""
    builder = TableBuilder(money)
    for position, item in enumerate(items):
        feed(builder, position, item, source)
    return builder.build()


def build_batches(items: Iterable[Any], *, batch_size: int, source: str | None, money: MoneyType) -> Iterator[Tables]:
    """`Tables` per ``batch_size`` items."""
    if type(batch_size) is not int or batch_size < 1:
        msg = f"batch_size must be a positive integer, got {batch_size!r}"
        raise ConfigurationError(msg)
    builder = TableBuilder(money)
    for position, item in enumerate(items):
        feed(builder, position, item, source)
        if len(builder) >= batch_size:
            yield builder.build()
    if len(builder):
        yield builder.build()


# --- back to orders ---------------------------------------------------------------------------


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(_UTC)


def _amount(value: Decimal | None, exponent: int | None) -> Decimal | None:
    """``value`` at the currency's exponent when that is exact, else with the decimals it needs."""
    if value is None:
        return None
    with localcontext() as context:
        context.prec = 80
        if exponent is not None:
            shown = value.quantize(Decimal(1).scaleb(-exponent))
            if shown == value:
                return shown
        shown = value.normalize()
        _, _, power = shown.as_tuple()
        return shown.quantize(Decimal(1)) if isinstance(power, int) and power > 0 else shown


def _grouped(rows: list[dict[str, Any]]) -> dict[tuple[Any, Any], list[dict[str, Any]]]:
    groups: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["source"], row["order_id"]), []).append(row)
    for group in groups.values():
        group.sort(key=operator.itemgetter("position"))
    return groups


def _fields(table: Table, row: Mapping[str, Any], exponent: int | None) -> dict[str, Any]:
    """The model fields of ``row`` (nested addresses as dicts of their own)."""
    values: dict[str, Any] = {}
    for column in table.columns:
        if not column.field:
            continue
        value = row[column.name]
        if column.kind is Kind.TIMESTAMP:
            value = _utc(value)
        elif column.kind is Kind.MONEY:
            value = _amount(value, exponent)
        elif column.kind is Kind.JSON:
            value = None if value is None else parse_json(value, limits=DOCUMENT_LIMITS)
        elif column.kind is Kind.TEXT_LIST:
            value = tuple(value)
        head, dot, tail = column.field.partition(".")
        if dot:
            values.setdefault(head, {})[tail] = value
        else:
            values[head] = value
    return values


def rebuild(tables: Tables) -> list[CartOrder]:
    """The orders of ``tables``, in the order of their rows."""
    children = {
        name: _grouped(getattr(tables, name).to_pylist())
        for name in ("line_items", "shipping_groups", "shipping_group_line_items", "shipments", "shipment_line_items")
    }
    orders = []
    seen: set[tuple[Any, Any]] = set()
    for row in tables.orders.to_pylist():
        key = (row["source"], row["id"])
        if key in seen:
            msg = f"the orders table holds order {row['id']!r} of source {row['source']!r} twice: keep one per key"
            raise ConfigurationError(msg)
        seen.add(key)
        exponent = ISO_4217_MINOR_UNITS.get(row["invoice_currency_code"].upper())
        fields = _fields(ORDERS, row, exponent)
        fields["status"] = OrderStatus(fields["status"])
        fields["ship_to_address"] = ShipToAddress(**fields["ship_to_address"])
        fields["bill_to_address"] = BillToAddress(**fields["bill_to_address"])
        fields["line_items"] = tuple(
            LineItem(**_fields(LINE_ITEMS, line, exponent)) for line in children["line_items"].get(key, ())
        )
        group_lines = _by_parent(children["shipping_group_line_items"].get(key, ()), "shipping_group_id")
        groups = []
        for group in children["shipping_groups"].get(key, ()):
            values = _fields(SHIPPING_GROUPS, group, exponent)
            values["status"] = ShipmentStatus(values["status"])
            values["line_items"] = tuple(
                ShippingGroupLineItem(**_fields(SHIPPING_GROUP_LINE_ITEMS, line, exponent))
                for line in group_lines.get(group["shipping_group_id"], ())
            )
            groups.append(ShippingGroup(**values))
        fields["shipping_groups"] = tuple(groups)
        parts = _by_parent(children["shipment_line_items"].get(key, ()), "shipment_id")
        shipments = []
        for shipment in children["shipments"].get(key, ()):
            values = _fields(SHIPMENTS, shipment, exponent)
            values["status"] = ShipmentStatus(values["status"])
            values["ship_from_address"] = ShipFromAddress(**values["ship_from_address"])
            values["line_items"] = tuple(
                ShipmentLineItem(**_fields(SHIPMENT_LINE_ITEMS, part, exponent))
                for part in parts.get(shipment["shipment_id"], ())
            )
            shipments.append(Shipment(**values))
        fields["shipments"] = tuple(shipments)
        orders.append(CartOrder(**fields))
    return orders


def _by_parent(rows: Iterable[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    return groups
