"""docs/vendors/*.md say what the adapters do (drift of the generated regions: tests/test_docs.py)."""

from __future__ import annotations

from cartnorm.adapters.gearment import STATUS_TABLES as GEARMENT_TABLES
from cartnorm.adapters.medusa import STATUS_TABLES as MEDUSA_TABLES
from conftest import REPO

DOC = REPO / "docs" / "vendors" / "medusa.md"
GEARMENT_DOC = REPO / "docs" / "vendors" / "gearment.md"


def test_every_status_row_is_in_the_docs():
    """Each of the 315 v1 and the v2 combinations is a row of the Medusa page."""
    text = DOC.read_text(encoding="utf-8")
    for table in MEDUSA_TABLES:
        for key, decision in table.rows.items():
            assert "| " + " | ".join(f"`{value}`" for value in key) + f" | `{decision.status.value}` |" in text


def test_the_additional_fields_layout_is_documented():
    """Every key of the Medusa additional_fields layout is explained."""
    text = DOC.read_text(encoding="utf-8")
    for key in ('"version"', '"envelope"', '"exponent"', '"remainders"', '"absent"', '"order"'):
        assert key in text


def test_every_gearment_order_status_is_documented():
    """Each order_status name appears on the Gearment page."""
    text = GEARMENT_DOC.read_text(encoding="utf-8")
    for key in GEARMENT_TABLES[0].rows:
        assert f"`{key[0]}`" in text
