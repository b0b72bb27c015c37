"""
The Shopify strategies are realistic: their money adds up the way Shopify computes it, they produce every
key the real payloads have (and no key Shopify does not write), every documented status, and the money
readers agree with them on both sides of every bag.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from cartnorm._json import parse_json
from cartnorm.adapters.shopify._amounts import MoneySide, OrderMoney
from cartnorm.adapters.shopify._statuses import (
    FINANCIAL_STATUSES,
    FULFILLMENT_ORDER_STATUSES,
    FULFILLMENT_STATUSES,
    SHIPMENT_STATUSES,
    TRACKING_STATUSES,
    order_status,
    shipment_status,
)
from cartnorm.errors import MoneyError
from conftest import FIXTURES
from strategies.shopify import (
    ERAS,
    MODERN,
    PRE_2019,
    ZERO_DECIMAL,
    drafts,
    era_of,
    fulfillments_responses,
    key_paths,
    money_identities,
    order_key_paths,
    orders,
    orders_with_fulfillment_orders,
    payloads,
    quantity_facts,
    refunds_responses,
    statuses,
)

# Generated orders are large: Hypothesis warns when it writes one out (find() does, for the example it returns).
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning")

# --- money and quantities --------------------------------------------------------------------------------------


@given(drafts())
def test_generated_money_adds_up_like_shopifys(draft):
    """Every identity of the strategies' docstring holds exactly, on each side of every bag."""
    broken = [(name, left, right) for name, left, right in money_identities(draft.order) if left != right]
    assert not broken
    assert all(ok for _, ok in quantity_facts(draft.order)), [name for name, ok in quantity_facts(draft.order)]


def test_identities_catch_a_wrong_total():
    """The identities are not vacuous: one cent off the total price is found."""
    draft = find(drafts(era=MODERN), lambda d: d.order["line_items"], settings=settings(
        database=None, derandomize=True, phases=[Phase.generate]))  # fmt: skip
    order = json.loads(json.dumps(draft.order))
    money = order["total_price_set"]["presentment_money"]
    money["amount"] = str(Decimal(money["amount"]) + Decimal("0.01"))
    assert any(left != right for _, left, right in money_identities(order))


def _read_total(money: OrderMoney, order: dict[str, Any], side_lines: str) -> Decimal:
    shipping = money.read(order, "total_shipping_price")
    if shipping is None:  # before 2019: no total_shipping_price_set, the shipping lines are the shipping
        shipping = sum((money.read(line, "price") or Decimal(0) for line in order[side_lines]), Decimal(0))
    ship_discounts = sum(
        (
            money.read(a, "amount") or Decimal(0)
            for line in order[side_lines]
            for a in line.get("discount_allocations", [])
        ),
        Decimal(0),
    )
    tax = Decimal(0) if order["taxes_included"] else money.read(order, "total_tax")
    return money.read(order, "subtotal_price") + shipping - ship_discounts + tax


@given(drafts())
def test_money_readers_agree_with_generated_orders_on_both_sides(draft):
    """OrderMoney reads each side in its own currency, and the order identity holds on what it reads."""
    order = draft.order
    for side in MoneySide:
        money = OrderMoney.of(order, side)
        expected_currency = draft.money.presentment if side is MoneySide.PRESENTMENT else draft.money.shop
        assert money.currency == expected_currency
        assert money.read(order, "total_price") == _read_total(money, order, "shipping_lines")
        for index, line in enumerate(order["line_items"]):
            price = money.read(line, "price", f"$.line_items[{index}]")
            assert price is not None and price >= 0
            if money.currency in ZERO_DECIMAL:
                assert price == price.to_integral_value() and price.as_tuple().exponent == 0


