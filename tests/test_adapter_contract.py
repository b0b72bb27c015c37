"""Every registered adapter, built-in or plugin, meets one contract (`cartnorm.testing`)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from cartnorm.registry import available_adapters, builtin_modules
from cartnorm.testing import CHECKS, contract_problems
from conftest import FIXTURES

ADAPTERS = list(available_adapters().values())
BUILTIN_MODULE_API = ["ADAPTER", "NAME", "STATUS_TABLES", "convert", "detect", "from_canonical", "to_canonical"]
#: The files every built-in vendor package (a "wing") has: a reader who knows one knows the other.
WING_FILES = {"__init__", "_amounts", "_docs", "_from_canonical", "_layout", "_reading", "_statuses", "_to_canonical"}


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda adapter: adapter.name)
def test_adapter_contract(adapter, check):
    """Shape, status tables, detection, conversion and round trips, on the adapter's own fixtures."""
    assert contract_problems(adapter, FIXTURES / adapter.name, checks={check}) == []


@pytest.mark.parametrize("name", builtin_modules())
def test_builtin_modules_have_the_same_shape(name):
    """Built-in adapter modules export exactly the same names (the cattrs preconf lesson)."""
    module = importlib.import_module(builtin_modules()[name])
    # an option that is data (a second document) is given back by a call of its own, named after it
    given_back = [f"{option.name}_from_canonical" for option in module.ADAPTER.options if option.given_back]
    assert sorted(module.__all__) == sorted([*BUILTIN_MODULE_API, *given_back])
    assert all(getattr(module, f"{option.name}_from_canonical") is option.given_back
               for option in module.ADAPTER.options if option.given_back)  # fmt: skip
    assert module.ADAPTER.name == module.NAME == name
    assert module.ADAPTER.status_tables == tuple(module.STATUS_TABLES)
    assert module.ADAPTER.convert is module.convert  # the one signature, checked by mypy against the protocol


WINGS = [name for name, module in builtin_modules().items() if hasattr(importlib.import_module(module), "__path__")]


@pytest.mark.parametrize("name", WINGS)
def test_vendor_wings_have_the_same_files(name):
    """Every built-in vendor package holds the same files (and whatever else its vendor needs)."""
    package = importlib.import_module(builtin_modules()[name])
    files = {info.name for info in pkgutil.iter_modules(package.__path__)} | {"__init__"}
    assert files >= WING_FILES, sorted(WING_FILES - files)
