"""Medusa mapping decisions: money, totals, lines, addresses, shipments, dates, v2, detection, errors."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from cartnorm import ConfigurationError, CurrencyError, MoneyError, OrderStatus, PayloadError, ShipmentStatus
from cartnorm._json import parse_json
from cartnorm.adapters import get_adapter, medusa

OBSERVED = datetime(2026, 1, 1, tzinfo=timezone.utc)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "medusa"


def load(case: str):
    return parse_json((FIXTURES / f"{case}.payload.json").read_bytes())


def convert(payload, **options):
    return medusa.convert(payload, observed_at=OBSERVED, **options)


def codes(normalized):
    return [warning.code for warning in normalized.warnings]


# ------------------------------------------------------------------ the module surface


def test_public_surface():
    assert medusa.__all__ == sorted(medusa.__all__)
    assert set(medusa.__all__) == {"ADAPTER", "NAME", "STATUS_TABLES", "convert", "detect", "from_canonical",
                                   "to_canonical"}  # fmt: skip
    assert get_adapter("medusa") is medusa.ADAPTER
    assert medusa.ADAPTER.name == medusa.NAME == "medusa"
    order = medusa.ADAPTER.to_canonical(load("kwd_exponent_override"), observed_at=OBSERVED, exponents={"KWD": 2})
    assert order.total_price == Decimal("43.12")


def test_adapter_rejects_unknown_options():
    with pytest.raises(ConfigurationError, match="exponent"):
        medusa.ADAPTER.convert(load("usd_shipped_captured"), observed_at=OBSERVED, exponent={"KWD": 2})
    with pytest.raises(ConfigurationError):
        convert(load("usd_shipped_captured"), exponents=[("KWD", 2)])
    with pytest.raises(ConfigurationError):
        convert(load("kwd_three_decimal_discount"), exponents={"KWD": -1})


def test_observed_at_must_be_aware_and_defaults_to_now():
    payload = load("usd_shipped_captured")
    with pytest.raises(ConfigurationError, match="timezone-aware"):
        medusa.to_canonical(payload, observed_at=datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test
    before = datetime.now(timezone.utc)
    order = medusa.to_canonical(payload)
    assert before <= order.trackstar_created_date == order.trackstar_updated_date <= datetime.now(timezone.utc)
    assert order.trackstar_created_date.utcoffset() == timedelta(0)


# ------------------------------------------------------------------ detection


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.payload.json")), ids=lambda path: path.name.split(".")[0])
def test_detect_recognises_every_valid_fixture(path):
    payload = parse_json(path.read_bytes())
    expected = not path.name.startswith("error_") or path.name.startswith(
        ("error_float", "error_unknown_currency", "error_negative", "error_unparseable", "error_v2_")
    )  # a Medusa order with one bad value, or a Medusa body that holds no order (convert then says so)
    assert medusa.detect(payload) is expected


class Hostile(dict):
    def items(self):
        raise RuntimeError("boom")

    def get(self, *args):
        raise RuntimeError("boom")


@pytest.mark.parametrize(
    "payload",
    [None, [], {}, "order", 42, {"id": 1}, {"order": "x"}, {"order_id": "123", "status": "pending"},
     {"id": "ord_1", "line_items": []}, Hostile(id="order_1")],
)  # fmt: skip
def test_detect_rejects_other_payloads_and_never_raises(payload):
    assert medusa.detect(payload) is False


def test_detect_v2_envelopes():
    order = load("v2_order_placed")["order"]
    assert medusa.detect(order) and medusa.detect({"type": "order", "order": order})


# ------------------------------------------------------------------ money


def test_zero_decimal_jpy_is_not_divided():
    order = convert(load("jpy_zero_decimal")).order
    assert order.invoice_currency_code == "JPY"
    assert order.line_items[0].unit_price == Decimal("3000")
    assert order.total_price == Decimal("9900")


def test_three_decimal_kwd_uses_the_admin_ui_exponent_and_the_override():
    payload = load("kwd_three_decimal_discount")
    default = convert(payload).order
    assert default.line_items[0].unit_price == Decimal("3.125")
    assert str(default.total_discount) == "0.313"
    override = convert(payload, exponents={"KWD": 2}).order
    assert override.line_items[0].unit_price == Decimal("31.25")
    assert override.additional_fields["medusa"]["exponent"] == 2
    assert medusa.from_canonical(override) == payload  # the exponent travels with the order


@pytest.mark.parametrize(
    ("code", "amount"),
    [("pkr", Decimal("19695")), ("isk", Decimal("196.95")), ("iqd", Decimal("19695")), ("bhd", Decimal("19.695"))],
)
def test_v1_follows_the_admin_ui_exponents_where_they_differ_from_iso(code, amount):
    payload = copy.deepcopy(load("usd_shipped_captured"))
    payload["order"]["currency_code"] = code
    order = convert(payload).order
    assert order.total_price == amount
    assert "exponent" not in order.additional_fields["medusa"]
    assert medusa.from_canonical(order) == payload


def test_a_currency_cartnorm_does_not_know_works_with_an_exponent():
    payload = copy.deepcopy(load("usd_shipped_captured"))
    payload["order"]["currency_code"] = "xts"
    with pytest.raises(CurrencyError):
        convert(payload)
    order = convert(payload, exponents={"XTS": 2}).order
    assert order.invoice_currency_code == "XTS" and order.total_price == Decimal("196.95")
    assert medusa.from_canonical(order) == payload


@pytest.mark.parametrize("bad", [Decimal("25.99"), 25.99, "2599", True, 2599.0])
def test_v1_amounts_must_be_integers(bad):
    payload = copy.deepcopy(load("usd_shipped_captured"))
    payload["order"]["items"][1]["tax_total"] = bad
    with pytest.raises(MoneyError) as caught:
        convert(payload)
    assert caught.value.path == "$.order.items[1].tax_total"


def test_v2_amounts_come_from_big_numbers_never_as_cents():
    order = convert(load("v2_order_placed")).order
    assert order.line_items[0].unit_price == Decimal("15")
    assert order.total_price == Decimal("25")
    fractional = convert(load("v2_shipped_fractional_amounts")).order
    assert str(fractional.total_price) == "67.47310375"
    assert fractional.additional_fields["medusa"]["version"] == 2


@pytest.mark.parametrize(
    "signs",
    [
        {"item_total": 0, "items": []},
        {"summary": {"paid_total": 0}, "items": []},
        {"items": [{"id": "ordli_1", "quantity": 1, "unit_price": 15}]},
        {"shipping_methods": [{"id": "ordsm_1", "amount": 10, "name": "Express"}], "items": []},
    ],
)
def test_v2_without_big_numbers_is_still_v2_and_never_read_as_cents(signs):
    payload = {"id": "order_1", "created_at": "2025-01-01T00:00:00.000Z", "currency_code": "usd", "total": 25,
               **signs}  # fmt: skip
    order = convert(payload).order
    assert order.total_price == Decimal("25")
    assert order.additional_fields["medusa"]["version"] == 2
    assert medusa.from_canonical(order) == payload


def test_v2_big_number_wins_over_the_number_and_bad_ones_are_errors():
    payload = copy.deepcopy(load("v2_order_placed"))
    item = payload["order"]["items"][0]
    item["unit_price"] = 15.000000000000002  # what a float can do to a number; the BigNumber is exact
    assert convert(payload).order.line_items[0].unit_price == Decimal("15")
    item["raw_unit_price"] = {"value": "fifteen", "precision": 20}
    with pytest.raises(MoneyError) as caught:
        convert(payload)
    assert caught.value.path == "$.order.items[0].raw_unit_price.value"
    del item["raw_unit_price"]
    assert convert(payload).order.line_items[0].unit_price == Decimal("15.000000000000002")  # the float's text
    item["unit_price"] = "15"
    with pytest.raises(MoneyError) as caught:
        convert(payload)  # a string where a number belongs is never a guess
    assert caught.value.path == "$.order.items[0].unit_price"


# ------------------------------------------------------------------ totals


def test_totals_absent_are_recomputed_with_medusas_formula_and_reported():
    full = convert(load("usd_placed_cart_completion")).order
    normalized = convert(load("usd_old_version_without_totals"))
    order = normalized.order
    assert (order.total_price, order.total_tax, order.total_discount, order.total_shipping) == (
        full.total_price,
        full.total_tax,
        full.total_discount,
        full.total_shipping,
    )
    assert codes(normalized).count("total_recomputed") == 4
    assert medusa.from_canonical(order) == load("usd_old_version_without_totals")


V1_CASES = sorted(
    path
    for path in FIXTURES.glob("*.payload.json")
    if path.name.startswith(("usd_", "jpy_", "kwd_", "eur_")) and "without_totals" not in path.name
)


@pytest.mark.parametrize("path", V1_CASES, ids=lambda path: path.name.split(".")[0])
def test_recomputation_agrees_with_medusa_on_real_payloads(path):
    """Strip every order-level total: the recomputed ones equal what the Medusa server said."""
    payload = parse_json(path.read_bytes())
    order = payload.get("order") or payload.get("data")
    stripped = {key: value for key, value in order.items()
                if key not in {"total", "tax_total", "discount_total", "shipping_total", "subtotal", "item_tax_total",
                               "shipping_tax_total"}}  # fmt: skip
    full, recomputed = convert(order).order, convert(stripped).order
    assert (recomputed.total_price, recomputed.total_tax, recomputed.total_discount, recomputed.total_shipping) == (
        full.total_price,
        full.total_tax,
        full.total_discount,
        full.total_shipping,
    )


def test_null_total_stays_null():
    payload = copy.deepcopy(load("usd_shipped_captured"))
    payload["order"]["shipping_total"] = None
    normalized = convert(payload)
    assert normalized.order.total_shipping is None
    assert "total_recomputed" not in codes(normalized)
    assert medusa.from_canonical(normalized.order) == payload


# ------------------------------------------------------------------ lines


def test_lines_use_the_variant_as_the_sellable_unit():
    line = convert(load("usd_shipped_captured")).order.line_items[1]
    assert line.product_id.startswith("variant_") and line.product_sku == "MUG-GLD-LTD"
    assert line.parent_product_id.startswith("prod_") and line.parent_product_sku is None


def test_missing_or_null_variant():
    payload = copy.deepcopy(load("usd_shipped_captured"))
    items = payload["order"]["items"]
    items[0]["variant"] = None
    del items[1]["variant"]
    items[2]["variant"] = None
    items[2]["variant_id"] = None  # a custom line item
    normalized = convert(payload)
    lines = normalized.order.line_items
    assert lines[0].product_id == items[0]["variant_id"] and lines[0].product_sku is None
    assert lines[1].product_id == items[1]["variant_id"] and lines[1].parent_product_id is None
    assert lines[2].product_id == items[2]["id"]
    assert medusa.from_canonical(normalized.order) == payload


def test_discount_and_tax_are_per_unit_with_remainders_kept():
    normalized = convert(load("usd_shipped_captured"))
    line = normalized.order.line_items[1]  # MUG-GLD-LTD ×2, tax_total 887
    assert line.tax == Decimal("4.44")
    assert normalized.order.additional_fields["medusa"]["remainders"] == {"$.items[1].tax_total": "-0.01"}
    assert "rounding_remainder" in codes(normalized)
    discounted = convert(load("kwd_three_decimal_discount")).order.line_items[0]
    assert discounted.discount == Decimal("0.313")


def test_tax_inclusive_lines_carry_the_net_unit_price():
    order = convert(load("eur_tax_inclusive_partially_refunded")).order
    mug = order.line_items[0]  # 3 × 24.90 incl. 20% VAT
    assert (mug.unit_price, mug.tax, mug.discount) == (Decimal("20.75"), Decimal("4.15"), Decimal("0.00"))
    assert (mug.unit_price + mug.tax) * mug.quantity == Decimal("74.70")
    kept = order.additional_fields["medusa"]["order"]["items"][0]
    assert kept["unit_price"] == 2490 and kept["includes_tax"] is True


def test_tax_inclusive_line_without_subtotal_keeps_the_gross_price_and_says_so():
    payload = copy.deepcopy(load("eur_tax_inclusive_partially_refunded"))
    del payload["order"]["items"][0]["subtotal"]
    normalized = convert(payload)
    assert normalized.order.line_items[0].unit_price == Decimal("24.90")
    assert "tax_inclusive_unit_price" in codes(normalized)
    assert medusa.from_canonical(normalized.order) == payload


@pytest.mark.parametrize(("value", "error"), [(-1, PayloadError), (1.5, PayloadError), ("2", PayloadError)])
def test_quantity_must_be_a_non_negative_integer(value, error):
    payload = copy.deepcopy(load("usd_shipped_captured"))
    payload["order"]["items"][2]["quantity"] = value
    with pytest.raises(error) as caught:
        convert(payload)
    assert caught.value.path == "$.order.items[2].quantity"


@pytest.mark.parametrize(
    ("place", "value", "path"),
    [
        (("items", 0, "unit_price"), -2599, "$.order.items[0].unit_price"),
        (("total",), -19695, "$.order.total"),
        (("shipping_total",), -1000, "$.order.shipping_total"),
        (("tax_total",), -1, "$.order.tax_total"),
    ],
)
def test_a_negative_v1_price_or_total_is_a_money_error_at_its_path(place, value, path):
    """Issue 13's case: v1 minor units below zero are refused where they are, never read as -25.99."""
    payload = copy.deepcopy(load("usd_shipped_captured"))
    target = payload["order"]
    for key in place[:-1]:
        target = target[key]
    assert place[-1] in target
    target[place[-1]] = value
    with pytest.raises(MoneyError) as caught:
        convert(payload)
    assert caught.value.path == path
    assert "zero or more" in caught.value.expected


