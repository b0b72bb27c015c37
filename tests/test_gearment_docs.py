"""docs/vendors/gearment.md holds the status table the code has (regenerated in memory)."""

from __future__ import annotations

from cartnorm.adapters.gearment import STATUS_TABLES
from cartnorm.docgen import render_status_table, update_region
from conftest import REPO

DOC = REPO / "docs" / "vendors" / "gearment.md"


def test_status_table_has_not_drifted():
    """Regenerating the table changes nothing; run scripts/generate_gearment_docs.py if it does."""
    text = DOC.read_text(encoding="utf-8")
    table = "\n".join(render_status_table(table) for table in STATUS_TABLES)
    assert update_region(text, "gearment-status", table) == text, "run: python scripts/generate_gearment_docs.py"


def test_every_order_status_is_documented():
    """Each order_status name appears on the page."""
    text = DOC.read_text(encoding="utf-8")
    for key in STATUS_TABLES[0].rows:
        assert f"`{key[0]}`" in text
