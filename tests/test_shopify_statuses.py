"""The Shopify status tables: every documented value of every axis, every combination, a reason each."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cartnorm import OrderStatus, ShipmentStatus
from cartnorm._json import parse_json
from cartnorm.adapters import shopify
from cartnorm.adapters.shopify._statuses import (
    ORDER_AXES,
    ORDER_RULES,
    ORDER_STATUS_TABLE,
    SHIPMENT_AXES,
    SHIPMENT_STATUS_TABLE,
    SHIPPING_GROUP_AXES,
    SHIPPING_GROUP_RULES,
    SHIPPING_GROUP_STATUS_TABLE,
    STATUS_TABLES,
    format_raw_status,
    order_status,
    parse_raw_status,
    shipment_status,
    shipping_group_status,
)
from cartnorm.schema import trackstar_schema
from conftest import FIXTURES

S = OrderStatus
T = ShipmentStatus

# Shopify's documented values, restated here on purpose (REST Order / Fulfillment / FulfillmentOrder
# references, GraphQL OrderDisplayFinancialStatus and FulfillmentEventStatus): the tables must cover
# exactly these, so a typo or a dropped value in the adapter's copy fails this test. "null" is JSON null.
SHOPIFY_ENUMS = {
    "financial_status": {"pending", "authorized", "partially_paid", "paid", "partially_refunded", "refunded",
                         "voided", "expired"},
    "fulfillment_status": {"null", "partial", "fulfilled", "restocked"},
    "cancelled_at": {"null", "set"},
}  # fmt: skip
FULFILLMENT_ENUMS = {
    "status": {"pending", "open", "success", "cancelled", "error", "failure"},
    "shipment_status": {"null", "label_printed", "label_purchased", "attempted_delivery", "ready_for_pickup",
                        "confirmed", "in_transit", "out_for_delivery", "delivered", "failure", "delayed",
                        "carrier_picked_up", "picked_up"},
}  # fmt: skip
FULFILLMENT_ORDER_ENUMS = {
    "status": {"open", "in_progress", "scheduled", "on_hold", "incomplete", "closed", "cancelled"},
    "fulfilled": {"some", "none"},
}

TABLES = [
    pytest.param(ORDER_STATUS_TABLE, SHOPIFY_ENUMS, id="order"),
    pytest.param(SHIPMENT_STATUS_TABLE, FULFILLMENT_ENUMS, id="shipment"),
    pytest.param(SHIPPING_GROUP_STATUS_TABLE, FULFILLMENT_ORDER_ENUMS, id="shipping-group"),
]


@pytest.mark.parametrize(("table", "enums"), TABLES)
def test_every_documented_value_has_rows_and_every_combination_one(table, enums):
    """Each axis holds exactly the documented values, and the rows are their full product, each with a reason."""
    assert table.axes == tuple(enums)
    for position, axis in enumerate(table.axes):
        assert {key[position] for key in table.rows} == enums[axis], axis
    assert set(table.rows) == set(itertools.product(*(enums[axis] for axis in table.axes)))
    assert all(decision.reason.strip() for decision in table.rows.values())
    assert table.unknown_reason.strip()


def test_table_sizes_and_axes():
    """64 order rows, 78 fulfillment rows, 14 fulfillment-order rows, in raw_status order."""
    assert (len(ORDER_STATUS_TABLE.rows), len(SHIPMENT_STATUS_TABLE.rows), len(SHIPPING_GROUP_STATUS_TABLE.rows)) == (
        8 * 4 * 2,
        6 * 13,
        7 * 2,
    )
    assert ORDER_AXES == ("financial_status", "fulfillment_status", "cancelled_at")
    assert SHIPMENT_AXES == ("status", "shipment_status")
    assert SHIPPING_GROUP_AXES == ("status", "fulfilled")
    assert shopify.STATUS_TABLES == STATUS_TABLES == (ORDER_STATUS_TABLE, SHIPMENT_STATUS_TABLE,
                                                      SHIPPING_GROUP_STATUS_TABLE)  # fmt: skip
    assert [table.decides for table in STATUS_TABLES] == ["order", "shipment", "shipping_group"]
    assert {table.vendor for table in STATUS_TABLES} == {shopify.NAME}


def _schema_enum(definition: str) -> set[str]:
    return {value for value in trackstar_schema()["$defs"][definition]["properties"]["status"]["enum"] if value}


@pytest.mark.parametrize(
    ("table", "enum", "definition"),
    [
        (ORDER_STATUS_TABLE, OrderStatus, "CartOrderApiItemSchema"),
        (SHIPMENT_STATUS_TABLE, ShipmentStatus, "CartOrderShipment"),
        (SHIPPING_GROUP_STATUS_TABLE, ShipmentStatus, "CartOrderShippingGroup"),
    ],
)
def test_every_row_is_a_valid_trackstar_status(table, enum, definition):
    """Every decision is a member of the right enum, and a value Trackstar's schema allows there."""
    allowed = _schema_enum(definition)
    for decision in table.rows.values():
        assert type(decision.status) is enum
        assert decision.status.value in allowed


