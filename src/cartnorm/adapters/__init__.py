"""
Vendor adapters.

Built-in: ``medusa`` (Medusa v1 and v2 orders), ``gearment`` (Gearment API v3 orders) and
``trackstar`` (the canonical JSON itself). Each is a module exposing ``ADAPTER`` (a
`cartnorm.Adapter`) and the same functions: ``detect``, ``convert``, ``to_canonical``,
``from_canonical``, plus ``STATUS_TABLES``. Plugins are found by `cartnorm.registry`.
"""

from __future__ import annotations

from ..registry import get_adapter

__all__ = ["get_adapter"]
