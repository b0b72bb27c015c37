"""
Gearment order statuses onto the Trackstar lifecycle, as data with a reason per row.

The table has three axes: ``order_status`` decides, and ``cancel_status`` /
``refund_status`` refine it where they change what the order means. A row value ``*``
matches any value of that axis. Look-up order (first hit wins): exact
``(order, cancel, refund)``, then ``(order, cancel, *)``, then ``(order, *, refund)``,
then ``(order, *, *)``; a combination matching no row (an ``order_status`` Gearment does
not document) is ``other``, with the raw value kept in ``raw_status``.
"""

from __future__ import annotations

from typing import Final

from ...adapter import StatusDecision, StatusTable
from ...model import OrderStatus, ShipmentStatus
from ._enums import VendorOrderCancelStatus, VendorOrderRefundStatus, VendorOrderStatus, VendorTrackingType

__all__ = ["ANY", "ORDER_STATUS_TABLE", "STATUS_TABLES", "decide_status", "shipment_status", "status_for_gearment"]

#: Matches any value of an axis.
ANY: Final = "*"

_O = VendorOrderStatus
_C = VendorOrderCancelStatus
_R = VendorOrderRefundStatus
_S = OrderStatus


def _row(
    order: _O, status: OrderStatus, reason: str, cancel: str = ANY, refund: str = ANY
) -> tuple[tuple[str, str, str], StatusDecision]:
    return (order.name, cancel, refund), StatusDecision(status, reason)


_NOT_SHIPPED = (
    _O.VENDOR_ORDER_STATUS_AWAITING_PAYMENT,
    _O.VENDOR_ORDER_STATUS_PAYMENT_FAILED,
    _O.VENDOR_ORDER_STATUS_AWAITING_FULFILLMENT,
    _O.VENDOR_ORDER_STATUS_IN_PRODUCTION,
    _O.VENDOR_ORDER_STATUS_PACKED,
    _O.VENDOR_ORDER_STATUS_ON_HOLD,
)
_BEING_MADE = (
    _O.VENDOR_ORDER_STATUS_AWAITING_FULFILLMENT,
    _O.VENDOR_ORDER_STATUS_IN_PRODUCTION,
    _O.VENDOR_ORDER_STATUS_PACKED,
)

#: The Gearment status table: ``order_status`` rows first, then the refinements.
ORDER_STATUS_TABLE: Final = StatusTable(
    vendor="gearment",
    title="Gearment v3 order status",
    axes=("order_status", "cancel_status", "refund_status"),
    rows=dict(
        [
            _row(_O.VENDOR_ORDER_STATUS_UNKNOWN, _S.OTHER,
                 "proto3's 'not set' (also what an omitted order_status means): no state to report"),
            _row(_O.VENDOR_ORDER_STATUS_ALL, _S.OTHER,
                 "a filter-only value ('used for filtering'); never a real order's state"),
            _row(_O.VENDOR_ORDER_STATUS_AWAITING_PAYMENT, _S.OPEN,
                 "placed, but the seller has not paid Gearment yet: nothing is confirmed"),
            _row(_O.VENDOR_ORDER_STATUS_PAYMENT_FAILED, _S.EXCEPTION,
                 "the seller's payment to Gearment failed: the order is stuck until the seller acts"),
            _row(_O.VENDOR_ORDER_STATUS_AWAITING_FULFILLMENT, _S.CONFIRMED,
                 "paid and accepted by Gearment, production has not started"),
            _row(_O.VENDOR_ORDER_STATUS_IN_PRODUCTION, _S.PROCESSING,
                 "being printed: the fulfiller is working on it"),
            _row(_O.VENDOR_ORDER_STATUS_PACKED, _S.PROCESSING,
                 "packed and waiting for the carrier: nothing has left the building yet"),
            _row(_O.VENDOR_ORDER_STATUS_SHIPPED, _S.FULFILLED,
                 "shipped to the customer (Gearment's UI says 'Completed'); Gearment ships orders whole"),
            _row(_O.VENDOR_ORDER_STATUS_CANCELLED, _S.CANCELLED, "cancelled; terminal"),
            _row(_O.VENDOR_ORDER_STATUS_ON_HOLD, _S.EXCEPTION,
                 "on hold, 'requires attention' (address, artwork, stock …): an issue to resolve"),
            *(
                _row(order, _S.CANCELLED,
                     "the cancellation went through; order_status has not caught up yet",
                     cancel=_C.VENDOR_ORDER_CANCEL_STATUS_CANCELED.name)
                for order in _NOT_SHIPPED
            ),
            _row(_O.VENDOR_ORDER_STATUS_SHIPPED, _S.FULFILLED,
                 "part of the order was cancelled and the rest shipped: nothing more will ship, so the "
                 "order is complete, not partially fulfilled",
                 cancel=_C.VENDOR_ORDER_CANCEL_STATUS_PARTIALLY_CANCELED.name),
            _row(_O.VENDOR_ORDER_STATUS_CANCELLED, _S.EXCEPTION,
                 "order_status says cancelled but only part of it was: contradictory, needs a look",
                 cancel=_C.VENDOR_ORDER_CANCEL_STATUS_PARTIALLY_CANCELED.name),
            *(
                _row(order, _S.EXCEPTION,
                     "refunded in full while still due to be produced: it will most likely not ship; "
                     "check with Gearment",
                     refund=_R.VENDOR_ORDER_REFUND_STATUS_REFUNDED.name)
                for order in _BEING_MADE
            ),
        ]
    ),
    unknown_reason=(
        "an order_status not listed above (one Gearment does not document, e.g. a newer value): kept in "
        "raw_status; cancel_status and refund_status do not matter then"
    ),
    values={"order_status": tuple(_O.__members__), "cancel_status": tuple(_C.__members__),
            "refund_status": tuple(_R.__members__)},
    wildcard=ANY,
)  # fmt: skip

