"""
Medusa's three status axes mapped onto the Trackstar lifecycle, as data.

A Medusa order carries three independent statuses (``status``, ``fulfillment_status``,
``payment_status``). The Trackstar status is decided by an ordered list of `Rule`\\ s: the
first rule that matches a combination decides it. The rules are expanded into one
`StatusTable` row per combination of documented values (5 × 9 × 7 = 315 rows for v1), so
every combination has a defined, documented outcome, and a value Medusa does not document
maps to ``other`` (never to a guessed state).

Medusa v2 adds a fourth, derived axis, ``units_shipped`` (`UNITS_SHIPPED`): ``all`` when every
item's ``detail.shipped_quantity`` reaches its quantity, else ``not_all``. v2 sets
``partially_delivered`` as soon as one fulfillment is delivered, whatever else shipped; the
fourth axis tells "the rest is on its way" from "the rest is still in the warehouse"
(6 × 8 × 10 × 2 = 960 rows). Where a v2 response leaves the computed axes out (cart
completion, admin order actions), `._aggregate` derives them as Medusa does.

``raw_status`` keeps all three values as an ``application/x-www-form-urlencoded`` string,
``status=pending&fulfillment_status=shipped&payment_status=captured``, which
`parse_raw_status` (or ``urllib.parse.parse_qsl``) reads back.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final
from urllib.parse import parse_qsl, urlencode

import attrs

from ...adapter import StatusDecision, StatusTable
from ...model import OrderStatus

__all__ = [
    "AXES",
    "AXES_V2",
    "RULES_V1",
    "RULES_V2",
    "STATUS_TABLE_V1",
    "STATUS_TABLE_V2",
    "UNITS_SHIPPED",
    "V1_VALUES",
    "V2_VALUES",
    "Rule",
    "decide",
    "format_raw_status",
    "parse_raw_status",
]

#: The three Medusa fields that together decide the Trackstar status, in ``raw_status`` order.
AXES: Final = ("status", "fulfillment_status", "payment_status")
#: The derived v2 axis: has every unit of every item shipped (``items[].detail.shipped_quantity``)?
UNITS_SHIPPED: Final = "units_shipped"
#: The axes of the v2 table: Medusa's three, then the derived one.
AXES_V2: Final = (*AXES, UNITS_SHIPPED)

#: Medusa v1 enums (``packages/medusa/src/models/order.ts``), in Medusa's own order.
V1_VALUES: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "status": ("pending", "completed", "archived", "canceled", "requires_action"),
        "fulfillment_status": (
            "not_fulfilled", "partially_fulfilled", "fulfilled", "partially_shipped", "shipped",
            "partially_returned", "returned", "canceled", "requires_action",
        ),
        "payment_status": (
            "not_paid", "awaiting", "captured", "partially_refunded", "refunded", "canceled", "requires_action",
        ),
    }
)  # fmt: skip

#: Medusa v2 enums (``packages/core/utils/src/order/status.ts``, ``packages/core/types/src/order/common.ts``).
V2_VALUES: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "status": ("pending", "completed", "draft", "archived", "canceled", "requires_action"),
        "fulfillment_status": (
            "not_fulfilled", "partially_fulfilled", "fulfilled", "partially_shipped", "shipped",
            "partially_delivered", "delivered", "canceled",
        ),
        "payment_status": (
            "not_paid", "awaiting", "authorized", "partially_authorized", "captured", "partially_captured",
            "partially_refunded", "refunded", "canceled", "requires_action",
        ),
        UNITS_SHIPPED: ("all", "not_all"),
    }
)  # fmt: skip


def _values(*names: str) -> frozenset[str]:
    return frozenset(names)


def _freeze_when(when: Mapping[str, frozenset[str]]) -> Mapping[str, frozenset[str]]:
    return MappingProxyType(dict(when))


@attrs.frozen(kw_only=True)
class Rule:
    """
    One line of the mapping: when every named axis holds one of the listed values.

    Attributes:
        when: axis name → the values that match; an axis not named matches anything.
        status: the Trackstar status the combination maps to.
        reason: why, for people (shown in the generated documentation).
    """

    when: Mapping[str, frozenset[str]] = attrs.field(converter=_freeze_when)
    status: OrderStatus
    reason: str

    def matches(self, combination: Mapping[str, str]) -> bool:
        """True when every axis this rule names holds one of its values."""
        return all(combination[axis] in values for axis, values in self.when.items())


_S = OrderStatus
_CAPTURED_V1 = _values("captured", "partially_refunded")
_UNPAID_V1 = _values("awaiting", "not_paid")
_CAPTURED_V2 = _values("captured", "partially_captured", "partially_refunded")
_UNPAID_V2 = _values("not_paid", "awaiting", "authorized", "partially_authorized")
_REDO = "a fulfillment was cancelled (Medusa then marks the whole axis canceled) and can be redone"

#: Medusa v1 rules, first match wins.
RULES_V1: Final[tuple[Rule, ...]] = (
    Rule(when={"status": _values("canceled")}, status=_S.CANCELLED,
         reason="cancelled (cancel() sets all three axes to canceled at once)"),
    Rule(when={"status": _values("requires_action")}, status=_S.EXCEPTION,
         reason="order flagged requires_action (core v1 never sets it: a plugin or an admin did)"),
    Rule(when={"payment_status": _values("requires_action")}, status=_S.EXCEPTION,
         reason="a payment capture failed (capturePayment())"),
    Rule(when={"fulfillment_status": _values("requires_action")}, status=_S.EXCEPTION,
         reason="a received return's refund exceeded the refundable amount"),
    Rule(when={"payment_status": _values("canceled")}, status=_S.EXCEPTION,
         reason="payment canceled but the order is not: nothing can be charged"),
    Rule(when={"status": _values("completed", "archived")}, status=_S.FULFILLED,
         reason="completed by an admin (archive() needs a completed order): Medusa's only explicit 'done'"),
    Rule(when={"fulfillment_status": _values("shipped", "partially_returned", "returned")}, status=_S.FULFILLED,
         reason="everything shipped; returns come after fulfilment and do not undo it"),
    Rule(when={"fulfillment_status": _values("partially_shipped")}, status=_S.PARTIALLY_FULFILLED,
         reason="some items shipped, others not yet"),
    Rule(when={"fulfillment_status": _values("fulfilled", "partially_fulfilled")}, status=_S.PROCESSING,
         reason="packed (fulfillments created), not shipped"),
    Rule(when={"fulfillment_status": _values("canceled"), "payment_status": _CAPTURED_V1}, status=_S.CONFIRMED,
         reason=f"{_REDO}; payment captured"),
    Rule(when={"fulfillment_status": _values("canceled"), "payment_status": _UNPAID_V1}, status=_S.OPEN,
         reason=f"{_REDO}; payment not captured yet"),
    Rule(when={"payment_status": _CAPTURED_V1}, status=_S.CONFIRMED,
         reason="payment captured, nothing packed yet"),
    Rule(when={"payment_status": _UNPAID_V1}, status=_S.OPEN,
         reason="placed: payment authorized (awaiting) or not paid, nothing packed yet"),
    Rule(when={"payment_status": _values("refunded")}, status=_S.EXCEPTION,
         reason="fully refunded, yet neither cancelled nor shipped"),
)  # fmt: skip

#: Medusa v2 rules, first match wins (v2 adds draft, authorized/partially_captured and delivery states).
RULES_V2: Final[tuple[Rule, ...]] = (
    Rule(when={"status": _values("canceled")}, status=_S.CANCELLED, reason="cancelled"),
    Rule(when={"status": _values("requires_action")}, status=_S.EXCEPTION, reason="order flagged requires_action"),
    Rule(when={"payment_status": _values("requires_action")}, status=_S.EXCEPTION,
         reason="the payment provider needs an action (e.g. a failed capture)"),
    Rule(when={"payment_status": _values("canceled")}, status=_S.EXCEPTION,
         reason="payment canceled but the order is not: nothing can be charged"),
    Rule(when={"status": _values("draft")}, status=_S.OPEN, reason="a draft order an admin is still editing"),
    Rule(when={"status": _values("completed", "archived")}, status=_S.FULFILLED,
         reason="completed (or completed and archived)"),
    Rule(when={"fulfillment_status": _values("shipped", "delivered")}, status=_S.FULFILLED,
         reason="everything shipped (or delivered)"),
    Rule(when={"fulfillment_status": _values("partially_delivered"), UNITS_SHIPPED: _values("all")},
         status=_S.FULFILLED,
         reason="some fulfillments delivered and every unit shipped (items[].detail.shipped_quantity): "
                "v2 says partially_delivered until every fulfillment is delivered"),
    Rule(when={"fulfillment_status": _values("partially_shipped", "partially_delivered")},
         status=_S.PARTIALLY_FULFILLED,
         reason="some items shipped or delivered, others not shipped yet"),
    Rule(when={"fulfillment_status": _values("fulfilled", "partially_fulfilled")}, status=_S.PROCESSING,
         reason="packed (fulfillments created), not shipped"),
    Rule(when={"fulfillment_status": _values("canceled"), "payment_status": _CAPTURED_V2}, status=_S.CONFIRMED,
         reason="a cancelled fulfillment can be redone; payment (partly) captured"),
    Rule(when={"fulfillment_status": _values("canceled"), "payment_status": _UNPAID_V2}, status=_S.OPEN,
         reason="a cancelled fulfillment can be redone; payment not captured yet"),
    Rule(when={"payment_status": _CAPTURED_V2}, status=_S.CONFIRMED,
         reason="payment (partly) captured, nothing packed yet"),
    Rule(when={"payment_status": _UNPAID_V2}, status=_S.OPEN,
         reason="placed: payment authorized or not paid, nothing packed yet"),
    Rule(when={"payment_status": _values("refunded")}, status=_S.EXCEPTION,
         reason="fully refunded, yet neither cancelled nor shipped"),
)  # fmt: skip


def _expand(
    rules: tuple[Rule, ...], values: Mapping[str, tuple[str, ...]], axes: tuple[str, ...] = AXES
) -> dict[tuple[str, ...], StatusDecision]:
    rows: dict[tuple[str, ...], StatusDecision] = {}
    for key in itertools.product(*(values[axis] for axis in axes)):
        combination = dict(zip(axes, key, strict=True))
        rule = next((rule for rule in rules if rule.matches(combination)), None)
        if rule is None:  # pragma: no cover - the rule lists end with catch-alls for every documented value
            msg = f"no Medusa status rule covers {combination!r}"
            raise AssertionError(msg)
        rows[key] = StatusDecision(rule.status, rule.reason)
    return rows


_UNKNOWN = "a value Medusa does not document (or a missing axis): kept in raw_status, never guessed"

#: Every Medusa v1 combination (5 × 9 × 7 rows).
STATUS_TABLE_V1: Final = StatusTable(
    vendor="medusa",
    title="Medusa v1 (status × fulfillment_status × payment_status)",
    axes=AXES,
    rows=_expand(RULES_V1, V1_VALUES),
    unknown_reason=_UNKNOWN,
    values=V1_VALUES,
)
#: Every Medusa v2 combination (6 × 8 × 10 × 2 rows).
STATUS_TABLE_V2: Final = StatusTable(
    vendor="medusa",
    title="Medusa v2 (status × fulfillment_status × payment_status × units_shipped)",
    axes=AXES_V2,
    rows=_expand(RULES_V2, V2_VALUES, AXES_V2),
    unknown_reason=_UNKNOWN,
    values=V2_VALUES,
)


def decide(table: StatusTable, axes: Mapping[str, object]) -> tuple[StatusDecision, bool]:
    """
    Return the decision for the axis values found in a payload, and whether it was known.

    A missing or non-string axis, or a combination not in ``table``, gives ``other``.
    """
    key = tuple(axes.get(axis) for axis in table.axes)
    if not all(isinstance(value, str) for value in key):
        return StatusDecision(OrderStatus.OTHER, table.unknown_reason), False
    known = key in table.rows
    return table.lookup(key), known  # type: ignore[arg-type]


def format_raw_status(axes: Mapping[str, object]) -> str | None:
    """
    Encode the string-valued axes as ``status=…&fulfillment_status=…&payment_status=…``.

    Axes that are missing or not strings are left out; None when no axis is a string.

    >>> format_raw_status({"status": "pending", "fulfillment_status": "shipped", "payment_status": "captured"})
    'status=pending&fulfillment_status=shipped&payment_status=captured'
    """
    pairs = tuple((axis, value) for axis in AXES if isinstance(value := axes.get(axis), str))
    return _encode_pairs(pairs) if pairs else None


@functools.lru_cache(maxsize=256)  # orders repeat a handful of status combinations
def _encode_pairs(pairs: tuple[tuple[str, str], ...]) -> str:
    return urlencode(pairs, errors="surrogatepass")


def parse_raw_status(raw_status: str | None) -> dict[str, str]:
    """
    Read back what `format_raw_status` wrote (unknown keys are ignored).

    >>> parse_raw_status("status=pending&fulfillment_status=shipped&payment_status=captured")["payment_status"]
    'captured'
    """
    if raw_status is None:
        return {}
    return dict(_decode_axes(raw_status))  # a fresh dict: the cached one is shared


@functools.lru_cache(maxsize=256)
def _decode_axes(raw_status: str) -> tuple[tuple[str, str], ...]:
    pairs = parse_qsl(raw_status, keep_blank_values=True, errors="surrogatepass")
    return tuple({key: value for key, value in pairs if key in AXES}.items())