# ------------------------------------------------------------------ addresses


def test_addresses():
    order = convert(load("jpy_zero_decimal")).order
    ship_to = order.ship_to_address
    assert ship_to.full_name == "Hanako Yamada" and ship_to.country == "Japan"
    assert ship_to.company == "" and ship_to.address2 == ""  # empty strings kept as they came
    assert ship_to.email_address == "hanako@example.jp" and ship_to.phone_number == "+81 3 1234 5678"
    assert order.bill_to_address.country == "Japan" and order.bill_to_address.address3 is None


def test_unknown_country_code_is_null_kept_and_warned():
    payload = copy.deepcopy(load("usd_shipped_captured"))
    payload["order"]["shipping_address"]["country_code"] = "xk1"
    normalized = convert(payload)
    assert normalized.order.ship_to_address.country is None
    assert "unknown_country_code" in codes(normalized)
    assert medusa.from_canonical(normalized.order) == payload


# ------------------------------------------------------------------ shipments and dates


def test_shipments_from_fulfillments():
    order = convert(load("usd_partially_shipped")).order
    first, second = order.shipments
    assert first.status is ShipmentStatus.SHIPPED and first.tracking_number == "1Z999AA10123456784"
    assert first.tracking_url is None  # the manual provider leaves url null
    assert second.status is ShipmentStatus.OPEN and second.warehouse_id == "sloc_01M832VZWAREHOUSE2"
    assert [line.quantity for line in second.line_items] == [2, 1]
    assert second.line_items[0].product_sku == "MUG-GLD-LTD"
    assert order.shipping_groups == ()
    assert order.status is OrderStatus.PARTIALLY_FULFILLED


