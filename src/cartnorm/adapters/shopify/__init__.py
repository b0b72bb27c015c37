"""
The Shopify adapter: Shopify REST orders (and their fulfillment orders) ⇄ Trackstar cart orders,
exact and lossless.

>>> from cartnorm.adapters import shopify
>>> order = shopify.to_canonical(payload, observed_at=ts)                               # doctest: +SKIP
>>> order = shopify.to_canonical(payload, fulfillment_orders=fos, observed_at=ts)       # doctest: +SKIP
>>> shopify.from_canonical(order) == payload                                            # doctest: +SKIP
True
>>> shopify.fulfillment_orders_from_canonical(order) == fos                             # doctest: +SKIP
True

``payload`` is a REST ``Order``: the bare object (a webhook body, an item of ``{"orders": [...]}``)
or ``{"order": …}`` (GET, POST and PUT responses); ``fos`` the body of
``GET …/orders/{id}/fulfillment_orders.json``. The mapping is documented in ``docs/vendors/shopify.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ...adapter import Adapter
from ._from_canonical import from_canonical, fulfillment_orders_from_canonical
from ._reading import holds_no_order, looks_like_order
from ._statuses import STATUS_TABLES
from ._to_canonical import NAME, OPTIONS, convert, to_canonical

__all__ = [
    "ADAPTER",
    "NAME",
    "STATUS_TABLES",
    "convert",
    "detect",
    "from_canonical",
    "fulfillment_orders_from_canonical",
    "to_canonical",
]


def detect(payload: Any) -> bool:
    """
    True for a Shopify REST order, bare or as ``{"order": …}`` (a positive integer ``id``, ``line_items``, a
    ``currency`` and a ``financial_status``), and for a Shopify body that holds no order (a page of orders,
    fulfillment orders, refunds, fulfillments: `convert` then says what it is). Cheap; never raises.
    """
    try:
        if not isinstance(payload, Mapping):
            return False
        if looks_like_order(payload):
            return True
        if "order" in payload and "line_items" not in payload:
            return looks_like_order(payload["order"])
        return holds_no_order(payload) is not None
    except Exception:  # noqa: BLE001 - a hostile mapping must not break detection
        return False


#: The adapter, as `cartnorm.adapters.get_adapter("shopify")` returns it.
ADAPTER: Final = Adapter(
    name=NAME,
    description="Shopify REST Admin API orders (GET /admin/api/<version>/orders/{id}.json, webhooks) and their "
    "fulfillment orders",
    detect=detect,
    convert=convert,
    from_canonical=from_canonical,
    status_tables=STATUS_TABLES,
    options=OPTIONS,
)
