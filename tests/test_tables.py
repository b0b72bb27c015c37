"""
Typed tables in Arrow: every canonical field a typed column, orders → tables → orders exact,
money exact or refused (never rounded), and the default install free of PyArrow.
"""

from __future__ import annotations

import enum
import itertools
import subprocess
import sys
import types
import typing
from datetime import datetime, timezone
from decimal import Decimal, localcontext

import attrs
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cartnorm
from cartnorm import model
from cartnorm._json import parse_json
from cartnorm.registry import available_adapters
from cartnorm.table_schema import DEFAULT_MONEY, TABLES, Kind, MoneyType, table
from conftest import FIXTURES, REPO
from strategies.canonical import cart_orders, money

OBSERVED = datetime(2026, 1, 1, tzinfo=timezone.utc)

_KINDS = {str: Kind.TEXT, int: Kind.INTEGER, Decimal: Kind.MONEY, datetime: Kind.TIMESTAMP}
_ROWS = {
    "orders": model.CartOrder,
    "line_items": model.LineItem,
    "shipping_groups": model.ShippingGroup,
    "shipping_group_line_items": model.ShippingGroupLineItem,
    "shipments": model.Shipment,
    "shipment_line_items": model.ShipmentLineItem,
}
_NESTED = {"ship_to_address", "bill_to_address", "ship_from_address"}


def _expected_kind(annotation: object) -> Kind:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        (annotation,) = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin is tuple:
        return Kind.JSON if typing.get_args(annotation)[0] is typing.Any else Kind.TEXT_LIST
    if origin is not None:  # Mapping[str, JSONValue]
        return Kind.JSON
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return Kind.TEXT  # statuses are strings
    return _KINDS[annotation]  # type: ignore[index]


@pytest.mark.parametrize("name", list(_ROWS))
def test_every_model_field_is_one_typed_column(name):
    """Each field of the row's model class is one column (addresses flattened), of the right kind and nullability."""
    cls = _ROWS[name]
    wanted = {}
    for field, annotation in typing.get_type_hints(cls).items():
        if field in _NESTED:
            wanted.update({f"{field}.{part}": hint for part, hint in typing.get_type_hints(annotation).items()})
        elif not attrs.has(typing.get_args(annotation)[0] if typing.get_origin(annotation) is tuple else str):
            wanted[field] = annotation  # lists of objects are child tables
    columns = {c.field: c for c in table(name).columns if c.field}
    assert sorted(columns) == sorted(wanted)
    for path, column in columns.items():
        assert column.kind is _expected_kind(wanted[path]), path
        assert column.nullable == (type(None) in typing.get_args(wanted[path])), path


def test_keys_are_named_and_children_carry_the_order_key():
    """Every table has a key made of its own non-null columns; child tables start with (source, order_id)."""
    for schema_table in TABLES:
        assert schema_table.key and all(not schema_table.column(k).nullable for k in schema_table.key)
    assert table("orders").key == ("source", "id")
    for name in ("line_items", "shipping_groups", "shipping_group_line_items", "shipments", "shipment_line_items"):
        assert table(name).key[:2] == ("source", "order_id"), name
    assert table("line_items").key == ("source", "order_id", "line_item_id")
    assert table("shipments").key == ("source", "order_id", "shipment_id")
    with pytest.raises(cartnorm.ConfigurationError, match="no table 'nope'"):
        table("nope")


def _unique_child_keys(order: cartnorm.CartOrder) -> bool:
    def unique(values):
        values = list(values)
        return len(values) == len(set(values))

    return (
        unique(line.line_item_id for line in order.line_items)
        and unique(group.shipping_group_id for group in order.shipping_groups)
        and all(unique(line.line_item_id for line in group.line_items) for group in order.shipping_groups)
        and unique(shipment.shipment_id for shipment in order.shipments)
        and all(unique(part.shipment_line_item_id for part in s.line_items) for s in order.shipments)
    )


@given(st.lists(cart_orders(max_line_items=3), max_size=4, unique_by=lambda order: order.id))
def test_orders_tables_orders_round_trip(orders):
    """Every field, decimal and timestamp comes back equal; orders with a duplicate child key are rejects."""
    tables = cartnorm.to_arrow(orders, source="gen")
    kept = [order for order in orders if _unique_child_keys(order)]
    assert tables.num_orders == len(kept)
    assert tables.rejects.num_rows == len(orders) - len(kept)
    assert cartnorm.from_arrow(tables) == kept
    for name, arrow_table in tables.items():
        assert arrow_table.schema.metadata[b"cartnorm.key"] == ",".join(table(name).key).encode()
    assert all(path.endswith("_id") for path in tables.rejects.column("path").to_pylist())


