"""Adapters that tests install as entry-point plugins (importable as ``toy_plugin``)."""

from __future__ import annotations

import cartnorm

TOY = cartnorm.Adapter(
    name="toy",
    description="a toy plugin",
    detect=lambda payload: isinstance(payload, dict) and payload.get("kind") == "toy",
    convert=lambda payload, *, observed_at=None, **options: cartnorm.Normalized(
        cartnorm.from_trackstar(payload["doc"])
    ),
    from_canonical=lambda order: {"kind": "toy", "doc": cartnorm.to_trackstar(order)},
    status_tables=(),
)

GREEDY = cartnorm.Adapter(
    name="greedy",
    description="claims everything",
    detect=lambda payload: True,
    convert=TOY.convert,
    from_canonical=TOY.from_canonical,
    status_tables=(),
)
