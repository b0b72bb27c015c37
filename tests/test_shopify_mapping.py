"""The Shopify mapping's rules, each checked on a real capture or a constructed case, and detection among vendors."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

import cartnorm
from cartnorm import ConfigurationError, OrderStatus, PayloadError, ShipmentStatus
from cartnorm._json import parse_json
from cartnorm.adapters import shopify
from cartnorm.cli import main
from cartnorm.registry import detectable_adapters
from conftest import FIXTURES

OBSERVED = datetime(2026, 1, 1, tzinfo=timezone.utc)
SHOPIFY = FIXTURES / "shopify"


def load(name: str) -> Any:
    """A case's payload as ``json.loads`` gives it (floats where the text has a fraction)."""
    return json.loads((SHOPIFY / f"{name}.payload.json").read_text(encoding="utf-8"))


def convert(payload: Any, **options: Any) -> cartnorm.Normalized:
    return shopify.convert(payload, observed_at=OBSERVED, **options)


# --- detection: Shopify's and nobody else's ----------------------------------------------------------------------


def _every_fixture() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(FIXTURES.rglob("*.json")):
        if path.name.endswith((".expected.json", ".error.json", ".options.json")) or "samples" in path.parts:
            continue
        vendor = path.relative_to(FIXTURES).parts[0].removesuffix("-live")
        found.append((vendor, path))
    return found


FIXTURE_FILES = _every_fixture()


@pytest.mark.parametrize(
    ("vendor", "path"), FIXTURE_FILES, ids=[str(p.relative_to(FIXTURES)) for _, p in FIXTURE_FILES]
)
def test_detection_never_collides_on_any_vendors_fixture(vendor, path):
    """Shopify claims every Shopify fixture and no other vendor's; no other adapter claims a Shopify one."""
    payload = parse_json(path.read_bytes())
    claims = {adapter.name for adapter in detectable_adapters() if adapter.detect(payload)}
    if vendor == "shopify":
        assert claims == {"shopify"}
    else:
        assert "shopify" not in claims


def test_every_capture_and_case_is_claimed_and_bodies_without_an_order_say_what_they_are():
    body = load("sapi_2024-04_refunds_list")
    assert shopify.detect(body)
    with pytest.raises(PayloadError) as caught:
        convert(body)
    assert caught.value.path == "$.refunds" and "refunds" in str(caught.value)
    page = {"orders": [load("sapi_2024-04_order_create_pending")["order"]]}
    assert shopify.detect(page)
    with pytest.raises(PayloadError, match=r"Convert each element of \$\.orders"):
        convert(page)
    assert convert(page["orders"][0]).order.id == str(page["orders"][0]["id"])  # an item of a page is a bare order
    fields = {"orders": [{"id": 450789469, "financial_status": "paid", "total_price": "10.00"}]}  # ?fields=
    with pytest.raises(PayloadError, match=r"a page of orders"):
        convert(fields)


# --- money -------------------------------------------------------------------------------------------------------


def test_amounts_and_currency_come_from_one_side_presentment_by_default():
    yen = convert(load("rule_presented_in_yen")).order
    assert (yen.invoice_currency_code, yen.total_price, yen.line_items[0].unit_price) == ("JPY", 59894, 19900)
    assert str(yen.total_price) == "59894"  # a zero-decimal currency: no decimals invented
    usd = convert(load("rule_presented_in_yen"), money_side="shop").order
    assert (usd.invoice_currency_code, str(usd.total_price), str(usd.line_items[0].unit_price)) == (
        "USD", "598.94", "199.00",
    )  # fmt: skip
    assert shopify.from_canonical(yen) == shopify.from_canonical(usd) == load("rule_presented_in_yen")


def test_the_money_side_option_is_declared_and_checked():
    option = shopify.ADAPTER.option("money_side")
    assert option is not None and option.flag == "--shopify-money-side" and option.default.value == "presentment"
    with pytest.raises(ConfigurationError, match="'presentment'"):
        convert(load("sapi_2024-04_order_create_pending"), money_side="buyer")


def test_refund_line_json_numbers_are_read_exactly():
    """A refund line's subtotal is a JSON number (195.66): exact, never through float arithmetic."""
    happened = convert(load("sapi_2024-04_order_get_1001_partially_refunded")).order.additional_fields
    lines = happened["shopify"]["post_purchase"]["refunds"][0]["lines"]
    assert [(line["subtotal"], line["total_tax"]) for line in lines] == [
        (Decimal("195.66"), Decimal("3.98")), (Decimal("195.67"), Decimal("3.98")),
    ]  # fmt: skip


