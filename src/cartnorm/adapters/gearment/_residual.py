"""
What a Gearment object keeps beside the canonical order: its *residual*.

For every Gearment object (the order, a line item, an address, a tracking) the adapter
knows how to rebuild its mapped fields from the canonical order (the *encoded* object).
The residual is what that cannot give back exactly: every field it does not produce, and
every field whose value differs from what was sent. If the encoded object has a field the
payload did not have, the residual lists it under ``"_omitted"``. Hence, by construction,
``merge(encoded, residual(raw, encoded)) == raw`` for every object.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from ._schema import MessageSpec

__all__ = ["OMITTED", "merge", "ordered", "residual", "same"]

#: Residual key listing fields the payload did not have although the canonical order implies them.
OMITTED: Final = "_omitted"
#: Immutable JSON scalars: shared, never copied.
_SCALARS: Final = frozenset({str, int, bool, type(None), Decimal, float})
#: Scalars for which ``==`` between two values of one type is exactly `same` (no NaN among them).
_PLAIN: Final = frozenset({str, int, bool, type(None)})


def same(left: Any, right: Any) -> bool:
    """JSON equality that tells ``true`` from ``1`` and ``"1"`` from ``1``."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left == right and all(_same_member(value, right[key]) for key, value in left.items())
    if isinstance(left, list):
        return left == right and all(_same_member(a, b) for a, b in zip(left, right, strict=True))
    return bool(left == right)


def _same_member(left: Any, right: Any) -> bool:
    """`same` for two members of containers already known equal (``==``): only types remain to check."""
    if type(left) is not type(right):
        return False
    return type(left) in _PLAIN or same(left, right)


def residual(raw: Mapping[str, Any], encoded: Mapping[str, Any]) -> dict[str, Any]:
    """The part of ``raw`` that ``encoded`` does not reproduce exactly."""
    kept: dict[str, Any] = {}
    for key, value in raw.items():
        if key in encoded and _reproduces(encoded[key], value):
            continue
        kept[key] = value
    omitted = [key for key in encoded if key not in raw]
    if omitted:
        kept[OMITTED] = omitted
    return kept


def _reproduces(mapped: Any, sent: Any) -> bool:
    """`same`, with the usual case (two plain scalars of one type) decided inline."""
    kind = type(sent)
    if type(mapped) is not kind:
        return False
    return bool(mapped == sent) if kind in _PLAIN else same(mapped, sent)


def merge(encoded: Mapping[str, Any], rest: Mapping[str, Any] | None) -> dict[str, Any]:
    """Rebuild an object from its encoded fields and its residual (a fresh deep copy)."""
    out = dict(encoded)
    if not rest:
        return out
    omitted = rest.get(OMITTED)
    if isinstance(omitted, list):
        for key in omitted:
            out.pop(key, None)
    for key, value in rest.items():
        if key != OMITTED:
            out[key] = _copy(value)
    return out


def ordered(obj: dict[str, Any], spec: MessageSpec) -> dict[str, Any]:
    """``obj`` with known fields in proto order (Gearment's own key order), unknown ones after."""
    out = {name: obj[name] for name in spec.fields if name in obj}
    if len(out) < len(obj):
        out.update((key, value) for key, value in obj.items() if key not in out)
    return out


def _copy(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:  # the usual containers first: isinstance(…, Mapping) is an ABC check, slow
        return {key: _copy(item) for key, item in value.items()}
    if kind is list:
        return [_copy(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy(item) for item in value]
    return value
