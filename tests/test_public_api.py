"""The public surface is small, sorted and honest (the httpx way)."""

from __future__ import annotations

import importlib
import pkgutil

import cartnorm


def isort_style(names):
    """Ruff's RUF022 order: SCREAMING_CASE constants, then CamelCase classes, then the rest."""
    return sorted(names, key=lambda name: (0 if name.isupper() else 1 if name[:1].isupper() else 2, name))


def test_all_is_sorted_and_complete():
    """__all__ lists exactly the public names of the package, sorted."""
    public = [name for name in vars(cartnorm) if not name.startswith("_") or name == "__version__"]
    modules = {
        name for name in public if name not in cartnorm.__all__ and isinstance(getattr(cartnorm, name), type(cartnorm))
    }
    assert cartnorm.__all__ == isort_style(cartnorm.__all__)
    assert isort_style(set(public) - modules) == cartnorm.__all__


def test_every_public_module_declares_all():
    """Each public module declares a sorted __all__ whose names exist."""
    for info in pkgutil.walk_packages(cartnorm.__path__, "cartnorm."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        module = importlib.import_module(info.name)
        names = getattr(module, "__all__", None)
        assert names is not None, info.name
        assert list(names) == isort_style(names), info.name
        assert all(hasattr(module, name) for name in names), info.name


def test_errors_share_one_root():
    """Every exception cartnorm exports derives from CartnormError."""
    exported = [getattr(cartnorm, name) for name in cartnorm.__all__]
    exceptions = [item for item in exported if isinstance(item, type) and issubclass(item, BaseException)]
    assert exceptions and all(issubclass(item, cartnorm.CartnormError) for item in exceptions)