def test_round_trip_of_real_orders_keeps_money_at_its_currency_exponent():
    """The shipped samples come back equal, and their JSON identical where the amounts were written at the exponent."""
    lines = (FIXTURES / "samples" / "orders.jsonl").read_text().splitlines()
    results = list(cartnorm.normalize_many((parse_json(line) for line in lines), observed_at=OBSERVED))
    latest = {}
    for result in results:
        if result.ok:
            latest[(result.source, result.order.id)] = result
    tables = cartnorm.to_arrow(latest.values())
    back = cartnorm.from_arrow(tables)
    assert back == [result.order for result in latest.values()]
    assert cartnorm.dumps(back[0]) == cartnorm.dumps(next(iter(latest.values())).order)
    assert tables.warnings.num_rows == sum(len(r.warnings) for r in latest.values())


amounts = money(min_value=-(10**20), max_value=10**20) | st.builds(
    lambda digits, exponent: Decimal((0, tuple(digits), exponent)),
    st.lists(st.integers(0, 9), min_size=1, max_size=25),
    st.integers(-25, 5),
)


def _fits(value: Decimal, precision: int, scale: int) -> bool:
    """The reference: an exact DECIMAL(p, s) holds ``value`` iff scaling by 10**s gives an integer below 10**p."""
    with localcontext() as context:
        context.prec = 100
        units = value.scaleb(scale)
        return units == units.to_integral_value() and abs(units) < Decimal(10) ** precision


_PLAIN_ORDER = cartnorm.from_trackstar(parse_json((FIXTURES / "trackstar" / "full_order.payload.json").read_bytes()))


@given(amounts, st.integers(1, 38), st.data())
def test_money_is_exact_or_refused_never_rounded(amount, precision, data):
    """An amount the type holds comes back equal; any other makes the order a reject naming its path."""
    scale = data.draw(st.integers(0, precision))
    order = attrs.evolve(
        _PLAIN_ORDER, total_tax=amount, total_price=None, total_discount=None, total_shipping=None, line_items=()
    )
    tables = cartnorm.to_arrow([order], source="gen", money=MoneyType(precision, scale))
    if _fits(amount, precision, scale):
        assert tables.rejects.num_rows == 0
        assert tables.orders.column("total_tax").to_pylist() == [amount]
        assert cartnorm.from_arrow(tables)[0].total_tax == amount
    else:
        (reject,) = tables.rejects.to_pylist()
        assert tables.num_orders == 0
        assert (reject["path"], reject["error"]) == ("$.total_tax", "MoneyError")
        assert f"DECIMAL({precision},{scale})" in reject["message"]
        assert cartnorm.loads(reject["record"]) == order  # the order, whole


@given(st.lists(st.none() | amounts, max_size=12), st.integers(1, 38), st.data())
def test_money_columns_hold_the_amounts_pyarrow_would(values, precision, data):
    """Money arrays built from the amounts' bytes equal PyArrow's own conversion: nulls, signs, repeats, any type."""
    from cartnorm.tables._arrow import _Money

    scale = data.draw(st.integers(0, precision))
    fitting = [v for v in values if v is None or _fits(v, precision, scale)]
    column = _Money(MoneyType(precision, scale))
    fitted = tuple(None if v is None else column.fit(v, "$.x") for v in fitting + fitting)  # each twice: cached
    arrow_type = pa.decimal128(precision, scale)
    built = column.array(fitted, arrow_type)
    built.validate(full=True)
    assert built.equals(pa.array(fitted, type=arrow_type))
    assert built.to_pylist() == list(fitted)


def test_default_money_type_holds_every_amount_of_the_real_fixtures():
    """Every adapter's fixtures (Medusa v2's BigNumbers beyond cents among them): nothing refused by DECIMAL(38,20)."""
    results = []
    for name in available_adapters():  # by name: the trackstar source is never detected
        directory = FIXTURES / name
        assert directory.is_dir(), directory  # a vendor without fixtures: say so
        payloads = (parse_json(path.read_bytes()) for path in sorted(directory.glob("*.payload.json")))
        converted = [r for r in cartnorm.normalize_many(payloads, name, observed_at=OBSERVED) if r.ok]
        assert converted, name
        results += converted
    amounts = [
        value
        for r in results
        for value in (r.order.total_price, r.order.total_tax, *(line.unit_price for line in r.order.line_items))
        if value is not None
    ]
    assert max(-value.as_tuple().exponent for value in amounts) >= 8  # v2 amounts beyond cents are in there
    tables = cartnorm.to_arrow(results, money=DEFAULT_MONEY)
    assert tables.rejects.num_rows == 0 and tables.num_orders == len(results)