#: Every status table of the adapter.
STATUS_TABLES: Final = (ORDER_STATUS_TABLE,)


def decide_status(order_status: str, cancel_status: str, refund_status: str) -> StatusDecision:
    """
    Decide the Trackstar status from the three Gearment status values (names, or numbers as text).

    >>> decide_status("VENDOR_ORDER_STATUS_SHIPPED", "VENDOR_ORDER_CANCEL_STATUS_ALL", "42").status.value
    'fulfilled'
    """
    rows = ORDER_STATUS_TABLE.rows
    for key in (
        (order_status, cancel_status, refund_status),
        (order_status, cancel_status, ANY),
        (order_status, ANY, refund_status),
        (order_status, ANY, ANY),
    ):
        decision = rows.get(key)
        if decision is not None:
            return decision
    return ORDER_STATUS_TABLE.lookup((order_status, cancel_status, refund_status))


# from_canonical, for orders that did not come from Gearment: the closest order_status.
_BACK: Final = {
    _S.OPEN: _O.VENDOR_ORDER_STATUS_AWAITING_PAYMENT,
    _S.CONFIRMED: _O.VENDOR_ORDER_STATUS_AWAITING_FULFILLMENT,
    _S.PROCESSING: _O.VENDOR_ORDER_STATUS_IN_PRODUCTION,
    _S.PARTIALLY_FULFILLED: _O.VENDOR_ORDER_STATUS_IN_PRODUCTION,
    _S.FULFILLED: _O.VENDOR_ORDER_STATUS_SHIPPED,
    _S.CANCELLED: _O.VENDOR_ORDER_STATUS_CANCELLED,
    _S.EXCEPTION: _O.VENDOR_ORDER_STATUS_ON_HOLD,
    _S.BACKORDERED: _O.VENDOR_ORDER_STATUS_ON_HOLD,
    _S.OTHER: _O.VENDOR_ORDER_STATUS_UNKNOWN,
}


def status_for_gearment(status: OrderStatus) -> VendorOrderStatus:
    """The ``order_status`` that best says ``status`` (for orders from other sources)."""
    return _BACK[status]


_T = VendorTrackingType
_PARCELS = frozenset(
    {_T.TRACKING_TYPE_UNSPECIFIED.name, _T.TRACKING_TYPE_PRIMARY.name, _T.TRACKING_TYPE_SECONDARY.name}
)
_OUTDATED: Final = _T.TRACKING_TYPE_OUTDATED.name  # names once: Enum's .name is a slow property
_ON_HOLD: Final = _O.VENDOR_ORDER_STATUS_ON_HOLD.name


def shipment_status(tracking_type: str, order_status: str, decision: OrderStatus) -> ShipmentStatus:
    """
    The status of the shipment made from one ``order_trackings`` entry.

    OUTDATED trackings (old, replaced labels) are ``cancelled``; an unknown tracking type is
    ``other``; a parcel (PRIMARY, SECONDARY, or an unspecified type) follows the order:
    ``shipped`` once the order is fulfilled, ``cancelled`` with it, ``on_hold`` while it is
    ON_HOLD, ``exception``/``other`` with it, else ``open`` (label bought, not yet shipped).
    """
    if tracking_type == _OUTDATED:
        return ShipmentStatus.CANCELLED
    if tracking_type not in _PARCELS:
        return ShipmentStatus.OTHER
    if decision is OrderStatus.FULFILLED:
        return ShipmentStatus.SHIPPED
    if decision is OrderStatus.CANCELLED:
        return ShipmentStatus.CANCELLED
    if order_status == _ON_HOLD:
        return ShipmentStatus.ON_HOLD
    if decision is OrderStatus.EXCEPTION:
        return ShipmentStatus.EXCEPTION
    if decision is OrderStatus.OTHER:
        return ShipmentStatus.OTHER
    return ShipmentStatus.OPEN