# --- totals, lines, refunds --------------------------------------------------------------------------------------


def test_totals_are_the_order_as_placed_and_what_happened_after_is_readable():
    order = convert(load("membi_hkd_orders_cancelled_1065_refunded")).order
    assert (order.status, order.total_price) == (OrderStatus.CANCELLED, Decimal("99.00"))
    after = order.additional_fields["shopify"]["post_purchase"]
    assert after["current_total"] == 0 and after["refunded_total"] == Decimal("99.00")
    assert after["refunded_quantities"] == {"15515765276972": 1}
    assert after["refunds"][0]["lines"][0]["restock_type"] == "cancel"


def test_per_unit_discount_comes_from_the_allocations_of_every_discount():
    """A manual discount across four lines and an automatic one on the first: each line's allocations summed."""
    order = convert(load("membi_hkd_orders_create_1054_discounts")).order
    assert [str(line.discount) for line in order.line_items] == ["9.78", "5.08", "5.07", "5.07"]
    assert order.total_discount == Decimal("25.00") and order.total_shipping == Decimal("20.00")
    assert (order.requested_shipping_method, order.shipping_method_id) == ("Tran fee", "custom")


def test_per_unit_amounts_keep_their_remainders():
    payload = load("sapi_2024-04_order_create_eur_paid")
    result = convert(payload)
    line = result.order.line_items[0]
    assert (line.quantity, str(line.tax)) == (3, "4.50")  # 13.50 of tax over three units
    rounded = copy.deepcopy(payload)
    rounded["order"]["line_items"][0]["tax_lines"][0]["price"] = "13.51"
    rounded["order"]["line_items"][0]["tax_lines"][0]["price_set"]["shop_money"]["amount"] = "13.51"
    rounded["order"]["line_items"][0]["tax_lines"][0]["price_set"]["presentment_money"]["amount"] = "13.51"
    again = convert(rounded)
    assert str(again.order.line_items[0].tax) == "4.50"
    assert again.order.additional_fields["shopify"]["per_unit_remainders"] == [
        {"line_index": 0, "line_item_id": "1071823207", "field": "tax", "remainder": "0.01"}
    ]
    assert [warning.code for warning in again.warnings] == ["custom_line_item", "rounding_remainder"]
    assert shopify.from_canonical(again.order) == rounded


def test_taxes_included_makes_the_unit_price_net_and_the_identity_holds():
    order = convert(load("rule_taxes_included")).order
    assert [str(line.unit_price) for line in order.line_items] == ["195.02"] * 3
    lines = sum((line.unit_price * line.quantity for line in order.line_items), Decimal(0))
    assert order.total_price == lines - order.total_discount + order.total_tax + order.total_shipping


def test_a_tip_is_outside_the_identity_kept_and_warned():
    result = convert(load("rule_tip_outside_the_identity"))
    assert result.order.additional_fields["shopify"]["totals_gap"] == Decimal("5.00")
    (warning,) = result.warnings
    assert warning.code == "totals_gap" and "a tip" in warning.message


def test_orders_before_2019_read_the_bare_strings():
    order = convert(load("rule_before_2019_without_bags")).order
    modern = convert(load("sapi_2024-04_order_get_1001_partially_refunded")).order
    assert [line.discount for line in order.line_items] == [line.discount for line in modern.line_items]
    assert (order.total_price, order.total_tax, order.total_discount) == (
        modern.total_price, modern.total_tax, modern.total_discount,
    )  # fmt: skip


# --- status ------------------------------------------------------------------------------------------------------


def test_closed_is_not_cancelled_and_unknown_values_are_other():
    closed = convert(load("erp_pln_order_fulfilled_two_fulfillments")["order"]).order
    assert closed.status is OrderStatus.FULFILLED
    result = convert(load("rule_graphql_status_values_are_other"))
    assert result.order.status is OrderStatus.OTHER
    assert result.order.raw_status == "financial_status=PENDING&fulfillment_status=UNFULFILLED&cancelled_at=null"
    assert [warning.code for warning in result.warnings] == ["unknown_status"]


# --- shipments and shipping groups -------------------------------------------------------------------------------


def test_one_shipment_per_tracking_number_lines_on_the_first():
    order = convert(load("rule_three_tracking_numbers")).order
    assert [shipment.shipment_id for shipment in order.shipments] == ["1069019890", "1069019890#2", "1069019890#3"]
    assert [shipment.tracking_number for shipment in order.shipments] == [
        "1Z2345",
        "#☠1☢\n---\n4321\n",
        "LX123456789CN",
    ]
    assert [len(shipment.line_items) for shipment in order.shipments] == [1, 0, 0]
    assert {shipment.status for shipment in order.shipments} == {ShipmentStatus.SHIPPED}
    assert {shipment.warehouse_id for shipment in order.shipments} == {"24826418"}


