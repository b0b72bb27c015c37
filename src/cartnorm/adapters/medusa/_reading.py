"""
Reading a Medusa payload: envelopes, version detection, typed field access with JSON paths.

`read_payload` reads the order in it through a `cartnorm.lossless.Reading`: of a copy of the
payload when it is to be bounded (`cartnorm.lossless.owned_copy`: within the caller's
`cartnorm.Limits`, floats as exact Decimals), of the payload itself otherwise. Every field
reader takes the JSON path of the object it reads from, so errors name the exact place in the
payload as the caller passed it (``$.order.items[0].quantity``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any, Final, NamedTuple

import attrs

from ..._datetime import parse_rfc3339
from ..._paths import ROOT
from ..._paths import child as _child
from ...errors import MISSING, PayloadError
from ...limits import Limits
from ...lossless import Reading, note_floats, owned_copy

__all__ = [
    "ENVELOPES",
    "NOT_ORDERS",
    "Envelope",
    "Read",
    "child",
    "detail_quantity",
    "format_medusa_datetime",
    "is_medusa_body",
    "is_v2",
    "looks_like_order",
    "object_list",
    "optional_datetime",
    "optional_str",
    "quantity",
    "read_payload",
    "required_str",
    "unwrap",
    "wrap",
]

#: `cartnorm._paths.child`, remembered. The forward mapping builds the path of each object it
#: reads before it knows whether an error will need it, and the same paths (``$.order.items[3]``,
#: ``$.order.fulfillments[0].created_at``) come back order after order.
child: Final = functools.lru_cache(maxsize=4096)(_child)


@attrs.frozen
class Envelope:
    """
    A response shape that holds one order.

    Attributes:
        key: where the order sits.
        fixed: keys beside it with a fixed value (``{"type": "order"}``).
        siblings: keys beside it whose values are kept whole (a return, a claim, an exchange).
    """

    key: str
    fixed: Mapping[str, str] = attrs.field(factory=dict)
    siblings: tuple[str, ...] = ()

    @property
    def keys(self) -> frozenset[str]:
        """Every key of a payload in this envelope."""
        return frozenset((self.key, *self.fixed, *self.siblings))


#: Recognised response envelopes, by the name ``additional_fields.medusa.envelope`` records.
ENVELOPES: Final[Mapping[str, Envelope]] = {
    "order": Envelope("order"),  # GET /store/orders/{id}, /store/orders/cart/{id}, /admin/orders/{id}, admin actions
    "cart_completion": Envelope("data", {"type": "order"}),  # v1 POST /store/carts/{id}/complete
    "cart_completion_v2": Envelope("order", {"type": "order"}),  # v2 POST /store/carts/{id}/complete
    # v2 returns, claims and exchanges: POST /admin/returns (…/receive) answer {order, return}; the
    # request/receive steps answer {order_preview, return}; claims and exchanges do the same.
    **{
        f"{'order' if key == 'order' else 'preview'}_{other}": Envelope(key, {}, (other,))
        for key in ("order", "order_preview")
        for other in ("return", "claim", "exchange")
    },
}

#: Medusa responses that hold no order: the top-level key → what the body is and where it comes from.
NOT_ORDERS: Final[Mapping[str, str]] = {
    "payment": "a payment (POST /admin/payments/{id}/capture and /refund answer with it)",
    "payment_collection": "a payment collection",
    "return": "a return (v1 POST /admin/returns/{id}/receive answers with it)",
    "claim": "a claim",
    "exchange": "an exchange",
    "fulfillment": "a fulfillment",
}
_ORDER_LISTS: Final = "orders"


def _envelope_of(payload: Mapping[Any, Any]) -> tuple[str, Envelope] | None:
    if len(payload) == 1 and "order" in payload:  # the usual case, first
        return "order", ENVELOPES["order"]
    for name, envelope in ENVELOPES.items():
        if payload.keys() == envelope.keys and all(payload[key] == value for key, value in envelope.fixed.items()):
            return name, envelope
    return None


def unwrap(payload: Any) -> tuple[Mapping[str, Any], str, str | None, dict[str, Any]]:
    """
    Return ``(order, path of the order, envelope name or None, siblings)``; raise `PayloadError` if no order.

    The envelope is recognised only when the payload has exactly its keys. A Medusa body that
    holds no order (a payment, a return, a list of orders) is a `PayloadError` saying what it is.
    """
    if not isinstance(payload, Mapping):
        raise PayloadError(ROOT, payload, "a JSON object: a Medusa order or a response holding one")
    found = _envelope_of(payload)
    if found is None:
        _refuse_non_order(payload)
        return payload, ROOT, None, {}
    name, envelope = found
    inner = payload[envelope.key]
    if not isinstance(inner, Mapping):
        raise PayloadError(child(ROOT, envelope.key), inner, "a Medusa order object")
    return inner, child(ROOT, envelope.key), name, {key: payload[key] for key in envelope.siblings}


class Read(NamedTuple):
    """A payload as read: the order's `Reading`, the envelope's name and what it held beside the order."""

    order: Reading
    envelope: str | None
    siblings: dict[str, Any]  #: copies
    floats: bool  #: the payload held binary floats (json.loads); for a reading not owned, see `Reading.floats` too


def read_payload(payload: Any, limits: Limits | None, *, owned: bool = False) -> Read:
    """
    Read ``payload`` (an order or a response holding one).

    With ``limits``, from a copy of its own, bounded on the way (over them: what
    `cartnorm.limits.check_payload` raises, first): one walk bounds and copies, and the copy
    becomes the patch in place. Without, the payload itself is read: never modified, and only
    what is kept is copied; or, ``owned`` (parsed by cartnorm for this conversion alone: exact
    numbers, bounded, held by nobody else), it becomes the patch in place as a copy would.
    A payload that holds no order raises `PayloadError` as `unwrap` does.
    """
    if limits is not None or owned:
        copy, floats = owned_copy(payload, limits) if limits is not None else (payload, False)
        if not isinstance(copy, dict):
            raise PayloadError(ROOT, payload, "a JSON object: a Medusa order or a response holding one")
        found = _envelope_of(copy)
        if found is None:
            _refuse_non_order(payload)
            return Read(Reading(copy, owned=True), None, {}, floats)
        name, envelope = found
        order, path = copy[envelope.key], child(ROOT, envelope.key)
        if type(order) is not dict:
            raise PayloadError(path, payload[envelope.key], "a Medusa order object")
        return Read(Reading(order, owned=True, path=path), name, {key: copy[key] for key in envelope.siblings}, floats)
    inner, where, envelope_name, siblings = unwrap(payload)
    kept, floats = note_floats(siblings) if siblings else ({}, False)
    return Read(Reading(inner, path=where), envelope_name, kept, floats)  # type: ignore[arg-type]


def _refuse_non_order(payload: Mapping[Any, Any]) -> None:
    """Raise the `PayloadError` for a Medusa body that holds no order; return for anything else."""
    if len(payload) == 1:
        (key,) = payload
        if key in NOT_ORDERS and isinstance(payload[key], Mapping):
            raise PayloadError(
                child(ROOT, key),
                {"keys": sorted(str(name) for name in payload[key])[:8]},
                f"a Medusa order, not {NOT_ORDERS[key]}",
                hint="This response holds no order: read the order with GET /admin/orders/{id} "
                "(or GET /store/orders/{id}).",
            )
    orders = payload.get(_ORDER_LISTS)
    if isinstance(orders, list) and "id" not in payload:
        raise PayloadError(
            child(ROOT, _ORDER_LISTS),
            f"a list of {len(orders)} orders",
            "one Medusa order per record (this is a page of GET /admin/orders or /store/orders)",
            hint="Convert each element of $.orders on its own (they are bare orders); offset and limit page on.",
        )


def is_medusa_body(payload: Any) -> bool:
    """True for a Medusa response that holds no order but is Medusa's (a payment, a return, a page of orders)."""
    if not isinstance(payload, Mapping):
        return False
    if len(payload) == 1:
        (key,) = payload
        inner = payload[key]
        if key in NOT_ORDERS and isinstance(inner, Mapping):
            identifier = inner.get("id")
            return isinstance(identifier, str) and identifier.startswith(_NOT_ORDER_IDS)
    orders = payload.get(_ORDER_LISTS)
    if isinstance(orders, list) and orders and isinstance(orders[0], Mapping) and "id" not in payload:
        return looks_like_order(orders[0])
    return False


