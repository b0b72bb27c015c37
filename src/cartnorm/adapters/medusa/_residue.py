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

`apply` rebuilds the payload exactly: ``apply(regenerated, patch, absent) == payload``.
Values are compared strictly (``1`` is not ``True``, ``Decimal('1.0')`` is not ``Decimal('1')``).

A payload parsed with ``json.loads`` holds binary floats. The residue keeps each as the exact
decimal of its shortest text (`cartnorm._json.exact_float`, the text JavaScript wrote), a float
equal to the regenerated decimal digit for digit needs no patch, and ``floats`` says the payload
had floats: `as_floats` then turns the rebuilt decimals back into the very same floats.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple, TypeAlias

from ..._json import exact_float
from ..._paths import ROOT, child

__all__ = ["Residue", "apply", "as_floats", "copy_json", "diff", "note_floats", "parse_path", "reference_diff", "same"]


class Residue(NamedTuple):
    """What `diff` found: the patch, the absent paths, and whether the payload held floats."""

    patch: dict[str, Any]
    absent: list[str]
    floats: bool


class _State:
    """What one `diff` collects on its way: absent paths, and whether a float was met."""

    __slots__ = ("absent", "floats")

    def __init__(self) -> None:
        self.absent: list[str] = []
        self.floats = False


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


#: Types `copy_json` returns as they are (immutable JSON leaves), tested with ``type(x) in``:
#: an exact type look-up is much cheaper than ``isinstance`` against the ``Mapping`` ABC.
_LEAVES: frozenset[type] = frozenset({str, int, bool, type(None), Decimal})


def copy_json(value: Any) -> Any:
    """A deep copy of JSON-like data: mappings become dicts, sequences become lists, floats exact Decimals."""
    kind = type(value)
    if kind is dict:  # the parsed-JSON common case first, leaves copied without a call
        return {key: item if type(item) in _LEAVES else copy_json(item) for key, item in value.items()}
    if kind is list:
        return [item if type(item) in _LEAVES else copy_json(item) for item in value]
    if kind in _LEAVES:
        return value
    if kind is float:
        return exact_float(value)
    if isinstance(value, Mapping):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [copy_json(item) for item in value]
    return value


def _copy(value: Any, state: _State) -> Any:
    """`copy_json` that notes in ``state`` when it meets a float."""
    kind = type(value)
    if kind is dict:
        return {key: item if type(item) in _LEAVES else _copy(item, state) for key, item in value.items()}
    if kind is list:
        return [item if type(item) in _LEAVES else _copy(item, state) for item in value]
    if kind in _LEAVES:
        return value
    if kind is float:
        state.floats = True
        return exact_float(value)
    if isinstance(value, Mapping):
        return {key: _copy(item, state) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy(item, state) for item in value]
    return value


def note_floats(value: Any) -> tuple[Any, bool]:
    """``(copy_json(value), whether value held a float)``: for JSON kept beside the residue."""
    state = _State()
    return _copy(value, state), state.floats


def as_floats(value: Any) -> Any:
    """``value`` with every Decimal turned into the float it was read from (see the module's docstring)."""
    kind = type(value)
    if kind is Decimal:
        return float(value)
    if kind is dict:
        return {key: as_floats(item) for key, item in value.items()}
    if kind is list:
        return [as_floats(item) for item in value]
    return value


def _float_leaf(payload: float, regenerated: Any, state: _State) -> Any:
    """The patch for a float met where the regeneration has ``regenerated``: `_SAME` when the digits agree."""
    state.floats = True
    exact = exact_float(payload)
    if type(regenerated) is Decimal and str(regenerated) == str(exact):
        return _SAME
    return exact


def _is_mapping(value: Any) -> bool:
    return type(value) is dict or isinstance(value, Mapping)


def _patchable_lists(payload: Any, regenerated: Any) -> bool:
    return (
        isinstance(payload, (list, tuple))
        and isinstance(regenerated, (list, tuple))
        and len(payload) == len(regenerated)
        and all(_is_mapping(item) for item in payload)
        and all(_is_mapping(item) for item in regenerated)
    )


def diff(payload: Mapping[str, Any], regenerated: Mapping[str, Any]) -> Residue:
    """
    Return the `Residue` (patch, absent paths, floats met) that turns ``regenerated`` back into ``payload``.

    The same result as `reference_diff` (which says what the diff is), computed with less
    work: JSON paths are built only for the keys that end in ``absent`` (`_LazyPath`), and
    plain dicts and lists, what parsed JSON is made of, are recognised by exact type.
    """
    state = _State()
    patch = _diff_dicts(payload, regenerated, ROOT, state)
    return Residue(patch, state.absent, state.floats)


#: A JSON path not yet written out: a path (or a `_LazyPath`) and a key inside it; see `_path`.
_LazyPath: TypeAlias = "str | tuple[_LazyPath, str | int]"


