"""
The lossless engine: what a mapping consumed, and the remainder it must carry.

An adapter's forward mapping reads each payload object through a `Reading`, and says, for
every key its reverse mapping (``from_canonical``) writes there, what the reverse writes:

* ``take(key)``: the sent value, given back exactly as sent (a text copied to the model);
* ``writes(key, value)``: this ``value`` (compared with what was sent by `same`);
* ``rewrites(key, verdict)``: a value the adapter has already compared with the sent one
  (``verdict`` is True when they are the same: a money amount in the vendor's own spelling);
* ``part(key)`` / ``parts(key)``: an object, or a list of objects, read in turn (their own
  `Reading` s), which the reverse writes as objects again.

Everything else is carried. `Reading.remainder` then gives the object's *remainder*, without
rendering the payload again or diffing it: the keys the reverse does not give back exactly,
with the values as sent, the remainders of the parts under their keys, and the keys the
reverse writes although the payload did not have them, listed under ``"_omitted"`` (a
payload's own key ``_omitted`` or ``_escaped`` is kept under ``"_escaped"``)::

    {"store_id": "s_1", "line_items": [{"product_name": "Tee"}, {}], "_omitted": ["created_at"]}

The reverse mapping reads it back with `Carried`: it writes each object from the canonical
order, then `Carried.restore` lays the remainder over it (carried values replace what was
written, omitted keys are dropped); parts are restored one by one, each from its own
`Carried`. The laws, for an object ``sent`` and what the reverse writes for it,
``written``::

    remainder_of(sent, written) == the remainder a faithful Reading gives
    restore(written, remainder_of(sent, written)) == sent

**The other spelling: a patch.** A mapping may instead tell a reading the whole object the
reverse writes, `Reading.wrote`, and take the remainder as a *patch* with the JSON paths of
the omitted keys beside it, `Reading.patch` (Medusa's stored layout). Objects written where
objects were sent are compared key by key, lists of as many objects item by item; `patch_of`
is the definition, and `apply` lays the two back::

    apply(written, *patch_of(sent, written)) == sent   # as JSON text; == too after as_floats
                                                       # when sent held floats from json.loads

**Equality is JSON text.** Two values are the `same` when cartnorm writes them as the same
JSON text, object key order aside: ``1`` is not ``true``, ``"1"`` is not ``1``, and
``Decimal("1.50")`` is not ``Decimal("1.5")`` — text-exact decimals are the lossless reading
of a payload, whose numbers are texts. A float (from a parser that made one) stands for the
shortest text that reads back to it.

**Floats come back as floats.** A payload parsed with ``json.loads`` holds binary floats where
its text had a fraction or an exponent. The remainder keeps each as the exact `Decimal` of its
shortest text (what the vendor wrote); `note_floats` and `owned_copy`, which make an adapter's
own copy, say whether the payload held any. The adapter's layout records that, and the reverse
turns the rebuilt payload's numbers back with `as_floats`, so that
``from_canonical(to_canonical(p)) == p`` holds with plain ``==`` for either parser.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from ._json import decimal_within, within_written
from ._paths import ROOT, child, join, split
from .limits import LONE_SURROGATE, Limits, check_payload, max_int_bits

__all__ = [
    "ESCAPED",
    "OMITTED",
    "Carried",
    "Reading",
    "apply",
    "as_floats",
    "check_within",
    "copy_json",
    "note_floats",
    "owned_copy",
    "patch_of",
    "remainder_of",
    "restore",
    "same",
]

#: The remainder's key listing the keys the reverse writes but the payload did not have.
OMITTED: Final = "_omitted"
#: The remainder's key holding the payload's own keys named like the two markers (rare).
ESCAPED: Final = "_escaped"
_MARKERS: Final = (OMITTED, ESCAPED)
_ABSENT: Final = object()
#: Immutable JSON leaves: shared, never copied.
_LEAVES: Final = frozenset({str, int, bool, type(None), Decimal})
#: Leaves whose ``==`` between two values of one type is `same` (Decimal compares by value, not text).
_PLAIN: Final = frozenset({str, int, bool, type(None)})
_NUMBERS: Final = frozenset({int, Decimal, float})


def _number_text(value: int | Decimal | float) -> str:
    """The JSON text cartnorm writes for a number (a float as the exact decimal of its repr)."""
    if type(value) is float:
        return str(Decimal(repr(value))) if math.isfinite(value) else repr(value)
    return str(value)


def same(left: Any, right: Any) -> bool:
    """
    True when ``left`` and ``right`` are written as the same JSON text (object key order aside).

    >>> same({"a": [1, "x"]}, {"a": [1, "x"]}), same(1, True), same(Decimal("1.50"), Decimal("1.5"))
    (True, False, False)
    >>> same(1, Decimal("1")), same(Decimal("0.1"), 0.1)
    (True, True)
    """
    kind = type(left)
    if kind is type(right):
        if kind in _PLAIN:
            return bool(left == right)
        if kind is dict:
            return len(left) == len(right) and all(
                key in right and same(value, right[key]) for key, value in left.items()
            )
        if kind is list:
            return len(left) == len(right) and all(map(same, left, right))
    if kind in _NUMBERS and type(right) in _NUMBERS:
        return _number_text(left) == _number_text(right)
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return len(left) == len(right) and all(key in right and same(value, right[key]) for key, value in left.items())
    if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
        return len(left) == len(right) and all(map(same, left, right))
    return False


def copy_json(value: Any) -> Any:
    """
    A deep copy of JSON-like data: mappings become dicts, sequences lists, floats exact Decimals.

    Strings, numbers, booleans and null are immutable and shared.
    """
    kind = type(value)
    if kind in _LEAVES:
        return value
    if kind is dict:  # parsed JSON first: exact types are cheaper than the Mapping ABC
        out = value.copy()  # in C; then only the containers and floats are replaced (most values are leaves)
        for key, item in value.items():
            if type(item) not in _LEAVES:
                out[key] = copy_json(item)
        return out
    if kind is list:
        copied = value.copy()
        for index, item in enumerate(value):
            if type(item) not in _LEAVES:
                copied[index] = copy_json(item)
        return copied
    if kind is float:
        return Decimal(repr(value)) if math.isfinite(value) else value
    if isinstance(value, Mapping):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [copy_json(item) for item in value]
    return value


class _Met:
    """What a copy met on its way: whether it turned a float into a Decimal."""

    __slots__ = ("floats",)

    def __init__(self) -> None:
        self.floats = False


def _copy(value: Any, met: _Met) -> Any:
    """`copy_json` that notes in ``met`` when it turns a float into a Decimal."""
    kind = type(value)
    if kind is dict:
        out = value.copy()
        for key, item in value.items():
            if type(item) not in _LEAVES:
                out[key] = _copy(item, met)
        return out
    if kind is list:
        copied = value.copy()
        for index, item in enumerate(value):
            if type(item) not in _LEAVES:
                copied[index] = _copy(item, met)
        return copied
    if kind is float:
        met.floats = True
        return Decimal(repr(value)) if math.isfinite(value) else value
    if kind in _LEAVES:
        return value
    if isinstance(value, Mapping):
        return {key: _copy(item, met) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy(item, met) for item in value]
    return value


def note_floats(value: Any) -> tuple[Any, bool]:
    """
    ``(copy_json(value), whether value held a float)``, in one walk.

    A payload parsed with ``json.loads`` holds binary floats where its text had a fraction or
    an exponent; cartnorm's own parser gives exact Decimals there. An adapter that wants to
    give back what it was given, number type included (``==`` in Python, not only the same
    JSON text), copies its payload with this (or `owned_copy`, which also bounds it), reads the
    copy as its own (``Reading(copy, owned=True)``), records the answer, and passes what its
    reverse writes through `as_floats` when the payload held floats. A payload holds floats or
    Decimals, not both (one parser).

    >>> note_floats({"rate": 0.06, "id": 7})
    ({'rate': Decimal('0.06'), 'id': 7}, True)
    """
    met = _Met()
    return _copy(value, met), met.floats


def as_floats(value: Any) -> Any:
    """
    ``value`` (a new copy) with every `Decimal` as ``json.loads`` reads the JSON text cartnorm
    writes for it: a float when that text has a fraction or an exponent, else an int.

    For a payload that held floats (`note_floats`, `owned_copy`): the reverse mapping's rebuilt payload,
    whose carried numbers are the exact decimals of the floats, is then the payload again.

    >>> as_floats({"total": Decimal("105.5760875"), "n": [Decimal("1E+2"), Decimal("3"), 4]})
    {'total': 105.5760875, 'n': [100.0, 3, 4]}
    """
    kind = type(value)
    if kind is Decimal:
        return int(value) if value.as_tuple().exponent == 0 else float(value)
    if kind is dict:
        return {key: item if type(item) in _PLAIN else as_floats(item) for key, item in value.items()}
    if kind is list:
        return [item if type(item) in _PLAIN else as_floats(item) for item in value]
    return value


class _Declined(Exception):  # noqa: N818 - a signal inside owned_copy, never raised out of it
    """The fast copy leaves this payload to the careful path (over the limits, or not plain JSON)."""


class _Owner:
    """The fast copy of `owned_copy`: plain JSON within limits, floats as exact Decimals."""

    __slots__ = (
        "exact",
        "float_range",
        "floats",
        "limits",
        "max_bits",
        "max_chars",
        "max_depth",
        "max_digits",
        "max_items",
        "nodes",
    )

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.max_depth, self.max_items = limits.max_depth, limits.max_array_items
        self.max_chars, self.max_digits = limits.max_string_chars, limits.max_number_digits
        self.max_bits = max_int_bits(limits)
        # A float's shortest text has at most 17 digits: within (low, high) its Decimal's
        # exponent is within max_digits too, no need to look (a margin of one power of ten).
        spare = min(self.max_digits, 300) - 17
        self.float_range = (10.0**-spare, 10.0**spare) if spare > 0 else (1.0, 1.0)
        self.nodes = 1  # the root, as check_payload counts it
        self.floats = False
        self.exact: dict[float, Decimal] = {}

    def dict_(self, value: dict[Any, Any], depth: int) -> dict[Any, Any]:
        if depth >= self.max_depth or len(value) > self.max_items:
            raise _Declined
        self.nodes += len(value)
        max_chars, max_bits = self.max_chars, self.max_bits
        try:
            if value and max(map(len, value)) > max_chars:
                raise _Declined
        except TypeError:  # a key that is not a string
            raise _Declined from None
        out = value.copy()  # leaves are shared: only containers and floats are replaced below
        for key, item in value.items():
            kind = type(item)
            if kind is str:
                if len(item) > max_chars or not (item.isascii() or not LONE_SURROGATE.search(item)):
                    raise _Declined
            elif kind is dict:
                out[key] = self.dict_(item, depth + 1)
            elif kind is list:
                out[key] = self.list_(item, depth + 1)
            elif kind is int:
                if item.bit_length() > max_bits:
                    raise _Declined
            elif kind is float:
                out[key] = self.float_(item)
            elif kind is not bool and item is not None:
                self.decimal(item, kind)
        return out

    def list_(self, value: list[Any], depth: int) -> list[Any]:
        if depth >= self.max_depth or len(value) > self.max_items:
            raise _Declined
        self.nodes += len(value)
        max_chars, max_bits = self.max_chars, self.max_bits
        out = value.copy()
        for index, item in enumerate(value):
            kind = type(item)
            if kind is dict:
                out[index] = self.dict_(item, depth + 1)
            elif kind is str:
                if len(item) > max_chars or not (item.isascii() or not LONE_SURROGATE.search(item)):
                    raise _Declined
            elif kind is list:
                out[index] = self.list_(item, depth + 1)
            elif kind is int:
                if item.bit_length() > max_bits:
                    raise _Declined
            elif kind is float:
                out[index] = self.float_(item)
            elif kind is not bool and item is not None:
                self.decimal(item, kind)
        return out

    def copy(self, payload: Any) -> Any:
        """The checked copy of ``payload`` (any JSON value, the root)."""
        kind = type(payload)
        if kind is dict:
            return self.dict_(payload, 0)
        if kind is list:
            return self.list_(payload, 0)
        self.nodes = 0  # a scalar, or a container of another type: inside a wrapper, as check_payload walks it
        return self.list_([payload], -1)[0]

    # The copy for a payload orjson has vouched for (`within_written`): its depth, integers,
    # strings, keys and Decimals are within the limits, and every string is shorter than its
    # text. What is left is counted or looked at here: sizes, floats, and whatever is not plain
    # JSON (a tuple, a date … which orjson writes, and this declines). Only containers and
    # floats are replaced in the copies of the containers: a leaf costs one type test. The
    # object's loop and the array's are written out apart: one loop over either costs 7% more.

    def vouched_dict(self, value: dict[Any, Any]) -> dict[Any, Any]:
        if len(value) > self.max_items:
            raise _Declined
        self.nodes += len(value)
        out = value.copy()
        for key, item in value.items():
            kind = type(item)
            if kind in _LEAVES:
                continue
            if kind is dict:
                out[key] = self.vouched_dict(item)
            elif kind is list:
                out[key] = self.vouched_list(item)
            elif kind is float:
                out[key] = self.float_(item)
            else:
                raise _Declined
        return out

    def vouched_list(self, value: list[Any]) -> list[Any]:
        if len(value) > self.max_items:
            raise _Declined
        self.nodes += len(value)
        out = value.copy()
        for index, item in enumerate(value):
            kind = type(item)
            if kind in _LEAVES:
                continue
            if kind is dict:
                out[index] = self.vouched_dict(item)
            elif kind is list:
                out[index] = self.vouched_list(item)
            elif kind is float:
                out[index] = self.float_(item)
            else:
                raise _Declined
        return out

    def vouched(self, payload: Any) -> Any:
        """The copy of ``payload`` (any JSON value, the root), when orjson has vouched for it."""
        kind = type(payload)
        if kind is dict:
            return self.vouched_dict(payload)
        if kind is list:
            return self.vouched_list(payload)
        self.nodes = 0  # a scalar, or a container of another type: inside a wrapper, as check_payload walks it
        return self.vouched_list([payload])[0]

    def vouch(self, payload: Any) -> None:
        """`vouched` without the copy: counts the sizes and looks at the floats (raises `_Declined`)."""
        max_items = self.max_items
        low, high = self.float_range
        containers: list[Any] = [payload]
        if type(payload) is not dict and type(payload) is not list:
            self.nodes = 0  # a scalar, or a container of another type: inside a wrapper, as check_payload walks it
            containers = [[payload]]
        pop, push = containers.pop, containers.append
        while containers:
            value = pop()
            if len(value) > max_items:
                raise _Declined
            self.nodes += len(value)
            for member in value.values() if type(value) is dict else value:
                kind = type(member)
                if kind in _LEAVES:
                    continue
                if kind is dict or kind is list:
                    push(member)
                elif kind is not float:
                    raise _Declined
                elif not (low < abs(member) < high or member == 0):
                    self.decimal(Decimal(repr(member)), Decimal)

    def float_(self, value: float) -> Decimal:
        """A float as the exact Decimal of its shortest text, within the limits."""
        self.floats = True
        exact = self.exact.get(value)  # an order repeats its amounts (a price in several fields, on every line)
        if exact is None:
            exact = Decimal(repr(value))
            low, high = self.float_range
            if not low < abs(value) < high:
                if value == 0:  # 0.0 and -0.0: equal as floats, not as texts (never cached)
                    return exact
                self.decimal(exact, Decimal)
            self.exact[value] = exact
        return exact

    def decimal(self, value: Any, kind: type) -> None:
        """A Decimal within the limits; anything else declines."""
        if kind is not Decimal or not decimal_within(value, self.limits):
            raise _Declined


def _answered_in_c(payload: Any, limits: Limits) -> bool:
    """
    True when orjson, in C, has answered for most of ``payload`` (`cartnorm._json.within_written`)
    and its text is short enough to bound every string: the walk then looks only at sizes and floats.
    """
    written = within_written(payload, limits)
    return written is not None and len(written) <= limits.max_string_chars


def owned_copy(payload: Any, limits: Limits | None = None) -> tuple[Any, bool]:
    """
    ``(a copy of payload for a Reading(owned=True), whether it held a float)``.

    The copy is `copy_json`'s: objects and arrays rebuilt as dicts and lists, floats as the
    exact Decimals of their shortest texts, everything else shared. With ``limits`` the
    payload is bounded on the way: one over them raises what `cartnorm.limits.check_payload`
    raises, before anything else looks at it, so an adapter that reads its payload through
    this copy may declare `cartnorm.Adapter.checks_limits`.

    >>> owned_copy({"total": 0.1, "items": [{"qty": 2}]})
    ({'total': Decimal('0.1'), 'items': [{'qty': 2}]}, True)
    """
    if limits is None:  # nothing to bound: the plain copy
        met = _Met()
        return _copy(payload, met), met.floats
    owner = _Owner(limits)
    try:
        # without orjson, or for limits it cannot answer for, the walk checks every value
        copied = owner.vouched(payload) if _answered_in_c(payload, limits) else owner.copy(payload)
        if owner.nodes <= limits.max_nodes:
            return copied, owner.floats
    except (_Declined, RecursionError):
        pass
    check_payload(payload, limits)  # raises where the payload is over them
    met = _Met()
    return _copy(payload, met), met.floats


def check_within(payload: Any, limits: Limits) -> None:
    """
    `cartnorm.limits.check_payload`: the same verdicts and errors, with orjson (in C) answering
    for most of the payload (`cartnorm._json.within_written`) and a walk left only to count
    sizes and look at floats and at what is not plain JSON; anything else goes to
    `check_payload` itself, which also names the place of an error.
    """
    owner = _Owner(limits)
    try:
        if _answered_in_c(payload, limits):
            owner.vouch(payload)
            if owner.nodes <= limits.max_nodes:
                return
    except (_Declined, RecursionError):
        pass
    check_payload(payload, limits)


def _escape(remainder: dict[str, Any]) -> dict[str, Any]:
    """
    ``remainder`` with the payload's own keys named ``_omitted`` or ``_escaped`` moved under
    ``_escaped``, so that neither is taken for a marker (`Carried.restore` puts them back).
    """
    escaped = {key: remainder[key] for key in _MARKERS if key in remainder}
    kept = {key: value for key, value in remainder.items() if key not in escaped}
    kept[ESCAPED] = escaped
    return kept


def remainder_of(sent: Mapping[str, Any], written: Mapping[str, Any]) -> dict[str, Any]:
    """
    What ``sent`` keeps beside ``written``, by definition (no parts): every key whose value
    ``written`` does not give back exactly (`same`), as sent, then ``"_omitted"``: the keys of
    ``written`` that ``sent`` did not have, in ``written``'s order.

    `Reading` computes the same while the mapping runs; this is what it is tested against.

    >>> remainder_of({"id": "1", "note": "x"}, {"id": "1", "total": "5"})
    {'note': 'x', '_omitted': ['total']}
    """
    kept = {key: copy_json(value) for key, value in sent.items() if key not in written or not same(value, written[key])}
    if OMITTED in kept or ESCAPED in kept:
        kept = _escape(kept)
    omitted = [key for key in written if key not in sent]
    if omitted:
        kept[OMITTED] = omitted
    return kept


def restore(written: Mapping[str, Any], remainder: object) -> dict[str, Any]:
    """
    ``written`` with ``remainder`` laid over it, as a new dict: omitted keys dropped, carried
    values (copies) put in place of what was written, or after it.

    >>> restore({"id": "1", "total": "5"}, {"note": "x", "_omitted": ["total"]})
    {'id': '1', 'note': 'x'}
    """
    return Carried(remainder).restore(dict(written))


def _objects(value: Any) -> bool:
    """True for a list (or tuple) of objects."""
    return isinstance(value, (list, tuple)) and all(isinstance(item, Mapping) for item in value)


def patch_of(sent: Mapping[str, Any], written: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """
    ``(patch, absent)`` of ``sent`` beside ``written``, by definition: what `Reading.wrote` and
    `Reading.patch` compute while the mapping runs, and are tested against.

    The patch holds every key of ``sent`` whose value ``written`` does not give back exactly
    (`same`), as sent, except that an object on both sides is patched key by key and a list
    of as many objects on both sides item by item (an empty patch, ``{}``, keeps an item as
    written; patches with nothing in them are left out). ``absent`` lists the JSON paths of
    the keys ``written`` has and ``sent`` has not, depth first in ``sent``'s key order, each
    object's own keys after its parts', in ``written``'s order.

    >>> patch_of({"id": "1", "items": [{"sku": "A", "n": 1}]}, {"id": "1", "items": [{"sku": "B"}], "total": 5})
    ({'items': [{'sku': 'A', 'n': 1}]}, ['$.total'])
    """
    absent: list[str] = []
    return _patch_of(sent, written, ROOT, absent), absent


def _patch_of(sent: Mapping[str, Any], written: Mapping[str, Any], path: str, absent: list[str]) -> dict[str, Any]:
    patch: dict[str, Any] = {}
    for key, value in sent.items():
        if key not in written:
            patch[key] = copy_json(value)
            continue
        again = written[key]
        if isinstance(value, Mapping) and isinstance(again, Mapping):
            sub = _patch_of(value, again, child(path, key), absent)
            if sub:
                patch[key] = sub
        elif _objects(value) and _objects(again) and len(value) == len(again):
            subs = [
                _patch_of(item, other, child(child(path, key), index), absent)
                for index, (item, other) in enumerate(zip(value, again, strict=True))
            ]
            if any(subs):
                patch[key] = subs
        elif not same(value, again):
            patch[key] = copy_json(value)
    absent.extend(child(path, key) for key in written if key not in sent)
    return patch


def _patch_into(
    sent: Mapping[str, Any], written: Mapping[str, Any], path: str, absent: list[str], met: _Met
) -> dict[str, Any]:
    """
    `patch_of` in one pass over ``sent``, for `Reading.patch` on the payload itself: values
    compared by exact type first, kept values copied (floats met noted in ``met``, as exact
    Decimals), the omitted keys' paths appended to ``absent``.
    """
    patch: dict[str, Any] = {}
    for key, value in sent.items():
        kind = type(value)
        if key not in written:  # most keys: kept as sent (a leaf needs no copy)
            patch[key] = value if kind in _LEAVES else _copy(value, met)
            continue
        again = written[key]
        if kind is type(again):
            if kind in _PLAIN:
                if value != again:
                    patch[key] = value
                continue
            if kind is Decimal:
                if str(value) != str(again):
                    patch[key] = value
                continue
            if kind is dict:
                sub = _patch_into(value, again, child(path, key), absent, met)
                if sub:
                    patch[key] = sub
                continue
            if kind is list and not (value and type(value[0]) is dict):  # not a list of objects
                if not same(value, again):
                    patch[key] = _copy(value, met)
                elif value and not met.floats:  # given back: a float in it is still a float met
                    _copy(value, met)
                continue
        if isinstance(value, Mapping) and isinstance(again, Mapping):
            sub = _patch_into(value, again, child(path, key), absent, met)
            if sub:
                patch[key] = sub
        elif value and _objects(value) and _objects(again) and len(value) == len(again):
            where = child(path, key)
            subs = [
                _patch_into(item, other, child(where, index), absent, met)
                for index, (item, other) in enumerate(zip(value, again, strict=True))
            ]
            if any(subs):
                patch[key] = subs
        elif not same(value, again):
            patch[key] = value if kind in _LEAVES else _copy(value, met)
        elif kind not in _PLAIN and not met.floats:  # given back: a float in it is still a float met
            _copy(value, met)
    if not written.keys() <= sent.keys():
        absent.extend(child(path, key) for key in written if key not in sent)
    return patch


def _patch_in_place(
    sent: dict[str, Any], written: Mapping[str, Any], keys: tuple[str | int, ...], found: list[tuple[str | int, ...]]
) -> None:
    """
    `Reading.wrote` and then `Reading.patch` of an owned object, in one pass and without a
    `Reading` per part: ``sent`` (the adapter's own copy) becomes its patch in place (`patch_of`),
    and the keys of the absent paths, from this object's (``keys``), are appended to ``found``
    in `patch_of`'s order: each part's, in ``sent``'s key order, then this object's own.
    """
    dropped: list[str] = []  # given back (or a part whose patch is empty): removed at the end
    omitted: list[str] = []
    segments: list[tuple[str, list[tuple[str | int, ...]]]] = []
    for key, wanted in written.items():
        value = sent.get(key, _ABSENT)
        if value is _ABSENT:
            omitted.append(key)
            continue
        kind = type(value)
        if kind is type(wanted):  # the usual cases by exact type, before the slower general ones
            if kind in _PLAIN:
                if value == wanted:
                    dropped.append(key)
                continue
            if kind is Decimal:  # the same text (str is cheaper than as_tuple)
                if str(value) == str(wanted):
                    dropped.append(key)
                continue
            if kind is dict:
                whole = len(value) == len(wanted) and same(value, wanted)  # a small object given back whole
                if whole or _part_in_place(value, wanted, (*keys, key), segments, key):
                    dropped.append(key)
                continue
            if (  # a list of as many objects on both sides, as parsed (exact types: no Mapping ABC per item)
                kind is list
                and value
                and len(value) == len(wanted)
                and all(type(item) is dict for item in value)
                and all(type(item) is dict for item in wanted)
            ):
                if _parts_in_place(value, wanted, (*keys, key), segments, key):
                    dropped.append(key)
                continue
        if isinstance(value, dict) and isinstance(wanted, Mapping):  # an owned copy holds dicts
            if _part_in_place(value, wanted, (*keys, key), segments, key):
                dropped.append(key)
        elif kind is list and type(wanted) is list and not value and not wanted:
            dropped.append(key)
        elif _objects(value) and _objects(wanted) and len(value) == len(wanted) and value:
            if _parts_in_place(value, wanted, (*keys, key), segments, key):
                dropped.append(key)
        elif same(value, wanted):
            dropped.append(key)
    if segments:
        if len(segments) > 1:  # the payload's key order (the parts are met in the order written)
            position = {name: index for index, name in enumerate(sent)}
            segments.sort(key=lambda segment: position[segment[0]])
        for _, entries in segments:
            found.extend(entries)
    if omitted:
        found.extend((*keys, key) for key in omitted)
    for key in dropped:
        del sent[key]


def _part_in_place(
    value: dict[str, Any], wanted: Mapping[str, Any], keys: tuple[str | int, ...],
    segments: list[tuple[str, list[tuple[str | int, ...]]]], key: str,
) -> bool:  # fmt: skip
    """A part patched in place (`_patch_in_place`); True when nothing of it is kept."""
    entries: list[tuple[str | int, ...]] = []
    _patch_in_place(value, wanted, keys, entries)
    if entries:
        segments.append((key, entries))
    return not value


def _parts_in_place(
    values: list[Any], wanted: Sequence[Mapping[str, Any]], keys: tuple[str | int, ...],
    segments: list[tuple[str, list[tuple[str | int, ...]]]], key: str,
) -> bool:  # fmt: skip
    """A list of parts patched in place, item by item; True when no item keeps anything."""
    entries: list[tuple[str | int, ...]] = []
    for index, (item, again) in enumerate(zip(values, wanted, strict=True)):
        _patch_in_place(item, again, (*keys, index), entries)
    if entries:
        segments.append((key, entries))
    return not any(values)


def apply(written: dict[str, Any], patch: Mapping[str, Any], absent: Sequence[str]) -> dict[str, Any]:
    """
    ``written`` (a dict of the caller's, changed in place and returned) with the keys at the
    ``absent`` paths removed and ``patch`` laid over it: an object of the patch over an object
    written, key by key, a list of patches over a list of as many objects, item by item, any
    other value (a copy) in place of what was written. ``apply(written, *patch_of(sent, written))``
    is ``sent`` as JSON text (``==`` too, after `as_floats`, when ``sent`` held floats).

    Lenient: a path that is not one `patch_of` writes, or that leads nowhere, removes nothing.

    >>> apply({"id": "1", "items": [{"sku": "B"}], "total": 5}, {"items": [{"sku": "A", "n": 1}]}, ["$.total"])
    {'id': '1', 'items': [{'sku': 'A', 'n': 1}]}
    """
    for path in absent:
        if type(path) is not str:
            continue
        try:
            keys = split(path)
        except ValueError:
            continue
        _remove(written, keys)
    return _lay(written, patch)


def _remove(document: Any, keys: list[str | int]) -> None:
    target = document
    for key in keys[:-1]:
        if isinstance(key, int):
            if not isinstance(target, list) or not 0 <= key < len(target):
                return
        elif not isinstance(target, dict) or key not in target:
            return
        target = target[key]
    if keys and isinstance(target, dict):
        target.pop(keys[-1], None)


def _lay(target: dict[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in patch.items():
        if type(value) in _LEAVES:  # most entries: a leaf in place of whatever was written
            target[key] = value
            continue
        current = target.get(key)
        if isinstance(value, Mapping) and isinstance(current, dict):
            target[key] = _lay(current, value)
        elif _objects(value) and isinstance(current, list) and _objects(current) and len(value) == len(current):
            target[key] = [_lay(item, sub) for item, sub in zip(current, value, strict=True)]
        else:
            target[key] = copy_json(value)
    return target


class Reading:
    """
    One payload object as the forward mapping reads it (see the module's docstring).

    ``value`` is the object; the mapping reads it as it likes and tells the reading, key by
    key, what the reverse mapping writes there. ``owned=True`` says ``value`` is the adapter's
    own copy (its reader made it for this conversion, floats already exact Decimals): the
    remainder is then made in place, without copying, and the object must not be used
    afterwards. Otherwise the payload is never modified and carried values are copied
    (`copy_json`).

    ``path`` is the object's JSON path in the payload, for errors (parts know theirs).
    Whether the payload held binary floats: for an owned copy, `owned_copy` says it; for the
    payload itself, `floats` once `patch` ran.
    """

    __slots__ = (
        "_base", "_found", "_keys", "_met", "_omitted", "_owned", "_parts", "_path", "_taken", "_written", "value",
    )  # fmt: skip

    def __init__(self, value: dict[str, Any], *, owned: bool = False, path: str = ROOT) -> None:
        self.value = value
        self._owned = owned
        self._met = _Met()
        self._written: Mapping[str, Any] | None = None
        self._found: list[tuple[str | int, ...]] | None = None  # an owned object's absent keys, once patched in place
        self._path: str | None = path
        self._base = path  # a part's path is its keys from here (no link to its parent: no cycle to collect)
        self._keys: tuple[str | int, ...] = ()
        self._taken: list[str] = []
        self._omitted: list[str] = []
        self._parts: list[tuple[str, Reading | list[Reading], bool]] = []

    @property
    def floats(self) -> bool:
        """
        For a reading of the payload itself (not ``owned``) told what the reverse writes with
        `wrote`: whether `patch` met a binary float (the payload was parsed by ``json.loads``),
        anywhere in this reading's object, its parts or their parents'. Known once `patch` ran.
        """
        return self._met.floats

    @property
    def path(self) -> str:
        """The object's JSON path in the payload (built on first use)."""
        if self._path is None:
            self._path = join(self._base, self._keys)
        return self._path

    def at(self, key: str | int) -> str:
        """The JSON path of ``key`` inside this object."""
        return child(self.path, key)

    def _child(self, value: dict[str, Any], *keys: str | int) -> Reading:
        reading = Reading.__new__(Reading)  # the slots set here, without __init__'s defaults: one per part
        reading.value, reading._owned, reading._path, reading._met = value, self._owned, None, self._met
        reading._written = reading._found = None
        reading._base, reading._keys = self._base, self._keys + keys
        reading._taken, reading._omitted, reading._parts = [], [], []
        return reading

    def take(self, key: str) -> Any:
        """
        The value at ``key`` (None when absent), which the reverse gives back exactly as sent.

        Use it when the reverse writes this key exactly when the payload had it, with the
        sent value (a text copied into the model as it is).
        """
        value = self.value.get(key, _ABSENT)
        if value is _ABSENT:
            return None
        self._taken.append(key)
        return value

    def texts(self, *keys: str) -> list[str | None]:
        """
        The texts at ``keys``: each non-empty string is taken (the reverse writes it back as
        sent); anything else (absent, null, ``""``, not a string) is None and carried as it came.
        The usual rule for a text field whose empty value means "not set".
        """
        value = self.value.get
        found: list[str | None] = []
        for key in keys:
            text = value(key)
            if type(text) is str and text:
                self._taken.append(key)
                found.append(text)
            else:
                found.append(None)
        return found

    def given_back(self, key: str) -> None:
        """`take`, for a value the mapping has read already (and knows is there): one step less."""
        self._taken.append(key)

    def writes(self, key: str, value: Any) -> None:
        """The reverse writes ``value`` at ``key``: consumed when it is what was sent (`same`)."""
        sent = self.value.get(key, _ABSENT)
        if sent is _ABSENT:
            self._omitted.append(key)
        elif type(sent) is type(value) and type(sent) in _PLAIN:  # the usual case, inline
            if sent == value:
                self._taken.append(key)
        elif same(sent, value):
            self._taken.append(key)

    def wrote(self, written: Mapping[str, Any]) -> None:
        """
        The reverse writes the object ``written`` here, whole: the other spelling of a
        remainder, the `patch` (which `apply` lays over ``written``), read in one call.

        Each key of ``written`` is compared with what was sent: an object written where an
        object was sent is read key by key as a part, in turn, and so is a list of objects
        written where a list of as many objects was sent, item by item; any other value is
        consumed when it is the `same` as the one sent. A mapping that tells the reading what
        the reverse writes this way uses `patch`, not `remainder`, and makes ``wrote`` the one
        call on this reading (its parts' readings may be told in turn: `part`, then ``wrote`` on
        the part). The adapter's own copy (``owned``) becomes its patch at once, in place; on the
        payload itself the comparison waits for `patch`, which makes it in the same pass as the
        copy of what is kept.
        """
        if self._taken or self._parts or self._omitted or self._written is not None or self._found is not None:
            msg = "Reading.wrote is the one call on its reading: this one was told what the reverse writes already"
            raise ValueError(msg)
        if not self._owned:
            self._written = written
            return
        self._found = []
        _patch_in_place(self.value, written, (), self._found)

    def rewrites(self, key: str, verdict: bool) -> None:
        """
        The reverse writes ``key``; ``verdict`` says whether it writes exactly what was sent.

        For values the adapter can compare more cheaply than by writing them (a money amount
        read from that very field, known to be in the vendor's own spelling).
        """
        if key not in self.value:
            self._omitted.append(key)
        elif verdict:
            self._taken.append(key)

    def part(self, key: str, *, keep: bool = False) -> Reading | None:
        """
        The object at ``key`` as a `Reading` of its own, or None when it is not an object.

        The reverse writes an object there, restored from this part's remainder (`Carried.part`).
        Its remainder is kept when it is not empty; ``keep=True`` keeps it in every case (``{}``),
        for a reverse that writes the object when the payload had one (``key in carried``)
        rather than when the canonical order has something to put in it.
        """
        value = self.value.get(key)
        if type(value) is not dict:
            return None
        reading = self._child(value, key)
        self._parts.append((key, reading, keep))
        return reading

    def parts(self, key: str, *, keep: bool = False) -> list[Reading] | None:
        """
        The objects of the list at ``key``, each a `Reading`; None unless it is a list of objects.

        The reverse writes a list there, item by item (`Carried.parts`). The remainders are kept
        as a list when any is not empty, or the list is empty (so that the reverse writes it);
        ``keep=True`` keeps them in every case, for a reverse that reads how many there were.
        """
        value = self.value.get(key)
        if type(value) is not list:
            return None
        readings = []
        owned, base, keys = self._owned, self._base, self._keys
        for index, item in enumerate(value):  # the usual list: a few items, each a part (no call per item)
            if type(item) is not dict:
                return None
            reading = Reading.__new__(Reading)
            reading.value, reading._owned, reading._path, reading._base = item, owned, None, base
            reading._keys, reading._taken, reading._omitted, reading._parts = (*keys, key, index), [], [], []
            reading._met, reading._written, reading._found = self._met, None, None
            readings.append(reading)
        self._parts.append((key, readings, keep))
        return readings

    def remainder(self) -> dict[str, Any]:
        """The object's remainder (see the module's docstring); an empty dict when nothing is carried."""
        parts = self._parts
        if self._owned:  # the adapter's own copy: made into its remainder in place
            kept = self.value
            pop = kept.pop
            for key in self._taken:
                pop(key, None)
            for key, read, keep in parts:
                if key in kept:
                    rest = _part_remainder(read, keep)
                    if rest is None:
                        del kept[key]
                    else:
                        kept[key] = rest
        else:
            taken = set(self._taken)
            by_key = {key: (read, keep) for key, read, keep in parts}
            kept = {}
            for key, value in self.value.items():
                if key in taken:
                    continue
                found = by_key.get(key)
                if found is None:
                    kept[key] = value if type(value) in _LEAVES else copy_json(value)
                    continue
                rest = _part_remainder(*found)
                if rest is not None:
                    kept[key] = rest
        if OMITTED in kept or ESCAPED in kept:
            kept = _escape(kept)
        if self._omitted:
            kept[OMITTED] = list(dict.fromkeys(self._omitted))
        return kept

    def patch(self, absent: list[str], path: str = ROOT) -> dict[str, Any]:
        """
        The object's remainder as a *patch*, for a mapping that said what the reverse writes
        with `wrote`: the keys the reverse does not give back exactly, with the values as sent,
        and the patches of the parts under their keys (an object's when it is not empty; a
        list's, one per item, when any is not empty).

        The keys the reverse writes although the payload did not have them are appended to
        ``absent`` as JSON paths from ``path`` (this object's; default ``$``): each part's
        before the object's own, the parts in the payload's key order, an object's own keys in
        the order written. `apply` lays the two back over what the reverse writes.
        """
        if self._written is not None:  # the payload itself, told with wrote: one pass
            return _patch_into(self.value, self._written, path, absent, self._met)
        if self._found is not None:  # an owned object told with wrote: patched in place already
            absent.extend(join(path, keys) for keys in self._found)
            return self.value
        patches: list[tuple[str, Any]] = []
        segments: list[tuple[str, list[str]]] = []
        for key, read, _ in self._parts:
            where = child(path, key)
            found: list[str] = []
            rest: Any
            if type(read) is list:
                rests = [reading.patch(found, child(where, index)) for index, reading in enumerate(read)]
                rest = rests if any(rests) else None
            else:
                rest = read.patch(found, where) or None  # type: ignore[union-attr]
            patches.append((key, rest))
            if found:
                segments.append((key, found))
        if len(segments) > 1:  # the payload's key order (the parts are in the order written)
            position = {key: index for index, key in enumerate(self.value)}
            segments.sort(key=lambda segment: position[segment[0]])
        for _, found in segments:
            absent.extend(found)
        if self._omitted:
            absent.extend(child(path, key) for key in dict.fromkeys(self._omitted))
        if self._owned:  # the adapter's own copy: made into its patch in place
            kept = self.value
            pop = kept.pop
            for key in self._taken:
                pop(key, None)
            for key, rest in patches:
                if rest is None:
                    pop(key, None)
                else:
                    kept[key] = rest
            return kept
        taken = set(self._taken)
        by_key = dict(patches)
        kept = {}
        for key, value in self.value.items():
            if key in taken:
                continue
            if key in by_key:
                rest = by_key[key]
                if rest is not None:
                    kept[key] = rest
            else:
                kept[key] = value if type(value) in _LEAVES else _copy(value, self._met)
        return kept


def _part_remainder(read: Reading | list[Reading], keep: bool) -> Any:
    """A part's remainder (None: nothing to keep)."""
    if type(read) is list:
        rests = [reading.remainder() for reading in read]
        return rests if keep or not rests or any(rests) else None
    rest = read.remainder()  # type: ignore[union-attr]
    return rest if rest or keep else None


class Carried:
    """
    A remainder as the reverse mapping reads it back.

    Lenient: a remainder that is not an object (hand-edited, or from another source) is
    treated as empty, and so is any part of it that is not what the forward mapping keeps.
    """

    __slots__ = ("_rest", "_used")

    def __init__(self, remainder: object) -> None:
        self._rest: Mapping[str, Any] = remainder if isinstance(remainder, Mapping) else {}
        self._used: set[str] = set()

    def __bool__(self) -> bool:
        return bool(self._rest)

    def __contains__(self, key: str) -> bool:
        return key in self._rest

    def get(self, key: str, default: Any = None) -> Any:
        """The carried value at ``key`` (as stored, not copied), or ``default``."""
        return self._rest.get(key, default)

    def part(self, key: str) -> Carried:
        """The remainder of the part at ``key`` (empty when none was kept); ``restore`` then skips ``key``."""
        value = self._rest.get(key)
        if not isinstance(value, Mapping):
            return Carried(None)
        self._used.add(key)
        return Carried(value)

    def parts(self, key: str) -> list[Carried] | None:
        """
        The remainders of the parts at ``key``, one per item written (None when no list was
        kept: every item is then given back whole by the canonical order); ``restore`` then
        skips ``key``.
        """
        value = self._rest.get(key)
        if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
            return None
        self._used.add(key)
        return [Carried(item) for item in value]

    def restore(self, written: dict[str, Any]) -> dict[str, Any]:
        """
        ``written`` (a dict of the caller's, changed in place and returned) with the remainder
        laid over it: omitted keys dropped, carried values (copies) in place of what was
        written, or after it. Keys read as parts are left to the caller.
        """
        rest = self._rest
        if not rest:
            return written
        omitted = rest.get(OMITTED)
        if isinstance(omitted, list):
            for key in omitted:
                if type(key) is str:
                    written.pop(key, None)
        used = self._used
        for key, value in rest.items():
            if key in used or type(key) is not str:
                continue
            if key == ESCAPED and isinstance(value, Mapping):
                written.update((name, copy_json(item)) for name, item in value.items() if name in _MARKERS)
            elif key not in _MARKERS:
                written[key] = value if type(value) in _LEAVES else copy_json(value)
        return written
