"""
The layers hold: the core imports no adapter and no face; an adapter imports no face and no other vendor.

The *face* is what users drive cartnorm through (the command line, the pytest plugin, the
contract checks, the Spark and Dask integrations); the *adapters* are ``cartnorm.adapters.*``;
everything else is the *core*, which knows no vendor.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "src" / "cartnorm"
FACE = ("cartnorm.cli", "cartnorm.__main__", "cartnorm.pytest_plugin", "cartnorm.testing", "cartnorm.integrations")
ADAPTERS = "cartnorm.adapters"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[str]:
    """Every cartnorm module ``path`` imports, relative imports resolved (``from . import x`` gives both)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return _imports_of(path.read_text(encoding="utf-8"), package)


def _imports_of(source: str, package: str) -> Iterator[str]:
    """The cartnorm modules ``source`` (a module of ``package``) imports: statements, and by a literal name."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name.startswith("cartnorm"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base.startswith("cartnorm"):
                yield base
                yield from (f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and _dynamic_import(node.func) and node.args:
            first = node.args[0]  # importlib.import_module("cartnorm.cli"), __import__("cartnorm.cli")
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value.startswith("cartnorm"):
                yield first.value


def _dynamic_import(func: ast.expr) -> bool:
    """``import_module`` (bare or as ``importlib.import_module``) or ``__import__``."""
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in ("import_module", "__import__")


def layer(module: str) -> str:
    """``face``, ``adapters`` or ``core``."""
    if any(module == face or module.startswith(face + ".") for face in FACE):
        return "face"
    if module == ADAPTERS or module.startswith(ADAPTERS + "."):
        return "adapters"
    return "core"


def _vendor(module: str) -> str | None:
    """The vendor package an adapter module belongs to (``gearment`` for ``cartnorm.adapters.gearment._x``)."""
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "adapters" else None


def _other_vendor(importer: str, target: str) -> bool:
    mine, theirs = _vendor(importer), _vendor(target)
    return mine is not None and theirs is not None and mine != theirs


def violations(graph: dict[str, set[str]]) -> list[str]:
    """Every import that crosses the layers the wrong way, as ``importer -> imported``."""
    found = []
    for importer, imported in sorted(graph.items()):
        for target in sorted(imported):
            if not any(target == module or target.startswith(module + ".") for module in graph):
                continue  # a name imported from a module (``from . import x`` where x is not a module)
            where, what = layer(importer), layer(target)
            if (where == "core" and what in ("adapters", "face")) or (where == "adapters" and what == "face"):
                found.append(f"{importer} ({where}) -> {target} ({what})")
            elif where == what == "adapters" and _other_vendor(importer, target):
                found.append(f"{importer} -> {target}: another vendor's adapter")
    return found


def _graph() -> dict[str, set[str]]:
    return {_module_name(path): set(_imports(path)) for path in PACKAGE.rglob("*.py")}


def test_the_layers_hold():
    """No core module imports an adapter or the face; no adapter imports the face or another vendor."""
    assert violations(_graph()) == []


def test_the_layering_check_catches_what_it_forbids():
    """The check itself fails on each forbidden import (a graph with one of each)."""
    graph = _graph()
    graph["cartnorm.etl"] = graph["cartnorm.etl"] | {"cartnorm.adapters.medusa"}
    graph["cartnorm.money"] = graph["cartnorm.money"] | {"cartnorm.cli"}
    graph["cartnorm.adapters.gearment._reading"] |= {"cartnorm.testing", "cartnorm.adapters.medusa._amounts"}
    assert violations(graph) == [
        "cartnorm.adapters.gearment._reading -> cartnorm.adapters.medusa._amounts: another vendor's adapter",
        "cartnorm.adapters.gearment._reading (adapters) -> cartnorm.testing (face)",
        "cartnorm.etl (core) -> cartnorm.adapters.medusa (adapters)",
        "cartnorm.money (core) -> cartnorm.cli (face)",
    ]


def test_relative_imports_are_resolved():
    """``from ...model import X`` in a vendor package is cartnorm.model; ``from . import _layout`` its sibling."""
    imports = set(_imports(PACKAGE / "adapters" / "gearment" / "_from_canonical.py"))
    assert {"cartnorm.model", "cartnorm.lossless", "cartnorm.adapters.gearment._layout"} <= imports


def test_a_dynamic_import_by_name_counts():
    """``importlib.import_module("cartnorm.cli")`` or ``__import__`` with a literal name is an import like any."""
    source = (
        "import importlib\nfrom importlib import import_module\n"
        "def f(name):\n    importlib.import_module('cartnorm.cli')\n    import_module('cartnorm.testing')\n"
        "    __import__('cartnorm.adapters.medusa')\n    importlib.import_module(name)\n"
    )
    assert set(_imports_of(source, "cartnorm")) == {"cartnorm.cli", "cartnorm.testing", "cartnorm.adapters.medusa"}
