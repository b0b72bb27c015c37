"""Generated documentation never drifts from the code that it documents."""

from __future__ import annotations

import pytest

from cartnorm.docgen import regenerate, update_region
from conftest import REPO


def test_generated_docs_are_current():
    """Every generated region in docs/ equals what the code renders now (run `cartnorm docs` to refresh)."""
    assert regenerate(REPO, check=True) == []


def test_update_region_needs_exactly_one_region():
    """A missing or doubled marker is an error, not a silent no-op."""
    region = "<!-- BEGIN GENERATED: x -->\nold\n<!-- END GENERATED: x -->"
    assert (
        update_region(f"a\n{region}\nb", "x", "new")
        == "a\n<!-- BEGIN GENERATED: x -->\nnew\n<!-- END GENERATED: x -->\nb"
    )
    with pytest.raises(ValueError, match="exactly one"):
        update_region("no markers", "x", "new")
    with pytest.raises(ValueError, match="exactly one"):
        update_region(region + region, "x", "new")
