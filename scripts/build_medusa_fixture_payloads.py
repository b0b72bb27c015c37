"""
Provenance of ``fixtures/medusa/*.payload.json``: how each was made from the real samples.

The samples are verbatim responses captured from live servers: Medusa 1.20.10
(``fixtures/medusa-live/v1``) and Medusa 2.21.2 (``fixtures/medusa-live/v2``); see
``fixtures/medusa/README.md``. Cases named after a sample are copies; the others are that
sample edited the way Medusa itself (or the named producer) would have written the state
(every edit is spelled out below). Run by hand: ``python scripts/build_medusa_fixture_payloads.py``
(or with the two sample directories as arguments). Expected files are NOT generated here:
they are written and reviewed separately.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

from cartnorm._json import encode_json, parse_json

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "medusa"
LIVE = ROOT / "fixtures" / "medusa-live"


def load(samples: Path, name: str) -> Any:
    return parse_json((samples / f"{name}.json").read_bytes())


def save(case: str, payload: Any) -> None:
    (OUT / f"{case}.payload.json").write_text(encode_json(payload, indent=2) + "\n", encoding="utf-8")


def jpy(order: dict[str, Any]) -> dict[str, Any]:
    """usd_pending (MUG-BLK ×2, MUG-WHT ×1, Standard Shipping) re-priced in the Japan region, 10% tax."""
    order = copy.deepcopy(order)
    order["currency_code"] = "jpy"
    prices = {0: 3000, 1: 2200}  # the store's JPY prices for MUG-BLK and MUG-WHT (¥, zero-decimal)
    item_tax = 0
    for index, item in enumerate(order["items"]):
        unit = prices[index]
        subtotal = unit * item["quantity"]
        tax = round(subtotal * 10 / 100)
        item_tax += tax
        item.update(unit_price=unit, subtotal=subtotal, tax_total=tax, original_tax_total=tax,
                    total=subtotal + tax, original_total=subtotal + tax, refundable=subtotal + tax)  # fmt: skip
        for line in item["tax_lines"]:
            line["rate"] = 10
    method = order["shipping_methods"][0]
    method.update(price=800, subtotal=800, tax_total=80, original_tax_total=80, total=880, original_total=880)
    method["shipping_option"].update(name="Yamato Standard", amount=800)
    for line in method["tax_lines"]:
        line["rate"] = 10
    subtotal = sum(item["subtotal"] for item in order["items"])
    total = subtotal + 800 + item_tax + 80
    order.update(subtotal=subtotal, shipping_total=800, item_tax_total=item_tax, shipping_tax_total=80,
                 tax_total=item_tax + 80, total=total, paid_total=total, refundable_amount=total)  # fmt: skip
    order["payments"][0].update(amount=total, currency_code="jpy")
    order["region"].update(name="Japan", currency_code="jpy", tax_rate=10)
    for key in ("shipping_address", "billing_address"):
        order[key].update(company="", first_name="Hanako", last_name="Yamada", address_1="1-1 Marunouchi",
                          address_2="", city="Chiyoda-ku", country_code="jp", province="Tokyo",
                          postal_code="100-0005", phone="+81 3 1234 5678")  # fmt: skip
    order["email"] = order["customer"]["email"] = "hanako@example.jp"
    return order


def partially_shipped(order: dict[str, Any]) -> dict[str, Any]:
    """usd_full_lifecycle shipped: its one fulfillment split in two, only the first shipped."""
    order = copy.deepcopy(order)
    first = order["fulfillments"][0]
    second = copy.deepcopy(first)
    second["id"] = "ful_01M832ZSSVS4J8YZGGJCTF0W7B"
    first["items"], second["items"] = first["items"][:1], first["items"][1:]
    for entry in second["items"]:
        entry["fulfillment_id"] = second["id"]
    second.update(shipped_at=None, tracking_links=[], location_id="sloc_01M832VZWAREHOUSE2")
    order["fulfillments"].append(second)
    order["fulfillment_status"] = "partially_shipped"
    shipped = {entry["item_id"] for entry in first["items"]}
    for item in order["items"]:
        if item["id"] not in shipped:
            item["shipped_quantity"] = 0
    return order


def cancelled(order: dict[str, Any]) -> dict[str, Any]:
    """usd_pending cancelled by an admin: cancel() sets all three statuses and the payment's canceled_at."""
    order = copy.deepcopy(order)
    order.update(status="canceled", fulfillment_status="canceled", payment_status="canceled",
                 canceled_at="2026-11-23T02:20:00.000Z", updated_at="2026-11-23T02:20:00.000Z")  # fmt: skip
    order["payments"][0].update(canceled_at="2026-11-23T02:20:00.000Z", data={"status": "canceled"},
                                updated_at="2026-11-23T02:20:00.000Z")  # fmt: skip
    return order


