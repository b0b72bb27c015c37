"""
The documented layout of ``additional_fields["shopify"]``.

The forward mapping reads the payload (and the fulfillment orders, when given) through
`cartnorm.lossless.Reading`; what the reverse cannot rebuild from the canonical fields is kept
here, with the values a user queries in readable places::

    {"shopify": {
        "order": {...},                  # the order's remainder (its parts' under their keys)
        "envelope": {"notice": "…"},     # {"order": …} responses: the envelope's other keys ({} when none)
        "offset": "-05:00",              # the shop's UTC offset: date-times are written back in it
        "money_side": "shop",            # only when the shop side was read (the default is presentment)
        "bags": false,                   # orders from before 2019: no *_set MoneyBags to write back
        "floats": true,                  # the payload's numbers were binary floats (json.loads): given back so
        "post_purchase": {...},          # refunds and the order now (see _post_purchase)
        "per_unit_remainders": [{"path": "$.line_items[0].tax_lines", "field": "tax", "remainder": "0.01"}],
        "totals_gap": "5.00",            # total_price minus what the canonical totals add up to, when not zero
        "fulfillment_orders": {          # only when fulfillment_orders= was given
            "wrapper": "fulfillment_orders",   # or "fulfillment_order", or null for a bare list
            "envelope": {...},                 # the wrapper object's other keys (rare)
            "items": [{...}, {}],              # each fulfillment order's remainder, in order
            "floats": true}}}

`read` gives the parts back to the reverse mapping.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta, timezone, tzinfo
from typing import Any, Final

import attrs

from ...lossless import Carried
from ._amounts import DEFAULT_MONEY_SIDE, MoneySide

__all__ = ["NAMESPACE", "Layout", "format_offset", "parse_offset", "read"]

#: The key of ``additional_fields`` that holds everything Shopify-only.
NAMESPACE: Final = "shopify"


_OFFSET: Final = re.compile(r"([+-])([0-9]{2}):([0-9]{2})\Z")


def format_offset(zone: tzinfo) -> str:
    """A fixed UTC offset as ``±HH:MM``."""
    delta = zone.utcoffset(None) or timedelta(0)
    sign = "-" if delta < timedelta(0) else "+"
    minutes = abs(int(delta.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def parse_offset(text: object) -> tzinfo:
    """`format_offset` read back; UTC for anything else."""
    found = _OFFSET.match(text) if isinstance(text, str) else None
    if found is None:
        return timezone.utc
    sign, hours, minutes = found.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    return timezone(-delta if sign == "-" else delta) if delta < timedelta(hours=24) else timezone.utc


@attrs.frozen
class Layout:
    """``additional_fields["shopify"]`` as the reverse mapping reads it (lenient: junk counts as nothing)."""

    order: Carried
    envelope: Carried | None
    side: MoneySide
    offset: tzinfo
    bags: bool
    floats: bool
    fulfillment_orders: Mapping[str, Any] | None


def read(additional_fields: Mapping[str, Any]) -> Layout:
    """The layout back from ``additional_fields`` (an order from elsewhere reads as an empty one)."""
    found = additional_fields.get(NAMESPACE)
    shopify: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    envelope = shopify.get("envelope")
    side = MoneySide.SHOP if shopify.get("money_side") == MoneySide.SHOP.value else DEFAULT_MONEY_SIDE
    orders = shopify.get("fulfillment_orders")
    return Layout(
        order=Carried(shopify.get("order")),
        envelope=Carried(envelope) if isinstance(envelope, Mapping) else None,
        side=side,
        offset=parse_offset(shopify.get("offset")),
        bags=shopify.get("bags") is not False,
        floats=shopify.get("floats") is True,
        fulfillment_orders=orders if isinstance(orders, Mapping) else None,
    )
