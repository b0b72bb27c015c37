"""Bad Gearment input fails with the right error at the right JSON path; detect() never fails."""

from __future__ import annotations

import pickle
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cartnorm import ConfigurationError, CurrencyError, MoneyError, PayloadError, VendorErrorResponse
from cartnorm.adapters import gearment
from strategies.canonical import json_values
from strategies.gearment import OWN, Int64, order_trees, render, styles

OBSERVED = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _order(**fields):
    return {"order_id": "GM-1", "order_status": "VENDOR_ORDER_STATUS_SHIPPED", **fields}


def _usd(units, nanos=None, currency="USD"):
    money = {"currency_code": currency, "units": units}
    if nanos is not None:
        money["nanos"] = nanos
    return money


def test_error_envelope_carries_gearment_message():
    """{"status": "error"} is a VendorErrorResponse whose message quotes Gearment."""
    with pytest.raises(VendorErrorResponse) as caught:
        gearment.to_canonical({"status": "error", "message": "Order not found", "data": None})
    assert caught.value.path == "$.status"
    assert "Order not found" in str(caught.value)
    assert isinstance(pickle.loads(pickle.dumps(caught.value)), VendorErrorResponse)


@pytest.mark.parametrize("nanos", [1_000_000_000, -1_000_000_000, 2**31])
def test_nanos_out_of_range(nanos):
    """|nanos| above 999 999 999 is a MoneyError at the nanos."""
    with pytest.raises(PayloadError) as caught:
        gearment.to_canonical(_order(order_total=_usd("0", nanos)))
    assert isinstance(caught.value, MoneyError)
    assert caught.value.path == "$.order_total.nanos"


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=1, max_value=999_999_999), st.booleans())
def test_mixed_signs_are_refused(units, nanos, negative_units):
    """units and nanos of opposite signs break google.type.Money."""
    pair = (-units, nanos) if negative_units else (units, -nanos)
    with pytest.raises(MoneyError) as caught:
        gearment.to_canonical({"status": "success", "data": _order(order_tax=_usd(str(pair[0]), pair[1]))})
    assert caught.value.path == "$.data.order_tax.nanos"


def test_currency_mismatch_names_both_paths():
    """A second currency is a CurrencyError at its path that names where the first one was."""
    payload = _order(order_total=_usd("10"), line_items=[{"quantity": 1, "item_price": _usd("10", currency="EUR")}])
    with pytest.raises(CurrencyError) as caught:
        gearment.to_canonical(payload)
    assert caught.value.path == "$.line_items[0].item_price.currency_code"
    assert "$.order_total.currency_code" in str(caught.value)


def test_lower_case_currency_is_the_same_currency():
    """'usd' and 'USD' agree; the amount keeps the spelling it came with."""
    order = gearment.to_canonical(_order(order_total=_usd("10"), order_tax=_usd("1", currency="usd")))
    assert order.invoice_currency_code == "USD"
    assert gearment.from_canonical(order)["order_tax"]["currency_code"] == "usd"


@pytest.mark.parametrize("quantity", [0, -1, None, "0"])
def test_quantity_below_one_is_refused(quantity):
    """Gearment's minimum quantity is 1: less (or none) cannot be divided per unit."""
    with pytest.raises(PayloadError) as caught:
        gearment.to_canonical(_order(line_items=[{"id": "1", "quantity": quantity}]))
    assert caught.value.path == "$.line_items[0].quantity"


@pytest.mark.parametrize("data", ["GM-1", 7, ["GM-1"], True])
def test_data_must_be_an_object(data):
    """The envelope's data must be the order object."""
    with pytest.raises(PayloadError) as caught:
        gearment.to_canonical({"status": "success", "message": "OK", "data": data})
    assert caught.value.path == "$.data"


