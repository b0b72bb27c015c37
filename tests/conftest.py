"""Shared pytest set-up: Hypothesis profiles and the fixture corpus location."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

# ci: bounded and predictable (CI sets CI=true); dev: the default; thorough: long runs.
settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "thorough", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
