"""
The documented layout of ``additional_fields["medusa"]``, and the hints it gives the reverse mapping.

Every key is optional and written only when it carries information::

    {"medusa": {
        "version": 2,                                   # Medusa v2 payload (absent: v1)
        "envelope": "order",                            # how the order was wrapped (absent: bare)
        "exponent": 2,                                  # minor-unit exponent used, when exponents=
                                                        # overrode ISO 4217 (e.g. KWD as 2)
        "remainders": {"$.items[0].tax_total": "0.01"}, # what dividing a line amount by its
                                                        # quantity left over, major units
        "absent": ["$.updated_at", "$.total"],          # mapped keys the payload did not carry
        "order": {...}                                  # every other payload field, as it came
    }}

Paths are relative to the Medusa order object. ``order`` holds the fields the Trackstar
model has no place for (nested objects only their own such fields), plus any mapped field
whose value the reverse mapping would not reproduce exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import attrs

from ..._paths import child

__all__ = ["KEY", "Hints", "build", "read_hints"]

_ZERO: Final = Decimal(0)

#: The key of the Medusa entry in ``CartOrder.additional_fields``.
KEY: Final = "medusa"


@attrs.frozen(kw_only=True)
class Hints:
    """What the reverse mapping needs besides the canonical fields."""

    version: int = 1
    envelope: str | None = None
    exponent: int | None = None
    remainders: Mapping[str, Decimal] = attrs.field(factory=dict)

    def remainder(self, path: str) -> Decimal:
        """The remainder recorded for ``path`` (zero when none)."""
        return self.remainders.get(path, _ZERO)

    def remainder_at(self, parent: str, key: str) -> Decimal:
        """`remainder` for ``key`` inside ``parent``; the path is built only when there are remainders."""
        return self.remainder(child(parent, key)) if self.remainders else _ZERO


def build(hints: Hints, patch: Mapping[str, Any], absent: list[str]) -> dict[str, Any]:
    """Return ``additional_fields`` for an order: ``{}`` when there is nothing to keep."""
    entry: dict[str, Any] = {}
    if hints.version != 1:
        entry["version"] = hints.version
    if hints.envelope is not None:
        entry["envelope"] = hints.envelope
    if hints.exponent is not None:
        entry["exponent"] = hints.exponent
    if hints.remainders:
        entry["remainders"] = {path: str(amount) for path, amount in hints.remainders.items()}
    if absent:
        entry["absent"] = list(absent)
    if patch:
        entry["order"] = dict(patch)
    return {KEY: entry} if entry else {}


def read_hints(additional_fields: Mapping[str, Any]) -> tuple[Hints, Mapping[str, Any], list[str]]:
    """Read ``(hints, patch, absent)`` back from ``additional_fields`` (lenient: bad parts are ignored)."""
    entry = additional_fields.get(KEY)
    if not isinstance(entry, Mapping):
        return Hints(), {}, []
    version = entry.get("version", 1)
    envelope = entry.get("envelope")
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
        exponent=exponent if type(exponent) is int else None,
        remainders=remainders,
    )
    return (
        hints,
        patch if isinstance(patch, Mapping) else {},
        [path for path in absent if isinstance(path, str)] if isinstance(absent, list) else [],
    )
