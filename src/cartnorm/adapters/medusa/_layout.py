"""
The documented layout of ``additional_fields["medusa"]``, and the hints it gives the reverse mapping.

Every key is optional and written only when it carries information::

    {"medusa": {
        "version": 2,                                   # Medusa v2 payload (absent: v1)
        "envelope": "order",                            # how the order was wrapped (absent: bare)
        "siblings": {"return": {...}},                  # what the envelope held beside the order
        "exponent": 2,                                  # minor-unit exponent used, when exponents=
                                                        # overrode ISO 4217 (e.g. KWD as 2)
        "floats": true,                                 # the payload's numbers were binary floats
                                                        # (json.loads): given back as floats
        "remainders": {"$.items[0].tax_total": "0.01"}, # what dividing a line amount by its
                                                        # quantity left over, major units
        "quantities": {"$.items[0]": 2},                # units a line's amounts cover, when not
                                                        # its quantity (v2, after a received return)
        "parcels": {"$.fulfillments[0]": 2},            # shipments one fulfillment became (one per
                                                        # label / tracking link), when more than one
        "absent": ["$.updated_at", "$.total"],          # mapped keys the payload did not carry
        "order": {...},                                 # every other payload field, as it came
        "derived_status": {"payment_status": "captured"},  # readable: axes the response left out,
                                                        # derived as Medusa does (not in raw_status)
        "post_purchase": {...}                          # readable: refunds, credit lines, returns
    }}

Paths are relative to the Medusa order object. ``order`` holds the fields the Trackstar
model has no place for (nested objects only their own such fields), plus any mapped field
whose value the reverse mapping would not reproduce exactly. ``derived_status`` and
``post_purchase`` are for people and queries; the reverse mapping does not read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import attrs

from ..._paths import child

__all__ = ["KEY", "READABLE_KEYS", "Hints", "build", "read_hints"]

_ZERO: Final = Decimal(0)

#: The key of the Medusa entry in ``CartOrder.additional_fields``.
KEY: Final = "medusa"
#: Keys of the entry that are for reading only (the reverse mapping ignores them).
READABLE_KEYS: Final = ("derived_status", "post_purchase")


@attrs.frozen(kw_only=True)
class Hints:
    """What the reverse mapping needs besides the canonical fields."""

    version: int = 1
    envelope: str | None = None
    siblings: Mapping[str, Any] = attrs.field(factory=dict)
    exponent: int | None = None
    floats: bool = False
    remainders: Mapping[str, Decimal] = attrs.field(factory=dict)
    quantities: Mapping[str, int] = attrs.field(factory=dict)
    parcels: Mapping[str, int] = attrs.field(factory=dict)

    def remainder(self, path: str) -> Decimal:
        """The remainder recorded for ``path`` (zero when none)."""
        return self.remainders.get(path, _ZERO)

    def remainder_at(self, parent: str, key: str) -> Decimal:
        """`remainder` for ``key`` inside ``parent``; the path is built only when there are remainders."""
        return self.remainder(child(parent, key)) if self.remainders else _ZERO


def build(hints: Hints, patch: Mapping[str, Any], absent: list[str], readable: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``additional_fields`` for an order: ``{}`` when there is nothing to keep."""
    entry: dict[str, Any] = {}
    if hints.version != 1:
        entry["version"] = hints.version
    if hints.envelope is not None:
        entry["envelope"] = hints.envelope
    if hints.siblings:
        entry["siblings"] = dict(hints.siblings)
    if hints.exponent is not None:
        entry["exponent"] = hints.exponent
    if hints.floats:
        entry["floats"] = True
    if hints.remainders:
        entry["remainders"] = {path: str(amount) for path, amount in hints.remainders.items()}
    if hints.quantities:
        entry["quantities"] = dict(hints.quantities)
    if hints.parcels:
        entry["parcels"] = dict(hints.parcels)
    if absent:
        entry["absent"] = list(absent)
    if patch:
        entry["order"] = dict(patch)
    entry.update((key, value) for key, value in readable.items() if value)
    return {KEY: entry} if entry else {}


def _counts(raw: object, minimum: int) -> dict[str, int]:
    if not isinstance(raw, Mapping):
        return {}
    return {
        path: count for path, count in raw.items() if isinstance(path, str) and type(count) is int and count >= minimum
    }


def read_hints(additional_fields: Mapping[str, Any]) -> tuple[Hints, Mapping[str, Any], list[str]]:
    """Read ``(hints, patch, absent)`` back from ``additional_fields`` (lenient: bad parts are ignored)."""
    entry = additional_fields.get(KEY)
    if not isinstance(entry, Mapping):
        return Hints(), {}, []
    version = entry.get("version", 1)
    envelope = entry.get("envelope")
    siblings = entry.get("siblings")
    exponent = entry.get("exponent")
    remainders: dict[str, Decimal] = {}
    raw_remainders = entry.get("remainders")
    if isinstance(raw_remainders, Mapping):
        for path, text in raw_remainders.items():
            try:
                remainders[path] = Decimal(str(text))
            except InvalidOperation:
                continue
    patch = entry.get("order")
    absent = entry.get("absent")
    hints = Hints(
        version=version if version in (1, 2) else 1,
        envelope=envelope if isinstance(envelope, str) else None,
        siblings=siblings if isinstance(siblings, Mapping) else {},
        exponent=exponent if type(exponent) is int else None,
        floats=entry.get("floats") is True,
        remainders=remainders,
        quantities=_counts(entry.get("quantities"), 0),
        parcels=_counts(entry.get("parcels"), 1),
    )
    return (
        hints,
        patch if isinstance(patch, Mapping) else {},
        [path for path in absent if isinstance(path, str)] if isinstance(absent, list) else [],
    )
