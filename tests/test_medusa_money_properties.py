"""
Properties of the money Medusa v2 orders carry, on orders generated with Medusa's own formulas
(`strategies.medusa.medusa_v2_real_orders`): promotions with their tax, tax-inclusive prices,
refunds booked as credit lines, received returns, order totals as JavaScript doubles.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from hypothesis import given

from cartnorm import to_trackstar, validate_trackstar
from cartnorm.adapters import medusa
from strategies.medusa import as_json_loads, medusa_v2_real_payloads

OBSERVED = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _inner(payload):
    return payload.get("order", payload) if isinstance(payload.get("order"), dict) else payload


@given(medusa_v2_real_payloads)
def test_the_order_identity_holds_for_the_order_as_placed(payload):
    """Σ unit_price × quantity − total_discount + total_tax + total_shipping = total_price, on either parser."""
    for parsed in (payload, as_json_loads(payload)):
        order = medusa.to_canonical(parsed, observed_at=OBSERVED)
        placed = sum((line.unit_price * line.quantity for line in order.line_items), Decimal(0))
        identity = placed - order.total_discount + order.total_tax + order.total_shipping
        assert abs(identity - order.total_price) <= Decimal("1e-9")  # order totals are JavaScript doubles
        assert medusa.from_canonical(order) == parsed
        assert validate_trackstar(to_trackstar(order)) == []


@given(medusa_v2_real_payloads)
def test_each_line_adds_up_for_the_ordered_quantity(payload):
    """(unit_price − discount + tax) × quantity is the line's total for every ordered unit, returns included."""
    order = medusa.to_canonical(payload, observed_at=OBSERVED)
    kept = order.additional_fields["medusa"].get("quantities", {})
    for index, (line, item) in enumerate(zip(order.line_items, _inner(payload)["items"], strict=True)):
        units = kept.get(f"$.items[{index}]", line.quantity)
        per_unit = line.unit_price - line.discount + line.tax
        if units:
            full = Decimal(item["raw_total"]["value"]) * line.quantity / units
            assert abs(per_unit * line.quantity - full) <= Decimal("1e-15") * line.quantity
        assert line.discount >= 0 and line.tax >= 0 and line.unit_price >= 0


@given(medusa_v2_real_payloads)
def test_every_label_is_a_shipment_and_refunds_stay_readable(payload):
    inner = _inner(payload)
    order = medusa.to_canonical(payload, observed_at=OBSERVED)
    labels = [label["tracking_number"] for entry in inner.get("fulfillments", []) for label in entry.get("labels", [])]
    assert [shipment.tracking_number for shipment in order.shipments if shipment.tracking_number] == labels
    after = order.additional_fields["medusa"].get("post_purchase", {})
    if inner["credit_lines"]:
        assert after["credit_line_total"] == Decimal(str(inner["credit_line_total"]))
        assert after["current_total"] == Decimal(str(inner["total"]))