def test_tables_and_rules_are_immutable():
    """Nobody patches a mapping at run time."""
    with pytest.raises(TypeError):
        ORDER_STATUS_TABLE.rows[("paid", "null", "null")] = None
    with pytest.raises(TypeError):
        SHIPMENT_STATUS_TABLE.rows[("success", "null")] = None
    with pytest.raises(TypeError):
        ORDER_RULES[0].when["cancelled_at"] = frozenset()
    assert isinstance(SHIPPING_GROUP_RULES, tuple)


def _order(financial: object, fulfillment: object, cancelled_at: object = None, **more: object) -> dict[str, object]:
    return {"financial_status": financial, "fulfillment_status": fulfillment, "cancelled_at": cancelled_at, **more}


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (_order("pending", None), S.OPEN),
        (_order("authorized", None), S.OPEN),
        (_order("paid", None), S.CONFIRMED),
        (_order("partially_paid", None), S.CONFIRMED),
        (_order("partially_refunded", None), S.CONFIRMED),
        (_order("refunded", None), S.EXCEPTION),
        (_order("voided", None), S.EXCEPTION),
        (_order("expired", None), S.EXCEPTION),
        (_order("paid", "partial"), S.PARTIALLY_FULFILLED),
        (_order("pending", "fulfilled"), S.FULFILLED),
        (_order("refunded", "fulfilled"), S.FULFILLED),
        (_order("voided", "fulfilled"), S.EXCEPTION),
        (_order("paid", "restocked"), S.CANCELLED),
        (_order("refunded", None, "2025-01-23T21:57:18-05:00"), S.CANCELLED),
        (_order("paid", "fulfilled", "2025-01-23T21:57:18-05:00"), S.CANCELLED),
        (_order("paid", "fulfilled", None, closed_at="2024-10-08T14:07:59+02:00"), S.FULFILLED),
        (_order("paid", None, None, closed_at="2024-10-08T14:07:59+02:00"), S.CONFIRMED),
    ],
)
def test_order_decisions_that_matter(order, expected):
    """Cancellation wins; null means nothing fulfilled yet (not unknown); closed_at is not a cancellation."""
    reading = order_status(order)
    assert reading.status is expected
    assert reading.known


def test_raw_status_spells_null_and_set():
    """raw_status keeps the combination in the Medusa convention, JSON null as `null`, a timestamp as `set`."""
    assert (
        order_status(_order("paid", None)).raw_status
        == "financial_status=paid&fulfillment_status=null&cancelled_at=null"
    )
    assert (
        order_status(_order("refunded", "partial", "2025-01-23T21:57:18-05:00")).raw_status
        == "financial_status=refunded&fulfillment_status=partial&cancelled_at=set"
    )
    assert parse_raw_status(order_status(_order("paid", "fulfilled")).raw_status) == {
        "financial_status": "paid",
        "fulfillment_status": "fulfilled",
        "cancelled_at": "null",
    }


