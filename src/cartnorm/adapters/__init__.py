"""
Vendor adapters, and the registry that finds them by name.

Built-in: ``medusa`` (Medusa v1 and v2 orders) and ``gearment`` (Gearment API v3 orders).
Each is a module exposing ``ADAPTER`` (a `cartnorm.Adapter`) and the same functions:
``detect``, ``convert``, ``to_canonical``, ``from_canonical``, plus ``STATUS_TABLES``.
"""

from __future__ import annotations

import importlib
from typing import Final

from ..adapter import Adapter
from ..errors import ConfigurationError

__all__ = ["BUILTIN_ADAPTERS", "get_adapter"]

#: Built-in adapter names and the modules that define them.
BUILTIN_ADAPTERS: Final = {
    "gearment": "cartnorm.adapters.gearment",
    "medusa": "cartnorm.adapters.medusa",
    "trackstar": "cartnorm.adapters.trackstar",
}


def get_adapter(name: str) -> Adapter:
    """Return the built-in adapter called ``name``."""
    module_name = BUILTIN_ADAPTERS.get(name)
    if module_name is None:
        known = ", ".join(sorted(BUILTIN_ADAPTERS))
        msg = f"no adapter named {name!r}; known adapters: {known}"
        raise ConfigurationError(msg)
    adapter = importlib.import_module(module_name).ADAPTER
    assert isinstance(adapter, Adapter)
    return adapter