def test_cancelled_fulfillment_and_unknown_fulfillment_item():
    payload = copy.deepcopy(load("usd_shipped_captured"))
    fulfillment = payload["order"]["fulfillments"][0]
    fulfillment["canceled_at"] = "2026-11-23T03:00:00.000Z"
    fulfillment["items"][0]["item_id"] = "item_gone"
    normalized = convert(payload)
    shipment = normalized.order.shipments[0]
    assert shipment.status is ShipmentStatus.CANCELLED
    assert shipment.line_items[0].product_id == "item_gone"
    assert "unresolved_fulfillment_item" in codes(normalized)
    assert medusa.from_canonical(normalized.order) == payload


def test_updated_at_is_filled_from_the_latest_owned_record():
    normalized = convert(load("usd_trimmed_without_updated_at"))
    payment_captured = datetime(2026, 11, 23, 2, 15, 32, 29000, tzinfo=timezone.utc)
    assert normalized.order.updated_date == payment_captured
    assert "updated_at_filled" in codes(normalized)
    assert normalized.order.additional_fields["medusa"]["absent"][0] == "$.updated_at"


def test_unparseable_dates_are_errors_with_paths():
    payload = copy.deepcopy(load("usd_shipped_captured"))
    payload["order"]["fulfillments"][0]["shipped_at"] = "yesterday"
    with pytest.raises(PayloadError) as caught:
        convert(payload)
    assert caught.value.path == "$.order.fulfillments[0].shipped_at"


