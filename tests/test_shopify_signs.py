"""
Shopify amounts and counts that cannot be below zero (issue 13, rule 7), on the real captures.

Each case takes a fixture payload, makes one place negative (found by its key path, list positions as
``[]``), and expects the error at exactly that place. Shopify writes negative amounts in refunds only
(``order_adjustments``, transactions): those still convert, and round-trip.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest

from cartnorm._json import parse_json
from cartnorm._paths import ROOT, child
from cartnorm.adapters import shopify
from cartnorm.errors import MoneyError, PayloadError
from conftest import FIXTURES

OBSERVED = datetime(2026, 1, 1, tzinfo=timezone.utc)
SIDES = ("shop_money", "presentment_money")

#: Fixtures whose payload is one order (``*.expected.json``): the real captures and the rule cases.
ORDERS = sorted(path.name.removesuffix(".expected.json") for path in (FIXTURES / "shopify").glob("*.expected.json"))


def _amount(key: str, *, bare: bool = True) -> list[tuple[str, str]]:
    """The places an amount ``key`` is written (``.price``, ``.price_set.shop_money.amount`` …) and its name."""
    name = key.rsplit(".", 1)[-1]
    places = [f"{key}_set.{side}.amount" for side in SIDES]
    return [(place, name) for place in ([key, *places] if bare else places)]


#: Amounts Shopify never writes below zero: key path (relative to the order) → the field named in the error.
NEVER_NEGATIVE: list[tuple[str, str]] = [
    *(
        place
        for key in (
            ".total_price", ".total_tax", ".total_discounts", ".subtotal_price", ".total_line_items_price",
            ".current_total_price", ".current_total_tax", ".current_total_discounts", ".current_subtotal_price",
            ".line_items[].price", ".line_items[].total_discount", ".line_items[].tax_lines[].price",
            ".line_items[].discount_allocations[].amount",
            ".shipping_lines[].price", ".shipping_lines[].discounted_price",
            ".refunds[].refund_line_items[].subtotal", ".refunds[].refund_line_items[].total_tax",
        )
        for place in _amount(key)
    ),
    *_amount(".total_shipping_price", bare=False),
    *_amount(".current_shipping_price", bare=False),
]  # fmt: skip

#: Counts that are never negative: key path → what the error expects.
COUNTS: list[tuple[str, str]] = [
    (".line_items[].quantity", "the quantity ordered: a whole number of at least 1"),
    (".fulfillments[].line_items[].quantity", "the quantity fulfilled: a whole number of zero or more"),
    (".refunds[].refund_line_items[].quantity", "the quantity refunded: a whole number of zero or more"),
]


def _load(name: str, suffix: str) -> Any:
    path = FIXTURES / "shopify" / f"{name}.{suffix}.json"
    return parse_json(path.read_bytes()) if path.exists() else None


def _options(name: str) -> dict[str, Any]:
    return _load(name, "options") or {}


def _places(value: Any, pattern: str = "", path: str = ROOT, keys: tuple[Any, ...] = ()) -> Iterator[Any]:
    """(key path with ``[]``, JSON path, keys) of every place in ``value``, depth first, in document order."""
    yield pattern, path, keys
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _places(item, f"{pattern}.{key}", child(path, key), (*keys, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _places(item, f"{pattern}[]", child(path, index), (*keys, index))


def _order_places(payload: dict[str, Any]) -> dict[str, tuple[str, tuple[Any, ...]]]:
    """The first place of each key path of the order (an ``{"order": …}`` body's order included)."""
    inner = ".order" if "order" in payload else ""
    found: dict[str, tuple[str, tuple[Any, ...]]] = {}
    for pattern, path, keys in _places(payload):
        if pattern.startswith(inner):
            found.setdefault(pattern.removeprefix(inner), (path, keys))
    return found


def _cases(table: list[tuple[str, str]]) -> list[Any]:
    cases = []
    for name in ORDERS:
        places = _order_places(_load(name, "payload"))
        for pattern, expected in table:
            if pattern in places:
                path, keys = places[pattern]
                cases.append(pytest.param(name, keys, path, expected, id=f"{name}:{path}"))
    return cases


def _set(payload: Any, keys: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(payload)
    target = changed
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value
    return changed


def _negative(value: Any) -> Any:
    """A negative amount in the same encoding: a decimal string, or a JSON number."""
    return "-0.01" if isinstance(value, str) else Decimal("-0.01")


def _at(payload: Any, keys: tuple[Any, ...]) -> Any:
    for key in keys:
        payload = payload[key]
    return payload


def test_every_fixture_field_is_covered():
    """Each place listed is in at least one real payload: the cases below are not vacuous."""
    covered = {pattern for name in ORDERS for pattern in _order_places(_load(name, "payload"))}
    assert [pattern for pattern, _ in NEVER_NEGATIVE + COUNTS if pattern not in covered] == []


@pytest.mark.parametrize(("name", "keys", "path", "field"), _cases(NEVER_NEGATIVE))
@pytest.mark.parametrize("side", ["presentment", "shop"])
def test_a_negative_amount_is_a_money_error_at_its_path(name, keys, path, field, side):
    """A price, total, tax, discount or refunded line amount below zero: MoneyError at that place, either side."""
    payload = _load(name, "payload")
    broken = _set(payload, keys, _negative(_at(payload, keys)))
    with pytest.raises(MoneyError) as caught:
        shopify.convert(broken, observed_at=OBSERVED, **{**_options(name), "money_side": side})
    assert caught.value.path == path
    assert caught.value.expected == f"an amount of zero or more (Shopify never writes {field} below zero)"
    assert "refunds" in caught.value.hint


@pytest.mark.parametrize(("name", "keys", "path", "expected"), _cases(COUNTS))
def test_a_negative_count_is_a_payload_error_at_its_path(name, keys, path, expected):
    """A quantity ordered, fulfilled or refunded below zero: PayloadError at that place."""
    broken = _set(_load(name, "payload"), keys, -1)
    with pytest.raises(PayloadError) as caught:
        shopify.convert(broken, observed_at=OBSERVED, **_options(name))
    assert type(caught.value) is PayloadError
    assert (caught.value.path, caught.value.expected) == (path, expected)


def test_a_negative_quantity_to_fulfil_is_a_payload_error_in_the_fulfillment_orders():
    """The fulfillment orders given beside the order: their line quantity below zero names its place there."""
    name = "erp_pln_order_fulfilled_two_fulfillments"
    options = _options(name)
    options["fulfillment_orders"]["fulfillment_orders"][0]["line_items"][0]["quantity"] = -1
    with pytest.raises(PayloadError) as caught:
        shopify.convert(_load(name, "payload"), observed_at=OBSERVED, **options)
    assert caught.value.path == "$.fulfillment_orders[0].line_items[0].quantity"
    assert caught.value.expected == "the quantity to fulfil: a whole number of zero or more"


@pytest.mark.parametrize("place", [(), ("price_set", "shop_money"), ("price_set", "presentment_money")])
@pytest.mark.parametrize("taxes_included", [False, True])
def test_a_negative_shipping_tax_is_a_money_error(place, taxes_included):
    """A shipping line's tax line below zero (no capture has one: added here), read or not."""
    payload = _load("sapi_2024-04_order_get_1001_partially_refunded", "payload")
    order = payload["order"]
    order["taxes_included"] = taxes_included
    tax = {"price": "0.50", "rate": Decimal("0.05"), "title": "GST", "price_set": _bag("0.50")}
    order["shipping_lines"][0]["tax_lines"] = [tax]
    assert shopify.from_canonical(shopify.to_canonical(payload, observed_at=OBSERVED)) == payload
    target = tax
    for key in place:
        target = target[key]
    target["price" if not place else "amount"] = "-0.50"
    with pytest.raises(MoneyError) as caught:
        shopify.convert(payload, observed_at=OBSERVED)
    where = ".".join(("$.order.shipping_lines[0].tax_lines[0]", *place, "price" if not place else "amount"))
    assert caught.value.path == where
    assert caught.value.expected == "an amount of zero or more (Shopify never writes price below zero)"


def _bag(amount: str) -> dict[str, Any]:
    return {side: {"amount": amount, "currency_code": "USD"} for side in SIDES}


def _refund_with_negatives() -> dict[str, Any]:
    """The partially refunded capture, its refund with a shipping refund, discrepancies and a negative transaction."""
    payload = _load("sapi_2024-04_order_get_1001_partially_refunded", "payload")
    refund = payload["order"]["refunds"][0]
    common = {"order_id": payload["order"]["id"], "refund_id": refund["id"], "tax_amount": "0.00",
              "tax_amount_set": _bag("0.00")}  # fmt: skip
    refund["order_adjustments"] = [
        {"id": 1, **common, "amount": "-5.00", "amount_set": _bag("-5.00"), "kind": "shipping_refund",
         "reason": "Shipping refund"},
        {"id": 2, **common, "amount": "-0.01", "amount_set": _bag("-0.01"), "kind": "refund_discrepancy",
         "reason": "Refund discrepancy"},
        {"id": 3, **common, "amount": "0.01", "amount_set": _bag("0.01"), "kind": "refund_discrepancy",
         "reason": "Refund discrepancy"},
    ]  # fmt: skip
    refund["transactions"].append({**refund["transactions"][0], "id": 4, "kind": "refund", "amount": "-1.00"})
    return payload


def test_the_negatives_shopify_writes_still_convert_and_round_trip():
    """order_adjustments (a shipping refund, discrepancies either way) and transactions keep their sign."""
    payload = _refund_with_negatives()
    before = copy.deepcopy(payload)
    order = shopify.to_canonical(payload, observed_at=OBSERVED)
    assert payload == before
    assert shopify.from_canonical(order) == payload
    refund = order.additional_fields["shopify"]["post_purchase"]["refunds"][0]
    assert refund["shipping"] == Decimal("5.00")  # the shipping refund, as a positive amount
    assert refund["amount"] == Decimal("208.00")  # 209.00 and the -1.00 transaction, summed as written


def test_minus_zero_is_not_below_zero():
    """``"-0.00"`` is zero: accepted, and written back as it came."""
    payload = _load("sapi_2024-04_order_get_1001_partially_refunded", "payload")
    payload["order"]["total_discounts"] = "-0.00"
    assert shopify.from_canonical(shopify.to_canonical(payload, observed_at=OBSERVED)) == payload


def test_no_capture_writes_a_negative_amount_outside_the_signed_places():
    """No fixture payload has a negative decimal string except where Shopify writes one (refunds' adjustments,
    transactions): the captures agree with the rule (the error cases break it on purpose)."""
    signed = (".refunds[].order_adjustments[]", ".refunds[].transactions[]")
    for path in sorted((FIXTURES / "shopify").glob("*.payload.json")):
        if path.name.startswith("error_"):
            continue
        payload = parse_json(path.read_bytes())
        for pattern, where, keys in _places(payload):
            value = _at(payload, keys)
            if isinstance(value, str) and value[:1] == "-" and value[1:2].isdigit():
                assert any(marker in pattern for marker in signed), f"{path.name}: {where} is {value}"
