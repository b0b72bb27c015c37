"""
The documented layout of ``additional_fields["gearment"]``, built from the order's remainder.

The forward mapping reads the order through `cartnorm.lossless.Reading`; its remainder (the
order's, with its line items', addresses' and trackings' under their keys) is laid out as
``docs/vendors/gearment.md`` documents it::

    {"gearment": {
        "envelope": {"status": "success", "message": "…"},   # the response without data
        "order": {...},                  # the order's remainder, its lists aside
        "line_items": [{...}, {}],       # each item's remainder, in order (left out when all empty)
        "addresses": [{"type": …}, …],   # always kept: the reverse reads each address's type
        "order_trackings": [{...}, {}],  # as line_items
        "per_unit_remainders": [{"line_index": 0, "line_item_id": "li_1", "field": "line_tax",
                                 "remainder": "0.01"}],
    }}

`read` gives the remainder back to the reverse mapping as one `cartnorm.lossless.Carried`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from ...lossless import Carried

__all__ = ["NAMESPACE", "PARTS", "build", "read", "remainder_key"]

#: The key of ``additional_fields`` that holds everything Gearment-only.
NAMESPACE: Final = "gearment"
#: The order's lists of messages, read as parts: their remainders sit beside the order's.
PARTS: Final = ("line_items", "addresses", "order_trackings")


def build(envelope: dict[str, Any] | None, order: dict[str, Any], remainders: list[dict[str, Any]]) -> dict[str, Any]:
    """
    ``additional_fields["gearment"]`` from the envelope, the order's remainder (a dict of
    ours, its parts' remainders under their keys) and the per-unit remainders.
    """
    gearment: dict[str, Any] = {}
    if envelope is not None:
        gearment["envelope"] = envelope
    parts = {key: order.pop(key) for key in PARTS if type(order.get(key)) is list}
    if order:
        gearment["order"] = order
    gearment.update(parts)
    if remainders:
        gearment["per_unit_remainders"] = remainders
    return gearment


def remainder_key(index: int, field: str) -> str:
    """The key of a per-unit remainder: ``"0/line_tax"``."""
    return f"{index}/{field}"


def read(additional_fields: Mapping[str, Any]) -> tuple[Mapping[str, Any] | None, Carried, dict[str, Decimal]]:
    """
    ``(envelope or None, the order's remainder, per-unit remainders by `remainder_key`)`` back
    from ``additional_fields`` (lenient: what is not in the documented shape is left out).
    """
    found = additional_fields.get(NAMESPACE)
    gearment: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    order = gearment.get("order")
    rest = dict(order) if isinstance(order, Mapping) else {}
    rest.update((key, gearment[key]) for key in PARTS if isinstance(gearment.get(key), list))
    envelope = gearment.get("envelope")
    return (envelope if isinstance(envelope, Mapping) else None), Carried(rest), _remainders(gearment)


def _remainders(gearment: Mapping[str, Any]) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    entries = gearment.get("per_unit_remainders")
    if not isinstance(entries, list):
        return found
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        index, field, amount = entry.get("line_index"), entry.get("field"), entry.get("remainder")
        if type(index) is int and isinstance(field, str) and isinstance(amount, str):
            try:
                found[remainder_key(index, field)] = Decimal(amount)
            except InvalidOperation:
                continue
    return found
