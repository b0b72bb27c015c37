"""The Gearment status table: complete, consistent with the enums, and applied in the documented order."""

from __future__ import annotations

import pytest

from cartnorm import OrderStatus, ShipmentStatus
from cartnorm.adapters import gearment
from cartnorm.adapters.gearment._enums import (
    ENUMS,
    VendorOrderCancelStatus,
    VendorOrderRefundStatus,
    VendorOrderStatus,
    VendorTrackingType,
)
from cartnorm.adapters.gearment._statuses import ANY, ORDER_STATUS_TABLE, decide_status, shipment_status

S = VendorOrderStatus
ROWS = ORDER_STATUS_TABLE.rows


def test_every_order_status_member_has_its_own_row():
    """Each VendorOrderStatus member appears in the table as a (member, *, *) row."""
    for member in VendorOrderStatus:
        assert (member.name, ANY, ANY) in ROWS, member.name


def test_every_table_value_is_a_member_of_its_enum():
    """No typo: each value in a row is a member name of the axis's enum, or the wildcard."""
    kinds = (VendorOrderStatus, VendorOrderCancelStatus, VendorOrderRefundStatus)
    for key, decision in ROWS.items():
        assert key[0] in VendorOrderStatus.__members__
        for value, kind in zip(key[1:], kinds[1:], strict=True):
            assert value == ANY or value in kind.__members__, value
        assert decision.reason.strip()


def test_every_enum_mirrors_proto3_numbering():
    """Every enum starts at 0 and has consecutive numbers, as the protos define them."""
    for kind in ENUMS.values():
        assert sorted(int(member) for member in kind) == list(range(len(kind))), kind.__name__


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (S.VENDOR_ORDER_STATUS_UNKNOWN, OrderStatus.OTHER),
        (S.VENDOR_ORDER_STATUS_ALL, OrderStatus.OTHER),
        (S.VENDOR_ORDER_STATUS_AWAITING_PAYMENT, OrderStatus.OPEN),
        (S.VENDOR_ORDER_STATUS_PAYMENT_FAILED, OrderStatus.EXCEPTION),
        (S.VENDOR_ORDER_STATUS_AWAITING_FULFILLMENT, OrderStatus.CONFIRMED),
        (S.VENDOR_ORDER_STATUS_IN_PRODUCTION, OrderStatus.PROCESSING),
        (S.VENDOR_ORDER_STATUS_PACKED, OrderStatus.PROCESSING),
        (S.VENDOR_ORDER_STATUS_SHIPPED, OrderStatus.FULFILLED),
        (S.VENDOR_ORDER_STATUS_CANCELLED, OrderStatus.CANCELLED),
        (S.VENDOR_ORDER_STATUS_ON_HOLD, OrderStatus.EXCEPTION),
    ],
)
def test_order_status_alone(order, expected):
    """With cancel_status and refund_status unset, order_status alone decides."""
    decision = decide_status(order.name, "VENDOR_ORDER_CANCEL_STATUS_ALL", "VENDOR_ORDER_REFUND_STATUS_ALL")
    assert decision.status is expected


def test_refinements_and_their_precedence():
    """A cancellation refinement beats a refund refinement, which beats order_status alone."""
    canceled = VendorOrderCancelStatus.VENDOR_ORDER_CANCEL_STATUS_CANCELED.name
    refunded = VendorOrderRefundStatus.VENDOR_ORDER_REFUND_STATUS_REFUNDED.name
    packed = S.VENDOR_ORDER_STATUS_PACKED.name
    assert decide_status(packed, canceled, refunded).status is OrderStatus.CANCELLED
    assert decide_status(packed, "VENDOR_ORDER_CANCEL_STATUS_ALL", refunded).status is OrderStatus.EXCEPTION
    assert decide_status(S.VENDOR_ORDER_STATUS_SHIPPED.name, canceled, refunded).status is OrderStatus.FULFILLED


@pytest.mark.parametrize("value", ["42", "-1", "VENDOR_ORDER_STATUS_SOMETHING_NEW"])
def test_unknown_order_status_is_other(value):
    """A number or name Gearment does not document is `other`, whatever the other axes say."""
    decision = decide_status(value, "VENDOR_ORDER_CANCEL_STATUS_CANCELED", "VENDOR_ORDER_REFUND_STATUS_REFUNDED")
    assert decision.status is OrderStatus.OTHER
    assert decision.reason == ORDER_STATUS_TABLE.unknown_reason


def test_unknown_status_number_is_kept_in_raw_status():
    """order_status 42 → other, raw_status "42"; and it goes back as the number 42."""
    order = gearment.to_canonical({"order_id": "G1", "order_status": 42})
    assert (order.status, order.raw_status) == (OrderStatus.OTHER, "42")
    assert gearment.from_canonical(order)["order_status"] == 42


def test_shipment_status_marks_outdated_trackings_cancelled():
    """OUTDATED trackings are cancelled shipments; parcels follow the order; unknown types are other."""
    shipped = S.VENDOR_ORDER_STATUS_SHIPPED.name
    outdated = VendorTrackingType.TRACKING_TYPE_OUTDATED.name
    assert shipment_status(outdated, shipped, OrderStatus.FULFILLED) is ShipmentStatus.CANCELLED
    assert shipment_status("TRACKING_TYPE_PRIMARY", shipped, OrderStatus.FULFILLED) is ShipmentStatus.SHIPPED
    assert shipment_status("TRACKING_TYPE_SECONDARY", "VENDOR_ORDER_STATUS_PACKED", OrderStatus.PROCESSING) is (
        ShipmentStatus.OPEN
    )
    assert shipment_status("TRACKING_TYPE_PRIMARY", "VENDOR_ORDER_STATUS_ON_HOLD", OrderStatus.EXCEPTION) is (
        ShipmentStatus.ON_HOLD
    )
    assert shipment_status("7", shipped, OrderStatus.FULFILLED) is ShipmentStatus.OTHER


def test_adapter_exposes_its_status_tables():
    """The registry's adapter carries the same table the module exports."""
    from cartnorm.adapters import get_adapter

    adapter = get_adapter("gearment")
    assert adapter.name == gearment.NAME == "gearment"
    assert adapter.status_tables == gearment.STATUS_TABLES == (ORDER_STATUS_TABLE,)
    assert gearment.__all__ == sorted(gearment.__all__)


@pytest.mark.parametrize("member", list(VendorTrackingType))
def test_every_tracking_type_has_a_shipment_status(member):
    """Each VendorTrackingType member gives a real shipment status (never `other`) on a shipped order."""
    status = shipment_status(member.name, S.VENDOR_ORDER_STATUS_SHIPPED.name, OrderStatus.FULFILLED)
    outdated = member is VendorTrackingType.TRACKING_TYPE_OUTDATED
    expected = ShipmentStatus.CANCELLED if outdated else ShipmentStatus.SHIPPED
    assert status is expected
