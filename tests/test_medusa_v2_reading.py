"""
The rules issue 12 added to the Medusa reader, one at a time, on real v2 bodies edited the way a
producer would: floats, currency sources, bodies that hold no order, created_at, addresses,
negative amounts, derived statuses, parcels.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest

import cartnorm
from cartnorm import CurrencyError, MoneyError, OrderStatus, PayloadError
from cartnorm._datetime import parse_rfc3339
from cartnorm._json import parse_json
from cartnorm.adapters import medusa
from conftest import FIXTURES

OBSERVED = datetime(2026, 1, 1, tzinfo=timezone.utc)
V2 = FIXTURES / "medusa-live" / "v2"


def load(name: str, *, exact: bool = False) -> Any:
    path = V2 / f"{name}.json"
    return parse_json(path.read_bytes()) if exact else json.loads(path.read_text(encoding="utf-8"))


def convert(payload: Any) -> cartnorm.Normalized:
    return cartnorm.convert(payload, observed_at=OBSERVED)


def codes(result: cartnorm.Normalized) -> list[str]:
    return [warning.code for warning in result.warnings]


# ------------------------------------------------------------------ floats


def test_bare_float_totals_are_the_decimal_javascript_wrote():
    payload = load("usd_lifecycle.placed.store_get")
    assert type(payload["order"]["total"]) is float
    order = convert(payload).order
    assert str(order.total_price) == "105.5760875" and str(order.total_tax) == "8.6060875"
    assert order.additional_fields["medusa"]["floats"] is True
    again = medusa.from_canonical(order)
    assert again == payload and type(again["order"]["total"]) is float


def test_a_float_is_read_as_its_shortest_text_not_its_binary_value():
    payload = load("usd_lifecycle.placed.store_get")
    payload["order"]["total"] = 0.1 + 0.2  # arithmetic done before cartnorm: the text is what it reads
    assert convert(payload).order.total_price == Decimal("0.30000000000000004")


# ------------------------------------------------------------------ currency


def test_currency_is_read_from_the_payment_collections_when_the_order_has_none():
    payload = load("usd_promo.placed.admin_get")
    assert "currency_code" not in payload["order"]
    result = convert(payload)
    assert result.order.invoice_currency_code == "USD"
    [warning] = [warning for warning in result.warnings if warning.code == "currency_from_elsewhere"]
    assert warning.path == "$.order.currency_code" and "payment_collections[0].currency_code" in warning.message
    assert medusa.from_canonical(result.order) == payload  # no currency_code is written back


def test_currency_sources_must_agree_and_one_must_exist():
    payload = load("usd_promo.placed.admin_get")
    payload["order"]["payment_collections"].append({**payload["order"]["payment_collections"][0],
                                                    "currency_code": "eur"})  # fmt: skip
    with pytest.raises(CurrencyError) as caught:
        convert(payload)
    assert caught.value.path == "$.order.payment_collections[1].currency_code"
    del payload["order"]["payment_collections"]
    with pytest.raises(CurrencyError) as caught:
        convert(payload)
    assert caught.value.path == "$.order.currency_code" and "fields=+currency_code" in str(caught.value)


def test_region_gives_the_currency_when_nothing_before_it_does():
    payload = load("usd_promo.placed.admin_get")
    del payload["order"]["payment_collections"]
    payload["order"]["region"] = {"id": payload["order"]["region_id"], "currency_code": "usd"}
    assert convert(payload).order.invoice_currency_code == "USD"


# ------------------------------------------------------------------ bodies that hold no order


@pytest.mark.parametrize(
    ("body", "path", "words"),
    [
        ({"payment": {"id": "pay_1", "amount": 5}}, "$.payment", "not a payment"),
        ({"return": {"id": "return_1", "status": "received"}}, "$.return", "not a return"),
        ({"orders": [{"id": "order_1", "currency_code": "usd", "status": "pending"}], "count": 1, "offset": 0,
          "limit": 50}, "$.orders", "one Medusa order per record"),
    ],
)  # fmt: skip
def test_bodies_that_hold_no_order_say_what_they_are(body, path, words):
    assert cartnorm.detect_adapter(body).name == "medusa"
    with pytest.raises(PayloadError) as caught:
        convert(body)
    assert caught.value.path == path and words in str(caught.value)


def test_return_envelopes_keep_the_return_beside_the_order():
    payload = load("kwd_refund_return.return_receive.admin_return_receive_response")
    order = convert(payload).order
    assert order.additional_fields["medusa"]["envelope"] == "order_return"
    assert order.additional_fields["medusa"]["siblings"]["return"]["id"].startswith("return_")
    assert medusa.from_canonical(order) == payload


# ------------------------------------------------------------------ dates and addresses


@pytest.mark.parametrize("name", ["usd_partial.placed.store_get", "kwd_refund_return.returned.admin_get",
                                  "usd_lifecycle.delivered.admin_action_response"])  # fmt: skip
def test_a_missing_created_at_is_filled_from_the_lines_and_warned(name):
    payload = load(name)
    real = parse_rfc3339(payload["order"].pop("created_at"))
    result = convert(payload)
    assert result.order.created_date == real  # v2 creates the lines with the order
    assert "created_at_filled" in codes(result)
    assert medusa.from_canonical(result.order) == payload


def test_no_created_at_and_nothing_to_fill_it_from_is_an_error():
    payload = load("usd_partial.placed.store_get")
    for key in ("created_at", "updated_at", "items", "shipping_methods"):
        payload["order"].pop(key)
    with pytest.raises(PayloadError) as caught:
        convert(payload)
    assert caught.value.path == "$.order.created_at" and "GET /admin/orders/{id}" in str(caught.value)


def test_numbers_in_address_fields_become_text_with_a_warning():
    payload = load("usd_partial.placed.store_get")
    payload["order"]["shipping_address"].update(postal_code=72093, phone=4915112345678, city=True)
    result = convert(payload)
    address = result.order.ship_to_address
    assert (address.postal_code, address.phone_number, address.city) == ("72093", "4915112345678", None)
    warned = {warning.path: warning.code for warning in result.warnings}
    assert warned["$.order.shipping_address.postal_code"] == "numeric_address_field"
    assert warned["$.order.shipping_address.city"] == "non_text_address_field"
    assert medusa.from_canonical(result.order) == payload


# ------------------------------------------------------------------ amounts below zero


@pytest.mark.parametrize(
    ("place", "path"),
    [
        (("items", 0, "raw_unit_price"), "$.order.items[0].unit_price"),
        (("items", 1, "raw_tax_total"), "$.order.items[1].tax_total"),
        (("items", 0, "raw_discount_subtotal"), "$.order.items[0].discount_subtotal"),
        (("tax_total",), "$.order.tax_total"),
        (("shipping_subtotal",), "$.order.shipping_subtotal"),
    ],
)
def test_a_negative_price_or_total_is_an_error_at_its_path(place, path):
    payload = load("usd_promo.placed.store_get", exact=True)
    target = payload["order"]
    for key in place[:-1]:
        target = target[key]
    if place[-1].startswith("raw_"):
        target[place[-1]]["value"] = "-1.5"
    else:
        target[place[-1]] = -1
    with pytest.raises(MoneyError) as caught:
        convert(payload)
    assert caught.value.path == path


def test_negatives_medusa_does_write_are_not_read_as_prices():
    """A refund transaction and a pending difference are negative in Medusa: they are not mapped, only kept."""
    payload = load("kwd_refund_return.returned.admin_return_receive_confirm_response")
    assert payload["order_preview"]["transactions"][1]["amount"] < 0
    assert payload["order_preview"]["summary"]["pending_difference"] < 0
    assert medusa.from_canonical(convert(payload).order) == payload


# ------------------------------------------------------------------ statuses


def test_a_cancelled_fulfillment_steps_back_and_the_lifecycle_allows_it():
    """Every fulfillment cancelled: Medusa says canceled, the order waits to be fulfilled again (confirmed)."""
    packed = load("usd_lifecycle.fulfilled.admin_get_expanded")
    cancelled = copy.deepcopy(packed)
    order = cancelled["order"]
    order["fulfillments"][0]["canceled_at"] = "2026-12-03T06:00:00.000Z"
    order["fulfillment_status"] = "canceled"
    for item in order["items"]:
        item["detail"]["fulfilled_quantity"] = 0
    before, after = convert(packed).order.status, convert(cancelled).order.status
    assert (before, after) == (OrderStatus.PROCESSING, OrderStatus.CONFIRMED)
    assert cartnorm.lifecycle.check_transition(before, after).allowed
    assert "cancelled before it shipped" in cartnorm.lifecycle.check_transition(before, after).reason


def test_derived_axes_follow_medusas_own_aggregation():
    payload = load("usd_split_delivery.delivered_1_of_2.admin_action_response")
    result = convert(payload)
    derived = result.order.additional_fields["medusa"]["derived_status"]
    assert derived == {"payment_status": "captured", "fulfillment_status": "partially_delivered"}
    assert result.order.status is OrderStatus.FULFILLED  # every unit shipped
    assert result.order.raw_status == "status=pending"  # only what Medusa sent
    assert codes(result).count("status_derived") == 2
    assert medusa.from_canonical(result.order) == payload


def test_a_partial_capture_and_a_partial_refund_are_derived_as_medusa_counts_them():
    payload = load("usd_lifecycle.placed.store_complete", exact=True)
    collection = payload["order"]["payment_collections"][0]
    collection.update(status="partially_captured", captured_amount=Decimal("10"))
    collection.pop("raw_captured_amount", None)
    assert convert(payload).order.additional_fields["medusa"]["derived_status"]["payment_status"] == (
        "partially_captured"
    )
    collection.update(refunded_amount=collection["amount"])
    collection.pop("raw_refunded_amount", None)
    assert convert(payload).order.additional_fields["medusa"]["derived_status"]["payment_status"] == "refunded"


# ------------------------------------------------------------------ parcels


def test_two_labels_are_two_shipments_and_the_lines_ride_on_the_first():
    payload = load("usd_lifecycle.shipped.admin_get_expanded")
    order = convert(payload).order
    first, second = order.shipments
    assert (first.shipment_id, second.shipment_id) == ("ful_01M8X52BNXHT2QA3R1YJGP0XJT",
                                                       "ful_01M8X52BNXHT2QA3R1YJGP0XJT#2")  # fmt: skip
    assert (first.tracking_number, second.tracking_number) == ("1Z999AA10123456784", "1Z999AA10123456785")
    assert sum(line.quantity for line in first.line_items) == 3 and second.line_items == ()
    assert order.additional_fields["medusa"]["parcels"] == {"$.fulfillments[0]": 2}
    assert medusa.from_canonical(order) == payload


def test_every_unit_returned_recomputes_the_line_from_its_rates():
    """Medusa reports a line with every unit returned as zeros: per-unit amounts come from price, adjustments, rates."""
    payload = load("usd_promo.placed.store_get", exact=True)
    item = payload["order"]["items"][0]
    for key in ("subtotal", "total", "tax_total", "discount_subtotal", "discount_tax_total", "discount_total",
                "original_total", "original_subtotal", "original_tax_total"):  # fmt: skip
        item[key] = 0
        item["raw_" + key] = {"value": "0", "precision": 20}
    item["detail"]["return_received_quantity"] = 1
    result = convert(payload)
    line = result.order.line_items[0]
    assert (line.unit_price, line.discount, line.tax) == (Decimal("49.95"), Decimal("4.995"), Decimal("3.98975625"))
    assert "line_recomputed_from_rates" in codes(result)
    assert medusa.from_canonical(result.order) == payload
