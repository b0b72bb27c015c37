"""
JSON paths for error messages, the one helper every module and adapter uses.

``$`` is the payload itself; ``$.line_items[2].unit_price`` a place inside it; a key that is
not a plain name is quoted: ``$['odd key']``. `child` builds a path one key at a time (the
same few paths recur order after order, so it is cached), `join` several keys at once, and
`parse_path` splits a path back into its keys.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Final

__all__ = ["ROOT", "child", "join", "parse_path"]

ROOT: Final = "$"
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_PART = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]")


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


def parse_path(path: str) -> list[str | int]:
    """
    Split a JSON path written by `child` into its keys and indexes (`ValueError` if it is not one).

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
