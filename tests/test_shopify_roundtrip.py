"""Properties of the Shopify adapter on generated orders: exact round trips, Trackstar-valid output, the identities."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartnorm import to_trackstar, validate_trackstar
from cartnorm._json import encode_json, parse_json
from cartnorm.adapters import shopify
from cartnorm.lossless import same
from cartnorm.money import line_amount
from strategies.shopify import drafts, era_of, orders, orders_with_fulfillment_orders, payloads

OBSERVED = datetime(2026, 1, 1, tzinfo=timezone.utc)
SIDES = st.sampled_from(["presentment", "shop"])
#: Generated Shopify orders are large: Hypothesis's warning about writing one out is not a failure.
LARGE = settings(
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
)


def _typed(value: Any) -> str:
    """JSON text with sorted keys, as ``json.dumps`` writes ``json.loads`` values: ``1.0`` and ``1`` differ."""
    return json.dumps(value, sort_keys=True)


def _orders_in(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """What a user converts: the payload itself, or each item of an ``{"orders": [...]}`` page."""
    return payload["orders"] if "orders" in payload and "line_items" not in payload else [payload]


@LARGE
@given(payloads(), SIDES)
def test_every_payload_round_trips_exactly_and_validates(payload, side):
    """from_canonical(to_canonical(p)) == p (json.loads floats as floats), p untouched, the order Trackstar-valid."""
    for one in _orders_in(payload):
        before = copy.deepcopy(one)
        order = shopify.to_canonical(one, observed_at=OBSERVED, money_side=side)
        assert one == before
        back = shopify.from_canonical(order)
        assert back == one
        assert _typed(back) == _typed(one)  # the same types too: a float stays a float, an int an int
        assert validate_trackstar(to_trackstar(order)) == []


@LARGE
@given(orders(), SIDES)
def test_cartnorms_own_parser_round_trips_too(order, side):
    """Parsed by cartnorm (Decimals, not floats): the same canonical order, and that very payload back."""
    exact = parse_json(json.dumps(order).encode())
    canonical = shopify.to_canonical(exact, observed_at=OBSERVED, money_side=side)
    assert same(shopify.from_canonical(canonical), exact)
    floats = shopify.to_canonical(order, observed_at=OBSERVED, money_side=side)
    assert _without_layout(floats) == _without_layout(canonical)


def _without_layout(order: Any) -> dict[str, Any]:
    found = json.loads(encode_json(to_trackstar(order)))
    found.pop("additional_fields")
    return found


@LARGE
@given(orders_with_fulfillment_orders(), SIDES)
def test_fulfillment_orders_round_trip_and_become_shipping_groups(pair, side):
    """Both documents come back exactly; one shipping group per fulfillment order; shipments reference them."""
    order, fulfillment_orders = pair
    canonical = shopify.to_canonical(order, fulfillment_orders=fulfillment_orders, observed_at=OBSERVED,
                                     money_side=side)  # fmt: skip
    assert shopify.from_canonical(canonical) == order
    assert shopify.fulfillment_orders_from_canonical(canonical) == fulfillment_orders
    listed = fulfillment_orders["fulfillment_orders"] if isinstance(fulfillment_orders, dict) else fulfillment_orders
    assert [group.shipping_group_id for group in canonical.shipping_groups] == [str(fo["id"]) for fo in listed]
    groups = {group.shipping_group_id: group for group in canonical.shipping_groups}
    for shipment in canonical.shipments:
        for reference in shipment.shipping_groups:
            assert groups[reference].warehouse_id == shipment.warehouse_id
    assert validate_trackstar(to_trackstar(canonical)) == []


def _sides(order: dict[str, Any], side: str) -> str:
    return "bare" if era_of(order) == "pre-2019" else f"{side}_money"


def _amount(obj: dict[str, Any], key: str, side: str) -> Decimal:
    if side == "bare":
        value = obj[key]
        return Decimal(value) if isinstance(value, str) else Decimal(repr(value))
    return Decimal(obj[key + "_set"][side]["amount"])


@LARGE
@given(drafts(), SIDES)
def test_the_order_identity_holds_and_amounts_come_from_one_side(draft, side):
    """
    Σ unit_price × quantity (remainders added back) − total_discount + total_tax + total_shipping = total_price,
    every amount and the currency from the side read (generated orders have no tips or duties).
    """
    order = draft.order
    canonical = shopify.to_canonical(order, observed_at=OBSERVED, money_side=side)
    layout = canonical.additional_fields["shopify"]
    assert "totals_gap" not in layout
    which = _sides(order, side)
    currency = draft.money.presentment if side == "presentment" else draft.money.shop
    assert canonical.invoice_currency_code == currency
    assert canonical.total_price == _amount(order, "total_price", which)
    assert canonical.total_tax == _amount(order, "total_tax", which)
    assert canonical.total_discount == _amount(order, "total_discounts", which)
    remainders = {(entry["line_index"], entry["field"]): Decimal(entry["remainder"])
                  for entry in layout.get("per_unit_remainders", [])}  # fmt: skip
    lines = sum(
        (line_amount(line.unit_price, line.quantity, remainders.get((index, "unit_price")))
         for index, line in enumerate(canonical.line_items)), Decimal(0),
    )  # fmt: skip
    assert canonical.total_price == lines - canonical.total_discount + canonical.total_tax + canonical.total_shipping
    for index, (line, item) in enumerate(zip(canonical.line_items, order["line_items"], strict=True)):
        taxes = sum((_amount(tax, "price", which) for tax in item["tax_lines"]), Decimal(0))
        assert line_amount(line.tax, line.quantity, remainders.get((index, "tax"))) == taxes
        if which != "bare":
            allocated = sum((_amount(a, "amount", which) for a in item["discount_allocations"]), Decimal(0))
            assert line_amount(line.discount, line.quantity, remainders.get((index, "discount"))) == allocated
        gross = _amount(item, "price", which) * line.quantity
        net = gross - taxes if order["taxes_included"] else gross
        assert line_amount(line.unit_price, line.quantity, remainders.get((index, "unit_price"))) == net
