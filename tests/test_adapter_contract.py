"""Every registered adapter, built-in or plugin, meets one contract."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping

import pytest

from cartnorm import Adapter, OrderStatus, StatusTable
from cartnorm.registry import available_adapters

ADAPTERS = list(available_adapters().values())
BUILTIN_MODULE_API = ["ADAPTER", "NAME", "STATUS_TABLES", "convert", "detect", "from_canonical", "to_canonical"]


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda adapter: adapter.name)
def test_adapter_contract(adapter):
    """Name, description, callables with the agreed signatures, and status tables as data."""
    assert isinstance(adapter, Adapter)
    assert adapter.name and adapter.description
    assert callable(adapter.detect) and callable(adapter.from_canonical)
    parameters = inspect.signature(adapter.convert).parameters
    assert "observed_at" in parameters and parameters["observed_at"].kind is inspect.Parameter.KEYWORD_ONLY
    assert adapter.status_tables
    for table in adapter.status_tables:
        assert isinstance(table, StatusTable) and isinstance(table.rows, Mapping)
        assert table.rows, f"{table.title} has no rows"
        for key, decision in table.rows.items():
            assert len(key) == len(table.axes) and all(isinstance(value, str) for value in key)
            assert isinstance(decision.status, OrderStatus) and decision.reason.strip()
        with pytest.raises(TypeError):
            table.rows[("x",) * len(table.axes)] = None  # type: ignore[index]


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda adapter: adapter.name)
def test_detect_never_raises(adapter):
    """detect() answers False for anything that is not its payload, whatever its shape."""
    for value in (None, 0, "order", [], {}, {"order": None}, {"data": []}, {"type": "order"}, [{}]):
        assert adapter.detect(value) in (True, False)


@pytest.mark.parametrize("name", ["gearment", "medusa", "trackstar"])
def test_builtin_modules_have_the_same_shape(name):
    """Built-in adapter modules export exactly the same names (the cattrs preconf lesson)."""
    module = importlib.import_module(f"cartnorm.adapters.{name}")
    assert sorted(module.__all__) == sorted(BUILTIN_MODULE_API)
    assert module.ADAPTER.name == module.NAME == name
    assert module.ADAPTER.status_tables == tuple(module.STATUS_TABLES)