@pytest.mark.parametrize("payload", [None, "order", 12, ["order"]])
def test_payload_must_be_an_object(payload):
    """Anything but a JSON object is refused at $."""
    with pytest.raises(PayloadError) as caught:
        gearment.to_canonical(payload)
    assert caught.value.path == "$"


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("created_at", "2026-03-01 09:15:02", "$.created_at"),
        ("created_at", "2026-03-01T09:15:02", "$.created_at"),
        ("updated_at", "2026-02-30T00:00:00Z", "$.updated_at"),
        ("order_status", True, "$.order_status"),
        ("order_status", 7.5, "$.order_status"),
        ("order_status", 2**31, "$.order_status"),
        ("store_id", 12, "$.store_id"),
        ("is_label_attached", "yes", "$.is_label_attached"),
        ("line_items", {"0": {}}, "$.line_items"),
        ("orderTotal", {"units": "1.5"}, "$.orderTotal.units"),
        ("order_total", {"currency_code": "DOLLARS"}, "$.order_total.currency_code"),
    ],
)
def test_invalid_values_name_their_path(field, value, path):
    """Each kind of invalid protobuf JSON names the key as the payload spelled it."""
    with pytest.raises(PayloadError) as caught:
        gearment.to_canonical(_order(**{field: value}))
    assert caught.value.path == path


def test_both_spellings_of_one_field_are_refused():
    """order_id and orderId together are ambiguous."""
    with pytest.raises(PayloadError) as caught:
        gearment.to_canonical({"order_id": "A", "orderId": "B"})
    assert caught.value.path == "$.orderId"


def test_missing_order_id_is_refused():
    """An order needs its id."""
    with pytest.raises(PayloadError) as caught:
        gearment.to_canonical({"order_status": "VENDOR_ORDER_STATUS_SHIPPED"})
    assert caught.value.path == "$.order_id"


def test_observed_at_must_be_aware():
    """A naive observed_at is a ConfigurationError; so is any option the adapter does not take."""
    with pytest.raises(ConfigurationError):
        gearment.to_canonical(_order(), observed_at=datetime(2026, 1, 1))  # noqa: DTZ001
    with pytest.raises(ConfigurationError):
        gearment.convert(_order(), observed_at=OBSERVED, exponents={"USD": 2})
    order = gearment.to_canonical(_order())
    assert order.trackstar_created_date.tzinfo is not None


def test_from_canonical_takes_only_orders():
    """from_canonical refuses anything but a CartOrder."""
    with pytest.raises(TypeError):
        gearment.from_canonical({"id": "x"})


@given(order_trees(), styles)
def test_detect_recognises_every_spelling(tree, style):
    """Bare orders and envelopes, snake_case or lowerCamelCase, are detected."""
    payload = render(tree, style)
    data = payload.get("data", payload)
    signs = {"order_status", "orderStatus", "line_items", "lineItems", "order_trackings", "orderTrackings",
             "order_total", "orderTotal"}  # fmt: skip
    assert gearment.detect(payload) == bool(signs.intersection(data))


@given(json_values)
def test_detect_never_raises(value):
    """detect() answers True or False for any JSON value."""
    assert gearment.detect(value) in (True, False)


def test_detect_examples():
    """What detect() accepts and refuses."""
    assert gearment.detect({"status": "success", "message": "", "data": {"order_id": "1", "order_status": 7}})
    assert gearment.detect({"orderId": "1", "lineItems": []})
    assert gearment.detect({"status": "error", "message": "Order not found"})
    assert not gearment.detect({"order": {"id": "order_01", "status": "pending"}})  # Medusa
    assert not gearment.detect({"id": "order_01", "status": "pending", "display_id": 3})
    assert not gearment.detect({"code": "not_found", "message": "nope"})
    assert not gearment.detect([1, 2])


def test_render_own_is_gearment_encoding():
    """Sanity check of the strategy: the own encoding writes int64 as strings and enum names."""
    tree = {"order_id": "1", "line_items": [{"id": Int64(5)}]}
    assert render(tree, OWN) == {"order_id": "1", "line_items": [{"id": "5"}]}