def _path(lazy: _LazyPath) -> str:
    """The JSON path ``lazy`` stands for (as `cartnorm._paths.child` writes it); a loop, however deep."""
    keys: list[str | int] = []
    while not isinstance(lazy, str):
        lazy, key = lazy
        keys.append(key)
    path = lazy
    for key in reversed(keys):
        path = child(path, key)
    return path


def _diff_dicts(
    payload: Mapping[str, Any], regenerated: Mapping[str, Any], path: _LazyPath, state: _State
) -> dict[str, Any]:
    """`_diff_mapping`, with the path of the two objects written out only if a key is absent."""
    patch: dict[str, Any] = {}
    for key, value in payload.items():
        if key not in regenerated:  # most payload keys: kept whole (a leaf needs no copy)
            patch[key] = value if type(value) in _LEAVES else _copy(value, state)
            continue
        again = regenerated[key]
        if type(value) is type(again) and type(value) in _PLAIN_LEAVES:  # most mapped keys: two strings or ints
            if value != again:
                patch[key] = value
            continue
        sub = _diff_values(value, again, path, key, state)
        if sub is not _SAME:
            patch[key] = sub
    if not regenerated.keys() <= payload.keys():
        where = _path(path)
        state.absent.extend([child(where, key) for key in regenerated if key not in payload])
    return patch


def _diff_values(payload: Any, regenerated: Any, parent: _LazyPath, key: str | int, state: _State) -> Any:
    """`_diff_value` for two values under ``parent``/``key``: dicts and lists of dicts here, the rest there."""
    kind, again_kind = type(payload), type(regenerated)
    if kind is dict and again_kind is dict:
        patch = _diff_dicts(payload, regenerated, (parent, key), state)
        return patch if patch else _SAME
    if (
        kind is list
        and again_kind is list
        and len(payload) == len(regenerated)
        and all(type(item) is dict for item in payload)
        and all(type(item) is dict for item in regenerated)
    ):
        path = (parent, key)
        patches = [
            _diff_dicts(item, again, (path, index), state)
            for index, (item, again) in enumerate(zip(payload, regenerated, strict=True))
        ]
        return patches if any(patches) else _SAME
    if kind is float:
        return _float_leaf(payload, regenerated, state)
    if kind in _LEAVES or again_kind in _LEAVES:  # no container on one side: compared whole
        return _SAME if same(payload, regenerated) else _copy(payload, state)
    return _diff_value(payload, regenerated, _path(parent), key, state)  # other mappings and sequences


def reference_diff(payload: Mapping[str, Any], regenerated: Mapping[str, Any]) -> Residue:
    """`diff`, written plainly: the definition `diff` is tested against."""
    state = _State()
    patch = _diff_mapping(payload, regenerated, ROOT, state)
    return Residue(patch, state.absent, state.floats)


def _diff_mapping(
    payload: Mapping[str, Any], regenerated: Mapping[str, Any], path: str, state: _State
) -> dict[str, Any]:
    patch: dict[str, Any] = {}
    for key, value in payload.items():
        if key not in regenerated:  # most payload keys: kept whole (a leaf needs no copy)
            patch[key] = value if type(value) in _LEAVES else _copy(value, state)
            continue
        again = regenerated[key]
        if type(value) is type(again) and type(value) in _PLAIN_LEAVES:  # most mapped keys: two strings or ints
            if value != again:
                patch[key] = value
            continue
        sub = _diff_value(value, again, path, key, state)
        if sub is not _SAME:
            patch[key] = sub
    state.absent.extend(child(path, key) for key in regenerated if key not in payload)
    return patch


_SAME: Any = object()

#: Leaf types whose equality is strict JSON equality when both sides have the same type
#: (`same` compares Decimals by their digits, so Decimal is not among them).
_PLAIN_LEAVES: frozenset[type] = frozenset({str, int, bool, type(None)})


def _diff_value(payload: Any, regenerated: Any, parent: str, key: str | int, state: _State) -> Any:
    """The patch for ``payload`` at ``parent``/``key`` (its path is built only when a container needs it)."""
    if _is_mapping(payload) and _is_mapping(regenerated):
        patch = _diff_mapping(payload, regenerated, child(parent, key), state)
        return patch if patch else _SAME
    if _patchable_lists(payload, regenerated):
        path = child(parent, key)
        patches = [
            _diff_mapping(item, again, child(path, index), state)
            for index, (item, again) in enumerate(zip(payload, regenerated, strict=True))
        ]
        return patches if any(patches) else _SAME
    if type(payload) is float:
        return _float_leaf(payload, regenerated, state)
    return _SAME if same(payload, regenerated) else _copy(payload, state)


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
        if type(value) in _LEAVES:  # most patch entries: a leaf replaces whatever is there
            target[key] = value
            continue
        current = target.get(key)
        if _is_mapping(value) and isinstance(current, dict):
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