@given(drafts(era=MODERN).filter(lambda d: d.money.shop != d.money.presentment))
def test_a_bare_only_amount_is_refused_on_the_presentment_side_of_a_converted_order(draft):
    """total_outstanding has no bag: in a converted order it has no presentment amount, and that is said."""
    order = draft.order
    with pytest.raises(MoneyError) as caught:
        OrderMoney.of(order).read(order, "total_outstanding", "$")
    assert caught.value.path == "$.total_outstanding_set"
    assert OrderMoney.of(order, MoneySide.SHOP).read(order, "total_outstanding") is not None


_NUMBER_KEYS = {"rate", "latitude", "longitude", "subtotal", "total_tax", "total_weight", "grams", "quantity",
                "current_quantity", "fulfillable_quantity", "number", "order_number", "app_id", "id", "user_id",
                "discount_application_index", "location_id", "order_id", "refund_id", "parent_id", "product_id",
                "variant_id", "checkout_id", "customer_id", "shop_id", "fulfillment_order_id", "line_item_id",
                "inventory_item_id", "assigned_location_id", "last_order_id", "orders_count",
                "fulfillment_line_item_id"}  # fmt: skip


def _numbers(value: Any, key: str = "", inside: str = "") -> Iterator[tuple[str, str, Any]]:
    if isinstance(value, dict):
        for child_key, item in value.items():
            yield from _numbers(item, child_key, key or inside)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item, key, inside)
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        yield key, inside, value


@given(payloads())
def test_numbers_only_where_shopify_writes_numbers(payload):
    """Money is a decimal string everywhere except a refund line's subtotal and total_tax (JSON numbers)."""
    for key, _, value in _numbers(payload):
        assert key in _NUMBER_KEYS, key
        if isinstance(value, float):
            assert key in ("rate", "latitude", "longitude", "subtotal", "total_tax"), key
    text = json.dumps(payload, ensure_ascii=False)
    assert json.loads(text) == payload  # plain JSON, as an HTTP body is


@given(drafts())
def test_refund_line_numbers_equal_their_shop_amounts(draft):
    """The JSON number is the shop amount, exactly (an int when whole: 99, else a float: 195.66)."""
    for refund in draft.order["refunds"]:
        for line in refund["refund_line_items"]:
            for key in ("subtotal", "total_tax"):
                value = line[key]
                assert type(value) in (int, float)
                if draft.era != PRE_2019:
                    assert Decimal(repr(value)) == Decimal(line[key + "_set"]["shop_money"]["amount"])


# --- shapes ----------------------------------------------------------------------------------------------------


@given(payloads())
def test_envelopes(payload):
    """A webhook body is the bare order; GET one is {"order": …}; a list page is {"orders": [...]}."""
    if "orders" in payload:
        assert set(payload) == {"orders"}
    elif "order" in payload:
        assert set(payload) == {"order"} and "line_items" in payload["order"]
    else:
        assert "line_items" in payload and era_of(payload) == MODERN


@given(orders_with_fulfillment_orders())
def test_fulfillment_orders_belong_to_their_order(pair):
    """Each fulfillment order is for the order, at one location, over its shipping lines, within quantities."""
    order, body = pair
    found = body["fulfillment_orders"] if isinstance(body, dict) else body
    lines = {line["id"]: line for line in order["line_items"]}
    assert len({fo["id"] for fo in found}) == len(found)
    for fo in found:
        assert fo["order_id"] == order["id"]
        assert fo["assigned_location"]["location_id"] == fo["assigned_location_id"]
        for item in fo["line_items"]:
            assert lines[item["line_item_id"]]["requires_shipping"]
            assert item["fulfillment_order_id"] == fo["id"]
            assert 0 <= item["fulfillable_quantity"] <= item["quantity"] <= lines[item["line_item_id"]]["quantity"]


# --- every real key, every documented status -------------------------------------------------------------------