@pytest.mark.parametrize(
    ("order", "raw_status"),
    [
        (_order("PAID", None), "financial_status=PAID&fulfillment_status=null&cancelled_at=null"),
        (_order("paid", "unfulfilled"), "financial_status=paid&fulfillment_status=unfulfilled&cancelled_at=null"),
        (_order("paid", "null"), "financial_status=paid&fulfillment_status=null&cancelled_at=null"),
        (_order(None, None), "financial_status=null&fulfillment_status=null&cancelled_at=null"),
        (_order("paid", None, ""), "financial_status=paid&fulfillment_status=null"),
        (_order("paid", 3), "financial_status=paid&cancelled_at=null"),
        ({"financial_status": "paid", "cancelled_at": None}, "financial_status=paid&cancelled_at=null"),
        ({}, None),
    ],
    ids=[
        "upper-case",
        "graphql-value",
        "text-null",
        "null-financial",
        "empty-cancelled_at",
        "number",
        "missing",
        "empty",
    ],
)
def test_unknown_values_are_other_with_raw_status_kept(order, raw_status):
    """Anything not documented is `other`, never a guess; what is a string stays readable in raw_status."""
    reading = order_status(order)
    assert reading.status is S.OTHER
    assert not reading.known
    assert reading.reason == ORDER_STATUS_TABLE.unknown_reason
    assert reading.raw_status == raw_status


@pytest.mark.parametrize(
    ("fulfillment", "expected"),
    [
        ({"status": "success", "shipment_status": None}, T.SHIPPED),
        ({"status": "success", "shipment_status": "label_printed"}, T.SHIPPED),
        ({"status": "success", "shipment_status": "in_transit"}, T.SHIPPED),
        ({"status": "success", "shipment_status": "delivered"}, T.DELIVERED),
        ({"status": "success", "shipment_status": "picked_up"}, T.DELIVERED),
        ({"status": "success", "shipment_status": "attempted_delivery"}, T.EXCEPTION),
        ({"status": "success", "shipment_status": "failure"}, T.EXCEPTION),
        ({"status": "failure", "shipment_status": None}, T.EXCEPTION),
        ({"status": "error", "shipment_status": "delivered"}, T.EXCEPTION),
        ({"status": "cancelled", "shipment_status": "delivered"}, T.CANCELLED),
        ({"status": "pending", "shipment_status": None}, T.OPEN),
        ({"status": "open", "shipment_status": "label_purchased"}, T.OPEN),
        ({"status": "open", "shipment_status": "in_transit"}, T.SHIPPED),
    ],
)
def test_shipment_decisions_that_matter(fulfillment, expected):
    """The fulfillment's own failure or cancellation wins over the carrier; the carrier refines a success."""
    reading = shipment_status(fulfillment)
    assert (reading.status, reading.known) == (expected, True)


@pytest.mark.parametrize(("status", "expected"), [("success", T.SHIPPED), ("failure", T.EXCEPTION)])
def test_a_fulfillment_older_than_shipment_status_reads_it_as_null_and_keeps_it_absent(status, expected):
    older = shipment_status({"status": status})
    assert older.status == shipment_status({"status": status, "shipment_status": None}).status
    assert (older.known, older.raw_status) == (True, f"status={status}")


def test_unknown_shipment_values_are_other():
    """A carrier state Shopify does not document, or a missing status, is `other` with raw_status kept."""
    reading = shipment_status({"status": "success", "shipment_status": "lost_in_space"})
    assert (reading.status, reading.known, reading.raw_status) == (
        T.OTHER,
        False,
        "status=success&shipment_status=lost_in_space",
    )
    missing = shipment_status({"shipment_status": None})
    assert (missing.status, missing.raw_status) == (T.OTHER, "shipment_status=null")


@pytest.mark.parametrize(
    ("status", "fulfilled", "expected"),
    [
        ("open", False, T.OPEN),
        ("in_progress", True, T.OPEN),
        ("scheduled", False, T.ON_HOLD),
        ("on_hold", False, T.ON_HOLD),
        ("incomplete", False, T.EXCEPTION),
        ("closed", True, T.SHIPPED),
        ("closed", False, T.CANCELLED),
        ("cancelled", True, T.CANCELLED),
    ],
)
def test_shipping_group_decisions(status, fulfilled, expected):
    """A closed fulfillment order shipped only when a fulfillment covers it; raw_status is its own status."""
    reading = shipping_group_status({"status": status}, fulfilled=fulfilled)
    assert (reading.status, reading.known, reading.raw_status) == (expected, True, f"status={status}")


