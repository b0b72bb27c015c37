"""JSON paths for error messages: ``$``, ``$.line_items[2].unit_price``, ``$['odd key']``."""

from __future__ import annotations

import re

__all__ = ["ROOT", "child"]

ROOT = "$"
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


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