def refunded(order: dict[str, Any]) -> dict[str, Any]:
    """usd_full_lifecycle shipped, then refunded in full (createRefund sets payment_status refunded)."""
    order = copy.deepcopy(order)
    total = order["total"]
    order["payment_status"] = "refunded"
    order["refunds"] = [{"id": "ref_01M8333AREFUNDFULL0000000", "created_at": "2026-11-23T02:21:00.000Z",
                         "updated_at": "2026-11-23T02:21:00.000Z", "order_id": order["id"], "payment_id": None,
                         "amount": total, "note": "Lost in transit", "reason": "other", "metadata": None,
                         "idempotency_key": None}]  # fmt: skip
    order.update(refunded_total=total, refundable_amount=0, updated_at="2026-11-23T02:21:00.000Z")
    order["payments"][0].update(amount_refunded=total, updated_at="2026-11-23T02:21:00.000Z")
    return order


def requires_action(order: dict[str, Any]) -> dict[str, Any]:
    """usd_full_lifecycle placed, then a failed capture: capturePayment() sets payment_status requires_action."""
    order = copy.deepcopy(order)
    order["payment_status"] = "requires_action"
    return order


def unknown_status(order: dict[str, Any]) -> dict[str, Any]:
    """usd_full_lifecycle captured with a custom order status a plugin wrote ("on_hold" is not in the enum)."""
    order = copy.deepcopy(order)
    order["status"] = "on_hold"
    return order


def old_totals(order: dict[str, Any]) -> dict[str, Any]:
    """usd_pending store GET as an old 1.x server answered it: no order-level totals at all."""
    order = copy.deepcopy(order)
    for key in ("subtotal", "discount_total", "shipping_total", "refunded_total", "paid_total", "refundable_amount",
                "item_tax_total", "shipping_tax_total", "tax_total", "gift_card_total", "gift_card_tax_total",
                "total"):  # fmt: skip
        del order[key]
    return order


def two_tracking_links(order: dict[str, Any]) -> dict[str, Any]:
    """usd_full_lifecycle shipped, as createShipment writes it when the admin sends two tracking numbers."""
    order = copy.deepcopy(order)
    fulfillment = order["fulfillments"][0]
    first = fulfillment["tracking_links"][0]
    second = copy.deepcopy(first)
    second.update(id="tlink_01M832ZT1TRACKINGLINK0002", tracking_number="1Z999AA10123456785")
    fulfillment["tracking_links"].append(second)
    return order


def no_currency_anywhere(order: dict[str, Any]) -> dict[str, Any]:
    """v2 default admin GET asked with fields= that drop the payment collections: no currency anywhere."""
    order = copy.deepcopy(order)
    del order["payment_collections"]
    return order


def without_created_at(order: dict[str, Any]) -> dict[str, Any]:
    """v2 store GET as a notification / e-mail payload carries it: no created_at."""
    order = copy.deepcopy(order)
    del order["created_at"]
    return order


def numeric_address(order: dict[str, Any]) -> dict[str, Any]:
    """v2 store GET from an exporter that wrote postal_code and phone as JSON numbers."""
    order = copy.deepcopy(order)
    order["shipping_address"].update(postal_code=72093, phone=5555550123)
    order["billing_address"].update(postal_code=72093)
    return order


def negative_unit_price(order: dict[str, Any]) -> dict[str, Any]:
    """v2 store GET with a line whose price is below zero (no Medusa writes that)."""
    order = copy.deepcopy(order)
    item = order["items"][0]
    item["unit_price"] = -item["unit_price"]
    item["raw_unit_price"]["value"] = "-" + item["raw_unit_price"]["value"]
    return order


