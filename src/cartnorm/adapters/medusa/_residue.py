"""
What the Trackstar model cannot hold: the difference between a payload and its regeneration.

`to_canonical` maps what it can, then regenerates a Medusa order from the canonical order
alone (`_from_canonical.regenerate`) and keeps only the difference, so nothing is lost and
nothing is stored twice:

* ``patch``: every key whose payload value differs from the regenerated one (or that the
  regeneration does not produce), with the payload's value. Objects present on both sides
  are patched key by key, and lists of objects of equal length element by element (an empty
  patch, ``{}``, keeps an element as regenerated); anything else is replaced whole.
* ``absent``: JSON paths (relative to the order, ``$.items[0].variant``) of keys the
  regeneration produces but the payload did not carry (a trimmed response, a recomputed
  total, a filled-in ``updated_at``).

`apply` rebuilds the payload exactly: ``apply(regenerated, *diff(payload, regenerated)) == payload``.
Values are compared strictly (``1`` is not ``True``, ``Decimal('1.0')`` is not ``Decimal('1')``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..._paths import ROOT, child

__all__ = ["apply", "copy_json", "diff", "parse_path", "same"]


def same(left: Any, right: Any) -> bool:
    """Strict JSON equality: equal values of the same types, Decimals with the same digits."""
    if type(left) is not type(right):
        if isinstance(left, Mapping) and isinstance(right, Mapping):
            return _same_mapping(left, right)
        if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
            return _same_list(left, right)
        return False
    if isinstance(left, Mapping):
        return _same_mapping(left, right)
    if isinstance(left, (list, tuple)):
        return _same_list(left, right)
    if isinstance(left, Decimal):
        return str(left) == str(right)
    return bool(left == right)


def _same_mapping(left: Mapping[Any, Any], right: Mapping[Any, Any]) -> bool:
    return left.keys() == right.keys() and all(same(left[key], right[key]) for key in left)


def _same_list(left: Sequence[Any], right: Sequence[Any]) -> bool:
    return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right, strict=True))


def copy_json(value: Any) -> Any:
    """A deep copy of JSON-like data: mappings become dicts, sequences become lists."""
    if isinstance(value, Mapping):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [copy_json(item) for item in value]
    return value


def _patchable_lists(payload: Any, regenerated: Any) -> bool:
    return (
        isinstance(payload, (list, tuple))
        and isinstance(regenerated, (list, tuple))
        and len(payload) == len(regenerated)
        and all(isinstance(item, Mapping) for item in payload)
        and all(isinstance(item, Mapping) for item in regenerated)
    )


def diff(payload: Mapping[str, Any], regenerated: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Return ``(patch, absent)`` that turn ``regenerated`` back into ``payload``."""
    absent: list[str] = []
    patch = _diff_mapping(payload, regenerated, ROOT, absent)
    return patch, absent


def _diff_mapping(
    payload: Mapping[str, Any], regenerated: Mapping[str, Any], path: str, absent: list[str]
) -> dict[str, Any]:
    patch: dict[str, Any] = {}
    for key, value in payload.items():
        if key not in regenerated:
            patch[key] = copy_json(value)
            continue
        sub = _diff_value(value, regenerated[key], child(path, key), absent)
        if sub is not _SAME:
            patch[key] = sub
    absent.extend(child(path, key) for key in regenerated if key not in payload)
    return patch


_SAME: Any = object()


def _diff_value(payload: Any, regenerated: Any, path: str, absent: list[str]) -> Any:
    if isinstance(payload, Mapping) and isinstance(regenerated, Mapping):
        patch = _diff_mapping(payload, regenerated, path, absent)
        return patch if patch else _SAME
    if _patchable_lists(payload, regenerated):
        patches = [
            _diff_mapping(item, again, child(path, index), absent)
            for index, (item, again) in enumerate(zip(payload, regenerated, strict=True))
        ]
        return patches if any(patches) else _SAME
    return _SAME if same(payload, regenerated) else copy_json(payload)


def apply(regenerated: Mapping[str, Any], patch: Mapping[str, Any], absent: Sequence[str]) -> dict[str, Any]:
    """Return a new dict: ``regenerated`` with ``absent`` keys removed and ``patch`` applied."""
    result: dict[str, Any] = copy_json(regenerated)
    for path in absent:
        try:
            parts = parse_path(path)
        except ValueError:
            continue  # not a path this module wrote: nothing to remove
        _remove(result, parts)
    return _apply_mapping(result, patch)


def _remove(document: Any, parts: list[str | int]) -> None:
    target = document
    for part in parts[:-1]:
        if isinstance(part, int):
            if not isinstance(target, list) or not 0 <= part < len(target):
                return
        elif not isinstance(target, dict) or part not in target:
            return
        target = target[part]
    if parts and isinstance(target, dict):
        target.pop(parts[-1], None)


def _apply_mapping(target: dict[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in patch.items():
        current = target.get(key)
        if isinstance(value, Mapping) and isinstance(current, dict):
            target[key] = _apply_mapping(current, value)
        elif isinstance(current, list) and _patchable_lists(value, current):
            target[key] = [_apply_mapping(item, sub) for item, sub in zip(current, value, strict=True)]
        else:
            target[key] = copy_json(value)
    return target


_PART = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]")


def parse_path(path: str) -> list[str | int]:
    """
    Split a JSON path written by `cartnorm._paths.child` into keys and indexes.

    >>> parse_path("$.items[0]['odd key'].sku")
    ['items', 0, 'odd key', 'sku']
    """
    if not path.startswith(ROOT):
        msg = f"not a JSON path: {path!r}"
        raise ValueError(msg)
    parts: list[str | int] = []
    position = len(ROOT)
    while position < len(path):
        match = _PART.match(path, position)
        if match is None:
            msg = f"not a JSON path: {path!r}"
            raise ValueError(msg)
        name, index, quoted = match.groups()
        if name is not None:
            parts.append(name)
        elif index is not None:
            parts.append(int(index))
        else:
            parts.append(re.sub(r"\\(.)", r"\1", quoted))
        position = match.end()
    return parts