#: Id prefixes Medusa gives the records `NOT_ORDERS` names.
_NOT_ORDER_IDS: Final = ("pay_", "paycol_", "pay_col_", "ret_", "return_", "claim_", "exchange_", "oexc_", "ful_")


def wrap(order: dict[str, Any], envelope: object, siblings: Mapping[str, Any]) -> dict[str, Any]:
    """Put ``order`` back into the envelope `unwrap` found (or return it bare)."""
    if not isinstance(envelope, str) or envelope not in ENVELOPES:
        return order
    shape = ENVELOPES[envelope]
    wrapped: dict[str, Any] = {**shape.fixed, shape.key: order}
    for key in shape.siblings:
        if key in siblings:
            wrapped[key] = siblings[key]
    return wrapped


def looks_like_order(order: Mapping[str, Any]) -> bool:
    """
    Cheap structural test: a Medusa order has a string id and Medusa markers.

    With a ``currency_code``: ``object: "order"``, an ``order_`` id or a status axis. Without
    one (v2 admin responses leave it out by default): an ``order_`` id and a v2 sign (`is_v2`).
    """
    identifier = order.get("id")
    if not isinstance(identifier, str):
        return False
    if "currency_code" not in order:
        return identifier.startswith("order_") and is_v2(order)
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


def detail_quantity(detail: Mapping[str, Any], key: str, path: str) -> int:
    """
    A v2 ``items[].detail`` quantity (``shipped_quantity`` …): the number, else its BigNumber
    ``raw_<key>``, zero when neither is there. ``path`` is the detail's.
    """
    if key in detail:
        return quantity(detail, key, path)
    raw = detail.get("raw_" + key)
    if raw is None:
        return 0
    text = raw.get("value") if isinstance(raw, Mapping) else None
    if isinstance(text, str) and text.isdigit():
        return int(text)
    raise PayloadError(child(child(path, "raw_" + key), "value"), text, "a whole number of units as a string")


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