def test_arrow_batches_stream_every_record_once():
    """Batches are built as records arrive (an endless input still yields), each record in exactly one batch."""
    lines = (FIXTURES / "samples" / "orders.jsonl").read_text().splitlines()
    endless = cartnorm.normalize_many((parse_json(line) for line in itertools.cycle(lines)), observed_at=OBSERVED)
    batches = cartnorm.arrow_batches(endless, batch_size=5)
    taken = [next(batches) for _ in range(4)]
    assert [b.num_orders + b.rejects.num_rows for b in taken] == [5, 5, 5, 5]
    assert [b.rejects.column("position").to_pylist() for b in taken] == [[], [], [10, 12], []]  # the two bad samples
    assert all(b.orders.schema == taken[0].orders.schema for b in taken)
    with pytest.raises(cartnorm.ConfigurationError, match="batch_size"):
        next(cartnorm.arrow_batches([], batch_size=0))
    with pytest.raises(cartnorm.ConfigurationError, match="pass source='medusa'"):
        cartnorm.to_arrow([_PLAIN_ORDER])
    with pytest.raises(cartnorm.ConfigurationError, match="normalize_many results, got dict"):
        cartnorm.to_arrow([{}], source="medusa")


def test_text_arrow_cannot_hold_is_a_reject_with_its_path():
    """A lone surrogate (only `limits=None` lets one through) makes its order a reject, the others stay."""
    document = parse_json((FIXTURES / "trackstar" / "full_order.payload.json").read_bytes())
    good = cartnorm.from_trackstar(document)
    bad = attrs.evolve(good, id="other", carrier_name="\ud800")
    tables = cartnorm.to_arrow([good, bad], source="trackstar")
    assert tables.orders.column("id").to_pylist() == [good.id]
    (reject,) = tables.rejects.to_pylist()
    assert reject["path"] == "$.carrier_name" and reject["position"] == 1


def test_money_type_is_checked():
    """A money type Arrow cannot have is a configuration error, and --decimal reads P,S."""
    assert MoneyType.parse("decimal(18, 4)") == MoneyType(18, 4)
    for bad in ("38", "x,y", "39,2", "10,11", "0,0"):
        with pytest.raises(cartnorm.ConfigurationError):
            MoneyType.parse(bad)


def test_importing_cartnorm_does_not_import_pyarrow():
    """The default install stays light: tables are imported on first use."""
    code = (
        "import sys, cartnorm; cartnorm.Tables\n"
        "print(sorted(m for m in ('pyarrow', 'duckdb', 'dlt') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("hidden", "call", "extra"),
    [
        ("pyarrow", "cartnorm.to_arrow([])", "tables"),
        ("duckdb", "cartnorm.tables.sinks.open_sink('duckdb:x.duckdb')", "tables"),
        ("dlt", "import cartnorm.integrations.dlt", "dlt"),
    ],
)
def test_a_missing_extra_is_one_line_naming_it(hidden, call, extra, tmp_path):
    """Without the extra, the error is one line that says what to install."""
    code = f"import sys; sys.modules[{hidden!r}] = None\nimport cartnorm, cartnorm.tables.sinks\n{call}"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=tmp_path)
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("cartnorm.errors.MissingDependencyError") and f"pip install 'cartnorm[{extra}]'" in last
    cli = (
        f"import sys; sys.modules[{hidden!r}] = None\nfrom cartnorm.cli import main\n"
        "sys.exit(main(['normalize', '--to', 'duckdb:x.duckdb', '-']))"
    )
    if hidden != "dlt":
        result = subprocess.run(
            [sys.executable, "-c", cli], capture_output=True, text=True, input="", check=False, cwd=tmp_path
        )
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and "pip install 'cartnorm[tables]'" in result.stderr


def test_tables_are_arrow_tables_with_the_schema_types():
    """Money is decimal128, timestamps timestamp[us, tz=UTC], statuses strings, JSON columns text."""
    document = parse_json((FIXTURES / "trackstar" / "full_order.payload.json").read_bytes())
    tables = cartnorm.to_arrow([cartnorm.from_trackstar(document)], source="trackstar")
    schema = tables.orders.schema
    assert schema.field("total_price").type == pa.decimal128(38, 20)
    assert schema.field("created_date").type == pa.timestamp("us", tz="UTC")
    assert schema.field("status").type == pa.string() and schema.field("tags").type == pa.list_(pa.string())
    assert parse_json(tables.orders.column("additional_fields")[0].as_py()) == document["additional_fields"]
    assert tables.orders.column("ship_to_city").to_pylist() == [document["ship_to_address"]["city"]]
