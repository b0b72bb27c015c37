"""
JSON paths for error messages, the one helper every module and adapter uses.

``$`` is the payload itself; ``$.line_items[2].unit_price`` a place inside it; a key that is
not a plain name is quoted: ``$['odd key']``. `child` builds a path one key at a time (the
same few paths recur order after order, so it is cached), `join` several keys at once, and
`split` reads a path back into its keys.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Final

__all__ = ["ROOT", "child", "join", "split"]

ROOT: Final = "$"
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]", re.DOTALL)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


@functools.lru_cache(maxsize=8192, typed=True)  # typed: 1 and True are different keys
def child(path: str, key: str | int) -> str:
    """
    Return the path of ``key`` inside the value at ``path``.

    >>> child("$", "line_items"), child("$.line_items", 2), child("$", "a b")
    ('$.line_items', '$.line_items[2]', "$['a b']")
    """
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _PLAIN.match(key):
        return f"{path}.{key}"
    escaped = key.replace("\\", "\\\\").replace("'", "\\'")
    return f"{path}['{escaped}']"


def join(path: str, keys: Iterable[str | int]) -> str:
    """
    The path of ``keys``, one inside the other, below ``path``.

    >>> join("$", ["items", 0, "odd key"])
    "$.items[0]['odd key']"
    """
    for key in keys:
        path = child(path, key)
    return path


def split(path: str) -> list[str | int]:
    """
    The keys of a path `child` and `join` wrote, outermost first (the inverse of `join` from ``$``).

    >>> split("$.items[0]['odd key'].sku")
    ['items', 0, 'odd key', 'sku']

    A text that is not such a path is a `ValueError`.
    """
    if not path.startswith(ROOT):
        msg = f"not a JSON path: {path!r}"
        raise ValueError(msg)
    keys: list[str | int] = []
    position = len(ROOT)
    while position < len(path):
        step = _STEP.match(path, position)
        if step is None:
            msg = f"not a JSON path: {path!r}"
            raise ValueError(msg)
        name, index, quoted = step.groups()
        if name is not None:
            keys.append(name)
        elif index is not None:
            keys.append(int(index))
        else:
            keys.append(_ESCAPE.sub(r"\1", quoted))
        position = step.end()
    return keys
