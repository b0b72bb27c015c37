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

**Equality is JSON text.** Two values are the `same` when cartnorm writes them as the same
JSON text, object key order aside: ``1`` is not ``true``, ``"1"`` is not ``1``, and
``Decimal("1.50")`` is not ``Decimal("1.5")`` — text-exact decimals are the lossless reading
of a payload, whose numbers are texts. A float (from a parser that made one) stands for the
shortest text that reads back to it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from ._paths import ROOT, child, join

__all__ = [
    "ESCAPED",
    "OMITTED",
    "Carried",
    "Reading",
    "as_floats",
    "copy_json",
    "note_floats",
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
        return {key: item if type(item) in _LEAVES else copy_json(item) for key, item in value.items()}
    if kind is list:
        return [item if type(item) in _LEAVES else copy_json(item) for item in value]
    if kind is float:
        return Decimal(repr(value)) if math.isfinite(value) else value
    if isinstance(value, Mapping):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [copy_json(item) for item in value]
    return value


def note_floats(value: Any) -> tuple[Any, bool]:
    """
    ``(copy_json(value), whether value held a float)``, in one walk.

    A payload parsed with ``json.loads`` holds binary floats where its text had a fraction or
    an exponent; cartnorm's own parser gives exact Decimals there. An adapter that wants to
    give back what it was given, number type included (``==`` in Python, not only the same
    JSON text), copies its payload with this, reads the copy as its own (``Reading(copy,
    owned=True)``), records the answer, and passes what its reverse writes through `as_floats`
    when the payload held floats. A payload holds floats or Decimals, not both (one parser).

    >>> note_floats({"rate": 0.06, "id": 7})
    ({'rate': Decimal('0.06'), 'id': 7}, True)
    """
    met = [False]
    return _copy_noting(value, met), met[0]


def _copy_noting(value: Any, met: list[bool]) -> Any:
    kind = type(value)
    if kind is dict:
        return {key: item if type(item) in _LEAVES else _copy_noting(item, met) for key, item in value.items()}
    if kind is list:
        return [item if type(item) in _LEAVES else _copy_noting(item, met) for item in value]
    if kind is float:
        met[0] = True
        return Decimal(repr(value)) if math.isfinite(value) else value
    if kind in _LEAVES:
        return value
    if isinstance(value, Mapping):
        return {key: _copy_noting(item, met) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy_noting(item, met) for item in value]
    return value


def as_floats(value: Any) -> Any:
    """
    ``value`` with every Decimal made the float it stands for (`note_floats`' inverse), as a new
    value: ``float(Decimal(repr(x))) == x`` for every finite float ``x``.

    >>> as_floats({"rate": Decimal("0.06"), "id": 7, "tags": ["a"]})
    {'rate': 0.06, 'id': 7, 'tags': ['a']}
    """
    kind = type(value)
    if kind is Decimal:
        return float(value)
    if kind is dict:
        return {key: item if type(item) in _PLAIN else as_floats(item) for key, item in value.items()}
    if kind is list:
        return [item if type(item) in _PLAIN else as_floats(item) for item in value]
    return value


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
    """

    __slots__ = ("_keys", "_omitted", "_owned", "_parent", "_parts", "_path", "_taken", "value")

    def __init__(self, value: dict[str, Any], *, owned: bool = False, path: str = ROOT) -> None:
        self.value = value
        self._owned = owned
        self._path: str | None = path
        self._parent: Reading | None = None
        self._keys: tuple[str | int, ...] = ()
        self._taken: list[str] = []
        self._omitted: list[str] = []
        self._parts: list[tuple[str, Reading | list[Reading], bool]] = []

    @property
    def path(self) -> str:
        """The object's JSON path in the payload (built on first use)."""
        if self._path is None:
            assert self._parent is not None
            self._path = join(self._parent.path, self._keys)
        return self._path

    def at(self, key: str | int) -> str:
        """The JSON path of ``key`` inside this object."""
        return child(self.path, key)

    def _child(self, value: dict[str, Any], *keys: str | int) -> Reading:
        reading = Reading.__new__(Reading)  # the slots set here, without __init__'s defaults: one per part
        reading.value, reading._owned, reading._path = value, self._owned, None
        reading._parent, reading._keys, reading._taken, reading._omitted, reading._parts = self, keys, [], [], []
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
        owned = self._owned
        for index, item in enumerate(value):  # the usual list: a few items, each a part (no call per item)
            if type(item) is not dict:
                return None
            reading = Reading.__new__(Reading)
            reading.value, reading._owned, reading._path, reading._parent = item, owned, None, self
            reading._keys, reading._taken, reading._omitted, reading._parts = (key, index), [], [], []
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