def _sample_paths() -> tuple[set[str], set[str]]:
    """The key paths of the real payloads: order paths (refunds and fulfillments lists placed in the order)."""
    order_paths: set[str] = set()
    fulfillment_order_paths: set[str] = set()
    for path in sorted((FIXTURES / "shopify").glob("*.payload.json")):
        if not path.name.startswith(("sapi_", "membi_", "erp_")):
            continue  # the constructed cases (rule_*, error_*) are edits of these
        payload = parse_json(path.read_bytes())
        if "refunds" in payload and len(payload) == 1:
            order_paths |= {".refunds[]" + p for refund in payload["refunds"] for p in key_paths(refund)}
        elif "fulfillments" in payload and len(payload) == 1:
            order_paths |= {".fulfillments[]" + p for f in payload["fulfillments"] for p in key_paths(f)}
        elif "line_items" in payload.get("order", payload):
            order_paths |= set(order_key_paths(payload))
        else:
            found = payload.get("fulfillment_orders") or [
                value for key, value in payload.items() if key.endswith("fulfillment_order") and value
            ]
            fulfillment_order_paths |= {p for fo in found for p in key_paths(fo)}
    return order_paths, fulfillment_order_paths


def _fulfillment_order_list(body: Any) -> list[dict[str, Any]]:
    return body["fulfillment_orders"] if isinstance(body, dict) else body


@st.composite
def _every_shape(draw: st.DrawFn) -> tuple[set[str], set[str]]:
    kind = draw(st.sampled_from(["order", "refunds", "fulfillments", "fulfillment_orders"]))
    if kind == "order":
        return set(order_key_paths(draw(orders(era=draw(st.sampled_from(ERAS)))))), set()
    if kind == "refunds":
        body = draw(refunds_responses())
        return {".refunds[]" + p for refund in body["refunds"] for p in key_paths(refund)}, set()
    if kind == "fulfillments":
        body = draw(fulfillments_responses())
        return {".fulfillments[]" + p for f in body["fulfillments"] for p in key_paths(f)}, set()
    order, body = draw(orders_with_fulfillment_orders())
    return set(order_key_paths(order)), {p for fo in _fulfillment_order_list(body) for p in key_paths(fo)}


# Keys Shopify documents that none of the real payloads happens to carry: the REST Refund resource's
# order_adjustments (https://shopify.dev/docs/api/admin-rest/2024-04/resources/refund).
DOCUMENTED_BEYOND_SAMPLES = {
    ".refunds[].order_adjustments[]." + key
    for key in ("id", "order_id", "refund_id", "amount", "amount_set", "tax_amount", "tax_amount_set", "kind", "reason")
} | {
    ".refunds[].order_adjustments[]." + side + leaf
    for side in ("amount_set.", "tax_amount_set.")
    for leaf in ("shop_money", "shop_money.amount", "shop_money.currency_code", "presentment_money",
                 "presentment_money.amount", "presentment_money.currency_code")
}  # fmt: skip
# Free-form objects whose inner keys vary from payload to payload.
FREE_FORM = (".fulfillments[].receipt.", ".refunds[].transactions[].receipt.")
# The same objects in other places: a shipping line's tax lines and discount allocations are a line item's
# (always empty in the samples), a fulfillment's line items are copies of the order's line items.
SAME_SHAPE = {".shipping_lines[].tax_lines[]": ".line_items[].tax_lines[]",
              ".shipping_lines[].discount_allocations[]": ".line_items[].discount_allocations[]",
              ".fulfillments[].line_items[]": ".line_items[]"}  # fmt: skip


def _known_elsewhere(path: str, wanted: set[str]) -> bool:
    return any(
        path.startswith(prefix) and path.replace(prefix, same, 1) in wanted for prefix, same in SAME_SHAPE.items()
    )