def test_a_fulfillment_without_tracking_is_one_shipment_and_a_failed_one_shows():
    fulfilled = convert(load("sapi_2024-04_order_create_fulfilled")).order
    assert [(s.tracking_number, s.status) for s in fulfilled.shipments] == [(None, ShipmentStatus.SHIPPED)]
    failed = convert(load("sapi_2024-04_order_get_1001_partially_refunded")).order
    assert [(s.tracking_number, s.status) for s in failed.shipments] == [("1Z2345", ShipmentStatus.EXCEPTION)]


def test_without_fulfillment_orders_there_are_no_shipping_groups():
    payload = load("erp_pln_order_fulfilled_two_fulfillments")
    bare = convert(payload).order
    assert bare.shipping_groups == () and all(shipment.shipping_groups == () for shipment in bare.shipments)
    assert shopify.fulfillment_orders_from_canonical(bare) is None


def test_fulfillment_orders_become_shipping_groups_that_shipments_reference():
    payload, fulfillment_orders = (
        load("erp_pln_order_fulfilled_two_fulfillments"),
        load("erp_pln_fulfillment_orders_closed"),
    )
    order = convert(payload, fulfillment_orders=fulfillment_orders).order
    (group,) = order.shipping_groups
    assert (group.shipping_group_id, group.status, group.raw_status, group.warehouse_id) == (
        "10575833104676", ShipmentStatus.SHIPPED, "status=closed", "73153839000",
    )  # fmt: skip
    assert [shipment.shipping_groups for shipment in order.shipments] == [("10575833104676",)] * 2
    assert {line.warehouse_id for line in order.line_items} == {"73153839000"}
    assert str(order.earliest_ship_date) == "2024-10-08 12:00:00+00:00"
    assert shopify.fulfillment_orders_from_canonical(order) == fulfillment_orders
    assert shopify.from_canonical(order) == payload


def test_fulfillment_order_bodies_a_list_or_one_and_what_is_refused():
    order = load("sapi_2024-04_order_get_1001_partially_refunded")
    listed = load("sapi_2024-04_fulfillment_orders_list_a")
    bare = convert(order, fulfillment_orders=listed["fulfillment_orders"]).order
    assert shopify.fulfillment_orders_from_canonical(bare) == listed["fulfillment_orders"]
    hold = load("sapi_2024-04_fulfillment_order_hold")
    held = convert(order, fulfillment_orders=hold)
    assert [group.status for group in held.order.shipping_groups] == [ShipmentStatus.ON_HOLD]
    assert "shipping_group_dates_filled" in [warning.code for warning in held.warnings]  # an action leaves them out
    assert shopify.fulfillment_orders_from_canonical(held.order) == hold
    with pytest.raises(PayloadError) as caught:
        convert(order, fulfillment_orders=load("sapi_2024-04_fulfillment_order_move"))
    assert caught.value.path == "$" and "fulfillment_orders=" in caught.value.hint
    broken = copy.deepcopy(listed)
    broken["fulfillment_orders"][0]["line_items"][0]["quantity"] = "one"
    with pytest.raises(PayloadError) as caught:
        convert(order, fulfillment_orders=broken)
    assert caught.value.path == "$.fulfillment_orders[0].line_items[0].quantity"
    assert "fulfillment_orders=" in caught.value.hint


# --- addresses, identifiers, dates, link -------------------------------------------------------------------------


def test_addresses_identifiers_tags_dates_and_the_link():
    payload = load("erp_pln_order_fulfilled_two_fulfillments")
    order = convert(payload, shop_domain="Erp-Dev.myshopify.com").order
    assert (order.id, order.order_number, order.tags) == ("100500", "#1166X01", ("ttag1", "ttag2"))
    assert order.ship_to_address.country == "Poland" and order.ship_to_address.full_name == "Przeciętny Kowalski"
    assert order.ship_to_address.email_address == "przecietny-kowalski@mail.pl"
    assert order.created_date == datetime(2024, 10, 8, 12, 3, 31, tzinfo=timezone.utc)  # 14:03:31+02:00
    assert order.external_system_url == "https://erp-dev.myshopify.com/admin/orders/100500"
    with pytest.raises(ConfigurationError, match="host name"):
        convert(payload, shop_domain="https://erp-dev.myshopify.com/admin")


