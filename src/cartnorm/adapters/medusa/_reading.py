"""
Reading a Medusa payload: envelopes, version detection, typed field access with JSON paths.

Every reader takes the JSON path of the object it reads from, so errors name the exact
place in the payload as the caller passed it (``$.order.items[0].quantity``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any, Final

from ..._datetime import parse_rfc3339
from ..._paths import ROOT
from ..._paths import child as _child
from ...errors import MISSING, PayloadError

__all__ = [
    "ENVELOPES",
    "child",
    "format_medusa_datetime",
    "is_v2",
    "looks_like_order",
    "object_list",
    "optional_datetime",
    "optional_str",
    "quantity",
    "required_str",
    "unwrap",
    "wrap",
]

#: `cartnorm._paths.child`, remembered. The forward mapping builds the path of each object it
#: reads before it knows whether an error will need it, and the same paths (``$.order.items[3]``,
#: ``$.order.fulfillments[0].created_at``) come back order after order.
child: Final = functools.lru_cache(maxsize=4096)(_child)

#: Recognised response envelopes: name → (the keys besides the order, the key holding it).
ENVELOPES: Final[Mapping[str, tuple[Mapping[str, str], str]]] = {
    "order": ({}, "order"),  # GET /store/orders/{id}, /store/orders/cart/{id}, admin endpoints
    "cart_completion": ({"type": "order"}, "data"),  # v1 POST /store/carts/{id}/complete
    "cart_completion_v2": ({"type": "order"}, "order"),  # v2 POST /store/carts/{id}/complete
}


def unwrap(payload: Any) -> tuple[Mapping[str, Any], str, str | None]:
    """
    Return ``(order, path of the order, envelope name or None)``; raise `PayloadError` if no order.

    The envelope is recognised only when the payload has exactly its keys.
    """
    if not isinstance(payload, Mapping):
        raise PayloadError(ROOT, payload, "a JSON object: a Medusa order or a response holding one")
    for name, (extra, key) in ENVELOPES.items():
        if len(payload) == len(extra) + 1 and key in payload and all(payload.get(k) == v for k, v in extra.items()):
            inner = payload[key]
            if not isinstance(inner, Mapping):
                raise PayloadError(child(ROOT, key), inner, "a Medusa order object")
            return inner, child(ROOT, key), name
    return payload, ROOT, None


def wrap(order: dict[str, Any], envelope: object) -> dict[str, Any]:
    """Put ``order`` back into the envelope `unwrap` found (or return it bare)."""
    if not isinstance(envelope, str) or envelope not in ENVELOPES:
        return order
    extra, key = ENVELOPES[envelope]
    return {**extra, key: order}


def looks_like_order(order: Mapping[str, Any]) -> bool:
    """Cheap structural test: a Medusa order has a string id, a currency code and Medusa markers."""
    identifier = order.get("id")
    if not isinstance(identifier, str) or "currency_code" not in order:
        return False
    return (
        order.get("object") == "order"
        or identifier.startswith("order_")
        or "fulfillment_status" in order
        or "payment_status" in order
    )


def _may_have_raw_keys(item: Mapping[Any, Any]) -> bool:
    """
    False when no key of ``item`` starts with ``raw_``: one scan in C over the joined keys.

    True (look at each key) when some key might, or when a key is not a string.
    """
    try:
        names = "\0" + "\0".join(item)
    except TypeError:
        return True
    return "\0raw_" in names


def _has_big_number(item: object) -> bool:
    if not isinstance(item, Mapping):
        return False
    if not _may_have_raw_keys(item):
        return False
    for key, value in item.items():  # a plain loop: this runs over every key of every order
        if isinstance(key, str) and key.startswith("raw_") and isinstance(value, Mapping) and "value" in value:
            return True
    return False


#: Order-level keys only Medusa v2 writes (v2 totals, the payment summary, credit lines).
V2_ONLY_KEYS: Final = frozenset({"summary", "item_total", "item_subtotal", "shipping_subtotal",
                                 "original_item_total", "credit_lines", "credit_line_total"})  # fmt: skip
#: Id prefixes of v2 order records (v1 uses ``item_`` and ``sm_``).
V2_ID_PREFIXES: Final = {"items": "ordli_", "shipping_methods": "ordsm_"}


def is_v2(order: Mapping[str, Any]) -> bool:
    """
    True for a Medusa v2 order.

    Signs, any of: a BigNumber ``raw_*`` object on the order, its first item or first shipping
    method; a v2-only order key (`V2_ONLY_KEYS`); a v2 item or shipping-method id prefix.
    """
    if _has_big_number(order) or any(key in order for key in V2_ONLY_KEYS):
        return True
    for key, prefix in V2_ID_PREFIXES.items():
        entries = order.get(key)
        if not isinstance(entries, list) or not entries:
            continue
        first = entries[0]
        if _has_big_number(first) or (isinstance(first, Mapping) and str(first.get("id", "")).startswith(prefix)):
            return True
    return False


def required_str(obj: Mapping[str, Any], key: str, path: str) -> str:
    """The string at ``key``, or `PayloadError` naming the path."""
    value = obj.get(key, MISSING)
    if not isinstance(value, str):
        raise PayloadError(child(path, key), value, "a string")
    return value


def optional_str(obj: Mapping[str, Any], key: str) -> str | None:
    """The string at ``key``, or None when it is absent or not a string (it then stays in additional_fields)."""
    value = obj.get(key)
    return value if isinstance(value, str) else None


def optional_datetime(obj: Mapping[str, Any], key: str, path: str) -> datetime | None:
    """The RFC 3339 date-time at ``key``; None when absent or null; `PayloadError` when unparseable."""
    value = obj.get(key)
    if value is None:
        return None
    try:
        return parse_rfc3339(value)
    except PayloadError:  # rare: parsed again for the same error at its path, built only now
        return parse_rfc3339(value, child(path, key))


def quantity(obj: Mapping[str, Any], key: str, path: str) -> int:
    """A non-negative integer quantity, or `PayloadError`."""
    value = obj.get(key, MISSING)
    if type(value) is not int or value < 0:
        raise PayloadError(child(path, key), value, "a non-negative integer quantity")
    return value


def object_list(obj: Mapping[str, Any], key: str, path: str) -> Sequence[Mapping[str, Any]]:
    """The list of objects at ``key`` (empty when absent or null); `PayloadError` for anything else."""
    value = obj.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise PayloadError(child(path, key), value, "a list of objects")
    if all(type(item) is dict for item in value):  # parsed JSON: no Mapping check per element
        return value
    for index, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise PayloadError(child(child(path, key), index), item, "an object")
    return value


def format_medusa_datetime(value: datetime | None) -> str | None:
    """
    Write a date-time the way Medusa does (JavaScript ``Date.toJSON``): UTC, milliseconds, ``Z``.

    Microseconds that milliseconds cannot hold are written with six digits.

    >>> from cartnorm._datetime import parse_rfc3339
    >>> format_medusa_datetime(parse_rfc3339("2024-09-22T16:55:44+02:00"))
    '2024-09-22T14:55:44.000Z'
    """
    if value is None:
        return None
    utc = value.astimezone(timezone.utc)
    text = f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
    micro = utc.microsecond
    fraction = f"{micro // 1000:03d}" if micro % 1000 == 0 else f"{micro:06d}"
    return f"{text}.{fraction}Z"