def test_every_real_key_can_be_generated_and_none_is_invented():
    """The strategies produce every key path of the 14 real payloads, and only keys Shopify writes."""
    wanted_orders, wanted_fulfillment_orders = _sample_paths()
    seen_orders: set[str] = set()
    seen_fulfillment_orders: set[str] = set()

    def covered(shapes: tuple[set[str], set[str]]) -> bool:
        seen_orders.update(shapes[0])
        seen_fulfillment_orders.update(shapes[1])
        return wanted_orders <= seen_orders and wanted_fulfillment_orders <= seen_fulfillment_orders

    fast = settings(database=None, derandomize=True, max_examples=2000, phases=[Phase.generate],
                    suppress_health_check=list(HealthCheck))  # fmt: skip
    find(_every_shape(), covered, settings=fast)
    invented = {
        path
        for path in seen_orders - wanted_orders
        if not path.startswith(FREE_FORM) and not _known_elsewhere(path, wanted_orders)
    }
    assert invented <= DOCUMENTED_BEYOND_SAMPLES, sorted(invented - DOCUMENTED_BEYOND_SAMPLES)
    assert seen_fulfillment_orders <= wanted_fulfillment_orders


def test_every_documented_order_status_combination_is_drawn():
    """All 8 × 4 × 2 documented combinations, and undocumented values too, come out of `statuses()`."""
    wanted = {(f, "null" if s is None else s, c) for f in FINANCIAL_STATUSES for s in (None, "partial", "fulfilled",
              "restocked") for c in (False, True)}  # fmt: skip
    assert {key[:2] for key in wanted} == {(f, s) for f in FINANCIAL_STATUSES for s in FULFILLMENT_STATUSES}
    seen: set[tuple[Any, Any, bool]] = set()
    unknown: list[bool] = []

    def all_seen(drawn: Any) -> bool:
        seen.add((drawn.financial, "null" if drawn.fulfillment is None else drawn.fulfillment, drawn.cancelled))
        unknown.append(drawn.financial not in FINANCIAL_STATUSES)
        return wanted <= seen and any(unknown)

    find(statuses(), all_seen, settings=settings(database=None, derandomize=True, max_examples=5000,
                                                  phases=[Phase.generate]))  # fmt: skip


def test_every_fulfillment_and_fulfillment_order_status_is_drawn():
    """Every fulfillment status, carrier status and fulfillment-order status appears in generated payloads."""
    seen: set[tuple[str, Any]] = set()
    wanted = {("status", s) for s in SHIPMENT_STATUSES} | {("shipment_status", s) for s in TRACKING_STATUSES}
    wanted |= {("fo", s) for s in FULFILLMENT_ORDER_STATUSES}

    def all_seen(pair: Any) -> bool:
        order, body = pair
        for fulfillment in order["fulfillments"]:
            seen.add(("status", fulfillment["status"]))
            seen.add(("shipment_status", fulfillment["shipment_status"] or "null"))
            assert shipment_status(fulfillment).raw_status is not None
        seen.update(("fo", fo["status"]) for fo in _fulfillment_order_list(body))
        return wanted <= seen

    find(orders_with_fulfillment_orders(), all_seen, settings=settings(
        database=None, derandomize=True, max_examples=3000, phases=[Phase.generate],
        suppress_health_check=list(HealthCheck)))  # fmt: skip


@given(drafts())
def test_generated_statuses_are_known_exactly_when_documented(draft):
    """The order table knows a generated order exactly when its values are documented ones."""
    order = draft.order
    documented = order["financial_status"] in FINANCIAL_STATUSES and order["fulfillment_status"] in (
        None, "partial", "fulfilled", "restocked")  # fmt: skip
    assert order_status(order).known == documented


def test_zero_decimal_and_converted_orders_are_generated():
    """JPY/KRW amounts without decimals, and orders whose shop and presentment currencies differ."""
    found = find(
        drafts(era=MODERN),
        lambda d: d.money.presentment in ZERO_DECIMAL and d.money.shop not in ZERO_DECIMAL,
        settings=settings(database=None, derandomize=True, max_examples=2000, phases=[Phase.generate],
                          suppress_health_check=list(HealthCheck)),
    )  # fmt: skip
    bag = found.order["total_price_set"]
    assert "." not in bag["presentment_money"]["amount"] and "." in bag["shop_money"]["amount"]
    assert bag["presentment_money"]["currency_code"] != bag["shop_money"]["currency_code"]