def test_an_envelope_with_more_keys_and_a_payload_from_cartnorms_parser_round_trip():
    order = load("sapi_2024-04_order_create_pending")
    cancelled = {**order, "notice": "Order has been canceled"}  # an order action's response
    assert shopify.from_canonical(convert(cancelled).order) == cancelled
    exact = parse_json((SHOPIFY / "sapi_2024-04_order_get_1001_partially_refunded.payload.json").read_bytes())
    back = shopify.from_canonical(convert(exact).order)
    assert cartnorm.lossless.same(back, exact)


@pytest.mark.parametrize("side", ["presentment", "shop"])
def test_a_lower_case_currency_code_reads_as_its_code_and_comes_back_as_written(side):
    payload = load("sapi_2024-04_order_get_1001_partially_refunded")
    payload["order"]["currency"] = payload["order"]["currency"].lower()
    order = convert(payload, money_side=side).order
    assert order.invoice_currency_code == "USD"
    assert shopify.from_canonical(order) == payload


@pytest.mark.parametrize(("where", "value"), [(("id",), 2**63), (("line_items", 0, "id"), 2**64 + 1), (("id",), 0)])
def test_an_id_the_reverse_could_not_give_back_as_an_integer_is_refused_at_its_path(where, value):
    payload = load("sapi_2024-04_order_get_1001_partially_refunded")
    holder = payload["order"]
    for key in where[:-1]:
        holder = holder[key]
    holder[where[-1]] = value
    with pytest.raises(PayloadError) as caught:
        convert(payload)
    path = "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in where)
    assert caught.value.path == f"$.order{path}"
    assert "64 bits" in str(caught.value)


def test_an_order_from_elsewhere_becomes_the_closest_shopify_order():
    """Without additional_fields, from_canonical writes what the canonical fields say, and it reads back the same."""
    payload, fulfillment_orders = (
        load("erp_pln_order_fulfilled_two_fulfillments"),
        load("erp_pln_fulfillment_orders_closed"),
    )
    order = convert(payload, fulfillment_orders=fulfillment_orders).order
    foreign = attrs.evolve(order, additional_fields={})
    written = shopify.from_canonical(foreign)
    assert shopify.detect(written) and "order" not in written
    again = convert(written, fulfillment_orders=shopify.fulfillment_orders_from_canonical(foreign)).order

    def seen(o: cartnorm.CartOrder) -> Any:
        return (o.id, o.order_number, o.status, o.raw_status, o.created_date, o.total_price, o.total_tax,
                o.total_discount, o.total_shipping, o.ship_to_address, o.bill_to_address, o.tags,
                [(line.line_item_id, line.product_id, line.quantity, line.unit_price) for line in o.line_items],
                [(s.shipment_id, s.status, s.tracking_number, s.tracking_url, s.line_items, s.shipping_groups)
                 for s in o.shipments],
                [(g.shipping_group_id, g.status, g.warehouse_id, g.line_items) for g in o.shipping_groups])  # fmt: skip

    assert seen(again) == seen(order)


# --- the command line --------------------------------------------------------------------------------------------


def test_the_command_line_detects_shopify_in_a_mixed_file_and_its_flags_reach_its_records(tmp_path):
    lines = [
        (SHOPIFY / "rule_presented_in_yen.payload.json").read_text(),
        (FIXTURES / "medusa" / "usd_shipped_captured.payload.json").read_text(),
        (SHOPIFY / "membi_hkd_orders_create_1054_discounts.payload.json").read_text(),
        (FIXTURES / "gearment" / "multi_parcel_tracking.payload.json").read_text(),
    ]
    source = tmp_path / "mixed.jsonl"
    source.write_text("\n".join(json.dumps(json.loads(line)) for line in lines) + "\n", encoding="utf-8")
    out = tmp_path / "orders.jsonl"
    argv = ["normalize", str(source), "-o", str(out), "--shopify-money-side", "shop",
            "--shopify-shop-domain", "jsmith.myshopify.com"]  # fmt: skip
    assert main(argv) == 0
    orders = [cartnorm.loads(line) for line in out.read_text().splitlines()]
    assert [order.invoice_currency_code for order in orders] == ["USD", "USD", "HKD", "USD"]
    assert orders[0].external_system_url == "https://jsmith.myshopify.com/admin/orders/450789469"
    assert orders[2].external_system_url == f"https://jsmith.myshopify.com/admin/orders/{orders[2].id}"
    assert orders[1].external_system_url is None and orders[3].external_system_url is None  # not Shopify's records
    # the command line parses exactly (Decimals, not floats): the same JSON text back
    assert cartnorm.lossless.same(shopify.from_canonical(orders[0]), json.loads(lines[0]))
