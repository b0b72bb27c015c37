"""
Finding adapters: the built-in ones, plus plugins registered under the entry-point group
``cartnorm.adapters`` (each entry point names a `cartnorm.Adapter` object).

A plugin package declares, in its ``pyproject.toml``::

    [project.entry-points."cartnorm.adapters"]
    tinyshop = "cartnorm_tinyshop:ADAPTER"

This module is the one place that names the built-in adapters: every other list of vendors
(the documentation, error messages, the command line's options, the tests) comes from here.
"""

from __future__ import annotations

import functools
import heapq
import importlib
from collections.abc import Mapping
from importlib.metadata import entry_points
from types import MappingProxyType
from typing import Any, Final

from ._paths import ROOT
from .adapter import Adapter
from .errors import ConfigurationError, UnrecognizedPayloadError

__all__ = [
    "ENTRY_POINT_GROUP",
    "available_adapters",
    "builtin_modules",
    "detect_adapter",
    "detectable_adapters",
    "get_adapter",
]

#: The entry-point group plugins register their adapters under.
ENTRY_POINT_GROUP: Final = "cartnorm.adapters"

# The built-in adapters, by name, in the order they are listed (each module exposes ``ADAPTER``).
_BUILTIN: Final = {
    "medusa": "cartnorm.adapters.medusa",
    "gearment": "cartnorm.adapters.gearment",
    "shopify": "cartnorm.adapters.shopify",
    "trackstar": "cartnorm.adapters.trackstar",
}


def builtin_modules() -> Mapping[str, str]:
    """The built-in adapters' modules, by adapter name (``{"medusa": "cartnorm.adapters.medusa", …}``)."""
    return MappingProxyType(_BUILTIN)


def _load_builtin(name: str) -> Adapter:
    adapter = importlib.import_module(_BUILTIN[name]).ADAPTER
    if not isinstance(adapter, Adapter):  # pragma: no cover - a programming error in cartnorm itself
        msg = f"{_BUILTIN[name]}.ADAPTER is not a cartnorm.Adapter"
        raise TypeError(msg)
    return adapter


@functools.cache
def available_adapters() -> Mapping[str, Adapter]:
    """
    Every adapter available, by name: built-ins first, then plugins in name order.

    A plugin whose name clashes with a built-in, or whose entry point does not give an
    `Adapter` named like the entry point, is a `ConfigurationError` (loud, not ignored).
    """
    found: dict[str, Adapter] = {name: _load_builtin(name) for name in _BUILTIN}
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda entry: entry.name):
        if entry.name in found:
            msg = f"plugin {entry.value!r} registers adapter {entry.name!r}, which already exists"
            raise ConfigurationError(msg)
        try:
            adapter = entry.load()
        except Exception as error:  # a plugin that cannot be imported: loud, and said in one line
            msg = f"plugin {entry.name} = {entry.value!r} cannot be loaded: {type(error).__name__}: {error}"
            raise ConfigurationError(msg) from error
        if not isinstance(adapter, Adapter) or adapter.name != entry.name:
            msg = f"entry point {entry.name} = {entry.value!r} must name a cartnorm.Adapter called {entry.name!r}"
            raise ConfigurationError(msg)
        found[entry.name] = adapter
    return MappingProxyType(found)


def detectable_adapters() -> tuple[Adapter, ...]:
    """The adapters detection chooses among (`Adapter.detectable`), in `available_adapters`' order."""
    return tuple(adapter for adapter in available_adapters().values() if adapter.detectable)


def get_adapter(name: str) -> Adapter:
    """Return the adapter called ``name`` (a built-in's, such as ``"medusa"``, or a plugin's)."""
    available = available_adapters()
    adapter = available.get(name)
    if adapter is None:
        msg = f"no adapter named {name!r}; available: {', '.join(available)}"
        raise ConfigurationError(msg)
    return adapter


def detect_adapter(payload: Any) -> Adapter:
    """
    Return the one adapter whose ``detect`` claims ``payload``.

    Raises `UnrecognizedPayloadError` listing what was looked for when none, or more than
    one, claims it: a payload is never guessed.
    """
    candidates = detectable_adapters()
    claimed = [adapter for adapter in candidates if _claims(adapter, payload)]
    if len(claimed) == 1:
        return claimed[0]
    looked_for = "; ".join(f"{adapter.name}: {adapter.description}" for adapter in candidates)
    if not claimed:
        expected = f"a payload one adapter recognises (looked for {looked_for})"
    else:
        expected = f"a payload exactly one adapter recognises, but {', '.join(a.name for a in claimed)} all do"
    names = " or ".join(f"source={adapter.name!r}" for adapter in (claimed or candidates))
    hint = f"Pass {names} (or a plugin's name) to say what it is."
    raise UnrecognizedPayloadError(ROOT, _shape(payload), expected, hint=hint)


def _claims(adapter: Adapter, payload: Any) -> bool:
    try:
        return bool(adapter.detect(payload))
    except Exception:  # noqa: BLE001 - a detect predicate that fails does not claim the payload
        return False


def _shape(payload: Any) -> Any:
    """What to show of an unrecognised payload: its keys, not its (maybe huge) values."""
    if isinstance(payload, Mapping):
        return {"keys": heapq.nsmallest(12, map(str, payload))}  # the first 12 in order, without sorting them all
    return payload
