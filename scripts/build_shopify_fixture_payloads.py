"""
Provenance of the constructed ``fixtures/shopify/rule_*`` and ``error_*`` cases: how each was made
from the real captures beside them.

The captures (``sapi_…``, ``membi_…``, ``erp_…``) are real payloads, byte-exact (see
``fixtures/shopify/README.md``). They do not show every rule the adapter implements, so each
constructed case is one capture edited the way Shopify itself writes that state; every edit is
spelled out below and keeps Shopify's own money identities. Run by hand:
``python scripts/build_shopify_fixture_payloads.py``. Expected files are NOT generated here: they
are written and reviewed separately, against the rules in ``docs/vendors/shopify.md``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from cartnorm._json import encode_json, parse_json

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "shopify"
#: Shopify's own fixture order #1001 (USD): three lines, a TENOFF code, State Tax, a refund, a failed fulfillment.
ORDER_1001 = "sapi_2024-04_order_get_1001_partially_refunded"
#: Shopify's fixture order with one successful fulfillment without a tracking number.
FULFILLED = "sapi_2024-04_order_create_fulfilled"
#: A pending order of one line (USD 199.00), no tax, no shipping.
PENDING = "sapi_2024-04_order_create_pending"


def load(name: str) -> Any:
    return parse_json((OUT / f"{name}.payload.json").read_bytes())


def save(case: str, payload: Any, options: dict[str, Any] | None = None) -> None:
    (OUT / f"{case}.payload.json").write_text(encode_json(payload, indent=2) + "\n", encoding="utf-8")
    if options is not None:
        (OUT / f"{case}.options.json").write_text(encode_json(options, indent=2) + "\n", encoding="utf-8")


def walk(value: Any, visit: Callable[[dict[str, Any]], None]) -> None:
    """Call ``visit`` on every object inside ``value``."""
    if isinstance(value, dict):
        visit(value)
        for item in value.values():
            walk(item, visit)
    elif isinstance(value, list):
        for item in value:
            walk(item, visit)


def presented_in_yen(order: dict[str, Any]) -> dict[str, Any]:
    """
    Order #1001 bought in JPY by a buyer of a USD shop: every MoneyBag's presentment side at ¥100 per dollar
    (``"199.00"`` → ``"19900"``, so every sum stays exact), ``presentment_currency`` JPY, and the refund
    transaction in the buyer's currency. The bare strings and the shop sides stay USD, as Shopify writes them.
    """
    order = copy.deepcopy(order)
    order["presentment_currency"] = "JPY"

    def visit(obj: dict[str, Any]) -> None:
        money = obj.get("presentment_money")
        if isinstance(money, dict) and money.get("currency_code") == "USD":
            money["amount"] = str((Decimal(money["amount"]) * 100).quantize(Decimal(1)))
            money["currency_code"] = "JPY"
        if obj.get("kind") == "refund" and obj.get("currency") == "USD" and "gateway" in obj:
            obj["amount"] = str((Decimal(obj["amount"]) * 100).quantize(Decimal(1)))
            obj["currency"] = "JPY"

    walk(order, visit)
    return order


def three_tracking_numbers(order: dict[str, Any]) -> dict[str, Any]:
    """The fulfilled order shipped as three parcels: three tracking numbers and URLs on its one fulfillment."""
    order = copy.deepcopy(order)
    fulfillment = order["fulfillments"][0]
    numbers = ["1Z2345", "#☠1☢\n---\n4321\n", "LX123456789CN"]  # Shopify's own hostile tracking text among them
    urls = [f"https://tools.usps.com/go/TrackConfirmAction_input?qtc_tLabels1={n}" for n in ("1Z2345", "2", "3")]
    fulfillment.update(tracking_company="USPS", tracking_number=numbers[0], tracking_numbers=numbers,
                       tracking_url=urls[0], tracking_urls=urls, shipment_status="in_transit")  # fmt: skip
    return order


def taxes_included(order: dict[str, Any]) -> dict[str, Any]:
    """
    Order #1001 in a shop whose prices include tax (VAT): ``taxes_included`` true, the same tax lines, and
    ``total_price`` / ``current_total_price`` without the tax added on top (Shopify's rule when prices hold it).
    """
    order = copy.deepcopy(order)
    order["taxes_included"] = True
    for key, tax_key in (("total_price", "total_tax"), ("current_total_price", "current_total_tax")):
        tax = Decimal(order[tax_key])
        order[key] = str(Decimal(order[key]) - tax)
        for side in ("shop_money", "presentment_money"):
            money = order[key + "_set"][side]
            money["amount"] = str(Decimal(money["amount"]) - tax)
    return order


def before_2019(order: dict[str, Any]) -> dict[str, Any]:
    """
    Order #1001 as the API wrote it before presentment currencies (2019): no ``*_set`` MoneyBag anywhere, no
    ``presentment_currency``, no ``discount_allocations`` (each line's discount in its ``total_discount``).
    """
    order = copy.deepcopy(order)
    order.pop("presentment_currency")
    for line in order["line_items"]:
        allocated = sum((Decimal(a["amount"]) for a in line.pop("discount_allocations")), Decimal(0))
        line["total_discount"] = f"{allocated:.2f}"
    order.pop("discount_applications")

    def visit(obj: dict[str, Any]) -> None:
        for key in [key for key in obj if key.endswith("_set")]:
            del obj[key]

    walk(order, visit)
    return order


def graphql_statuses(order: dict[str, Any]) -> dict[str, Any]:
    """The pending order with GraphQL's upper-case values where REST writes lower case: not REST's values."""
    order = copy.deepcopy(order)
    order.update(financial_status="PENDING", fulfillment_status="UNFULFILLED")
    return order


def with_tip(order: dict[str, Any]) -> dict[str, Any]:
    """The pending order with a 5.00 tip: ``total_tip_received`` and every total price 5.00 higher."""
    order = copy.deepcopy(order)
    order["total_tip_received"] = "5.00"
    for key in ("total_price", "current_total_price", "total_outstanding"):
        order[key] = str(Decimal(order[key]) + 5)
        for money in order.get(key + "_set", {}).values():
            money["amount"] = str(Decimal(money["amount"]) + 5)
    return order


def main() -> None:
    order_1001 = load(ORDER_1001)
    yen = presented_in_yen(order_1001["order"])
    save("rule_presented_in_yen", {"order": yen})
    save("rule_presented_in_yen_shop_side", {"order": yen}, {"money_side": "shop"})
    save("rule_three_tracking_numbers", three_tracking_numbers(load(FULFILLED)["order"]))
    save("rule_taxes_included", taxes_included(order_1001["order"]))
    save("rule_before_2019_without_bags", before_2019(order_1001["order"]))
    pending = load(PENDING)["order"]
    save("rule_graphql_status_values_are_other", graphql_statuses(pending))
    save("rule_tip_outside_the_identity", with_tip(pending))
    # errors: one edit each
    missing = copy.deepcopy(yen)
    del missing["total_tax_set"]  # only the bare USD string is left: the presentment amount is missing
    save("error_presentment_amount_only_in_shop_currency", {"order": missing})
    mixed = copy.deepcopy(yen)
    mixed["line_items"][1]["price_set"]["presentment_money"]["currency_code"] = "EUR"
    save("error_bag_in_another_currency", {"order": mixed})
    exponent = copy.deepcopy(pending)
    exponent["total_price"] = "1.99E+2"
    exponent.pop("total_price_set")
    save("error_amount_with_an_exponent", exponent)
    dated = copy.deepcopy(pending)
    dated["created_at"] = "2024-04-02 09:11:25"
    save("error_created_at_without_offset", dated)
    zero = copy.deepcopy(pending)
    zero["line_items"][0]["quantity"] = 0
    save("error_line_quantity_zero", zero)
    negative = copy.deepcopy(pending)  # a price below zero, everywhere it is written: Shopify never writes one
    negative["line_items"][0]["price"] = "-199.00"
    for side in ("shop_money", "presentment_money"):
        negative["line_items"][0]["price_set"][side]["amount"] = "-199.00"
    save("error_line_price_negative", negative)
    # the PLN order with order #1001's fulfillment orders: they belong to another order
    save("error_fulfillment_orders_of_another_order", load("erp_pln_order_fulfilled_two_fulfillments"),
         {"fulfillment_orders": load("sapi_2024-04_fulfillment_orders_list_a")})  # fmt: skip


if __name__ == "__main__":
    main()
