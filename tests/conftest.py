"""Shared pytest set-up: Hypothesis profiles and the fixture corpus location."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, settings

# ci: bounded and predictable (CI sets CI=true); dev: the default; thorough: long runs.
settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("thorough", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


@pytest.fixture
def sample_order() -> dict[str, Any]:
    """A valid Trackstar document (the full_order fixture payload), parsed with exact decimals."""
    return json.loads((FIXTURES / "trackstar" / "full_order.payload.json").read_text(), parse_float=Decimal)


def rebuilt(value: Any) -> Any:
    """
    A model object built again, all the way down, through the public constructors (which check
    every field): equal to ``value`` when ``value`` holds only what they accept; else they raise.
    """
    if attrs.has(type(value)):
        return type(value)(**{field.name: rebuilt(getattr(value, field.name)) for field in attrs.fields(type(value))})
    if type(value) is tuple:
        return tuple(rebuilt(item) for item in value)
    return value