def test_unknown_shipping_group_status_is_other():
    """GraphQL's upper case, a missing status: `other`, never a guess."""
    upper = shipping_group_status({"status": "ON_HOLD"}, fulfilled=False)
    assert (upper.status, upper.known, upper.raw_status) == (T.OTHER, False, "status=ON_HOLD")
    assert shipping_group_status({}, fulfilled=True).raw_status is None


# --- the real payloads -----------------------------------------------------------------------------------------

SAMPLES = FIXTURES / "shopify"


def _load(name: str) -> dict[str, object]:
    payload = parse_json((SAMPLES / name).read_bytes())
    return payload.get("order", payload)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sapi_2024-04_order_get_1001_partially_refunded.payload.json", S.CONFIRMED),
        ("sapi_2022-10_order_update_1001_legacy_fields.payload.json", S.CONFIRMED),
        ("sapi_2024-04_order_create_eur_paid.payload.json", S.CONFIRMED),
        ("sapi_2024-04_order_create_pending.payload.json", S.OPEN),
        ("sapi_2024-04_order_create_fulfilled.payload.json", S.FULFILLED),
        ("membi_hkd_orders_create_1054_discounts.payload.json", S.CONFIRMED),
        ("membi_hkd_orders_cancelled_1065_refunded.payload.json", S.CANCELLED),
        ("erp_pln_order_fulfilled_two_fulfillments.payload.json", S.FULFILLED),
    ],
)
def test_real_orders(name, expected):
    """Every real order maps to a documented row, and its fulfillments too."""
    order = _load(name)
    reading = order_status(order)
    assert (reading.status, reading.known) == (expected, True)
    for fulfillment in order["fulfillments"]:
        assert shipment_status(fulfillment).known


def test_real_fulfillments():
    """Shopify's fixture fulfillment failed (not a parcel that went out); the PLN store's two shipped."""
    failed = _load("sapi_2024-04_fulfillments_list.payload.json")["fulfillments"][0]
    assert shipment_status(failed).status is T.EXCEPTION
    pln = _load("erp_pln_order_fulfilled_two_fulfillments.payload.json")["fulfillments"]
    assert [shipment_status(f).raw_status for f in pln] == ["status=success&shipment_status=null"] * 2
    assert {shipment_status(f).status for f in pln} == {T.SHIPPED}


@pytest.mark.parametrize(
    ("name", "key", "fulfilled", "expected"),
    [
        ("sapi_2024-04_fulfillment_orders_list_a.payload.json", "fulfillment_orders", False, T.OPEN),
        ("sapi_2024-04_fulfillment_order_hold.payload.json", "fulfillment_order", False, T.ON_HOLD),
        # the original of a move: closed, no line items left, nothing fulfilled from it
        ("sapi_2024-04_fulfillment_order_move.payload.json", "original_fulfillment_order", False, T.CANCELLED),
        ("sapi_2024-04_fulfillment_order_move.payload.json", "moved_fulfillment_order", False, T.OPEN),
        # closed after the two success fulfillments of erp_pln_order_fulfilled_two_fulfillments (same location)
        ("erp_pln_fulfillment_orders_closed.payload.json", "fulfillment_orders", True, T.SHIPPED),
    ],
)
def test_real_fulfillment_orders(name, key, fulfilled, expected):
    """The real fulfillment orders map to documented rows."""
    found = _load(name)[key]
    fulfillment_order = found[0] if isinstance(found, list) else found
    reading = shipping_group_status(fulfillment_order, fulfilled=fulfilled)
    assert (reading.status, reading.known) == (expected, True)


# --- raw_status as text ----------------------------------------------------------------------------------------


@given(st.lists(st.one_of(st.none(), st.text()), min_size=3, max_size=3))
def test_raw_status_reads_back(spellings):
    """Whatever the values (&, =, %, unicode, empty), parse_raw_status gives back what format_raw_status wrote."""
    raw = format_raw_status(ORDER_AXES, tuple(spellings))
    expected = {axis: value for axis, value in zip(ORDER_AXES, spellings, strict=True) if value is not None}
    assert parse_raw_status(raw) == expected
