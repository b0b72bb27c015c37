"""docs/vendors/medusa.md: the generated regions match the code (regenerate with scripts/generate_medusa_docs.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "vendors" / "medusa.md"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_medusa_docs", REPO / "scripts" / "generate_medusa_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_regions_have_not_drifted():
    current = DOC.read_text(encoding="utf-8")
    assert _generator().render(current) == current, "run: python scripts/generate_medusa_docs.py"


def test_every_status_row_is_in_the_docs():
    from cartnorm.adapters.medusa import STATUS_TABLES

    text = DOC.read_text(encoding="utf-8")
    for table in STATUS_TABLES:
        for key, decision in table.rows.items():
            assert "| " + " | ".join(f"`{value}`" for value in key) + f" | `{decision.status.value}` |" in text


def test_the_additional_fields_layout_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for key in ('"version"', '"envelope"', '"exponent"', '"remainders"', '"absent"', '"order"'):
        assert key in text