def v2(samples: Path) -> None:
    """The v2 cases: copies of the 2.21.2 capture, and the few edits below."""
    copies = {
        "v2_admin_default_fields": "usd_lifecycle.shipped.admin_get",
        "v2_promo_discount_tax": "usd_promo.placed.store_get",
        "v2_refund_credit_line": "usd_refunded.refunded.store_get",
        "v2_refunded_then_cancelled": "usd_refunded.refunded_canceled.admin_get_expanded",
        "v2_return_received": "kwd_refund_return.returned.admin_get_expanded",
        "v2_return_preview_without_status": (
            "kwd_refund_return.return_receive_items.admin_return_receive_items_response"
        ),
        "v2_cart_complete_pending": "usd_lifecycle.placed.store_complete",
        "v2_admin_action_derived_status": "usd_partial.partially_shipped.admin_action_response",
        "v2_two_labels": "usd_lifecycle.shipped.admin_get_expanded",
        "v2_partially_delivered_all_shipped": "usd_split_delivery.delivered_1_of_2.admin_get_expanded",
        "v2_tax_inclusive_eur": "eur_taxincl.shipped.admin_get_fields",
        "error_v2_payment_not_an_order": "usd_refunded.refunded.admin_payment_refund_response",
    }
    for case, name in copies.items():
        save(case, load(samples, name))
    admin = load(samples, "usd_promo.placed.admin_get")
    save("error_v2_no_currency_anywhere", {"order": no_currency_anywhere(admin["order"])})
    store = load(samples, "usd_partial.placed.store_get")
    save("v2_without_created_at", {"order": without_created_at(store["order"])})
    save("v2_numeric_postal_code", {"order": numeric_address(store["order"])})
    save("error_v2_negative_unit_price", {"order": negative_unit_price(store["order"])})


def main(samples: Path = LIVE / "v1", samples_v2: Path = LIVE / "v2") -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    copies = {
        "usd_shipped_captured": "usd_full_lifecycle.shipped.admin_get",
        "usd_placed_cart_completion": "usd_pending.placed.store_complete",
        "usd_trimmed_without_updated_at": "usd_full_lifecycle.captured.store_get_by_id",
        "usd_completed_by_cart": "usd_full_lifecycle.completed.store_get_by_cart",
        "kwd_three_decimal_discount": "kwd_discount_fulfilled.fulfilled.store_get_by_cart",
        "kwd_exponent_override": "kwd_discount_fulfilled.fulfilled.store_get_by_cart",
        "eur_tax_inclusive_partially_refunded": "eur_tax_inclusive_ff.shipped_partially_refunded.admin_get",
    }
    for case, name in copies.items():
        save(case, load(samples, name))
    pending = load(samples, "usd_pending.placed.admin_get")
    save("jpy_zero_decimal", {"order": jpy(pending["order"])})
    save("usd_cancelled", {"order": cancelled(pending["order"])})
    shipped = load(samples, "usd_full_lifecycle.shipped.admin_get")
    save("usd_partially_shipped", {"order": partially_shipped(shipped["order"])})
    save("usd_refunded_after_shipping", {"order": refunded(shipped["order"])})
    placed = load(samples, "usd_full_lifecycle.placed.admin_get")
    save("usd_requires_action_capture_failed", {"order": requires_action(placed["order"])})
    captured = load(samples, "usd_full_lifecycle.captured.store_get_by_id")
    save("usd_unknown_status_value", {"order": unknown_status(captured["order"])})
    trimmed = load(samples, "usd_pending.placed.store_get_by_id")
    save("usd_old_version_without_totals", {"order": old_totals(trimmed["order"])})
    # error cases: the trimmed store GET with one defect each
    defects = {
        "error_missing_id": lambda o: o.pop("id"),
        "error_float_amount": lambda o: o["items"][0].update(unit_price=parse_json("25.99")),
        "error_unknown_currency": lambda o: o.update(currency_code="xyz"),
        "error_negative_quantity": lambda o: o["items"][0].update(quantity=-1),
        "error_unparseable_date": lambda o: o.update(created_at="23/11/2026 02:15"),
    }
    for case, defect in defects.items():
        broken = copy.deepcopy(trimmed)
        defect(broken["order"])
        save(case, broken)
    save("error_not_an_object", [trimmed["order"]["id"]])
    save("v1_two_tracking_links", {"order": two_tracking_links(shipped["order"])})
    v2(samples_v2)


if __name__ == "__main__":
    main(*map(Path, sys.argv[1:3]))