# ------------------------------------------------------------------ shapes


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        ("not json object", "$"),
        ({"order": ["x"]}, "$.order"),
        ({"type": "order", "data": None}, "$.data"),
        ({"id": "order_1", "created_at": "2026-01-01T00:00:00Z", "currency_code": "usd", "items": {}}, "$.items"),
        ({"id": "order_1", "created_at": "2026-01-01T00:00:00Z", "currency_code": "usd", "items": [1]}, "$.items[0]"),
        ({"id": "order_1", "currency_code": "usd"}, "$.created_at"),
        ({"id": "order_1", "created_at": "2026-01-01T00:00:00Z"}, "$.currency_code"),
    ],
)
def test_shape_errors_name_the_path(payload, path):
    with pytest.raises(PayloadError) as caught:
        convert(payload)
    assert caught.value.path == path


def test_json_loads_payloads_work_for_v1():
    text = (FIXTURES / "usd_shipped_captured.payload.json").read_text()
    payload = json.loads(text)
    order = convert(payload).order
    assert order.total_price == Decimal("196.95")
    assert medusa.from_canonical(order) == payload


@pytest.mark.parametrize("display_id", [0, 15, 10**30, "A-15", "007", None, True])
def test_order_number_from_display_id_round_trips(display_id):
    payload = copy.deepcopy(load("usd_shipped_captured"))
    payload["order"]["display_id"] = display_id
    order = convert(payload).order
    expected = order.id if display_id is None or display_id is True else str(display_id)  # no number: the id
    assert order.order_number == expected
    assert medusa.from_canonical(order) == payload
