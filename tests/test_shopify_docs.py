"""docs/vendors/shopify.md says what the Shopify tables and readers do, and its generated tables never drift."""

from __future__ import annotations

import re

from cartnorm.adapters.shopify._docs import DOC_REGIONS
from cartnorm.adapters.shopify._money import DEFAULT_MONEY_SIDE
from cartnorm.adapters.shopify._statuses import (
    ORDER_STATUS_TABLE,
    SHIPMENT_STATUS_TABLE,
    SHIPPING_GROUP_STATUS_TABLE,
)
from cartnorm.docgen import update_region
from conftest import FIXTURES, REPO

PAGE = REPO / "docs" / "vendors" / "shopify.md"
# Until the adapter is registered, cartnorm.docgen does not list this page; this rewrites its regions.
REFRESH = (
    'python -c "from pathlib import Path; from cartnorm.docgen import update_region; '
    "from cartnorm.adapters.shopify._docs import DOC_REGIONS as R; p = Path('docs/vendors/shopify.md'); "
    "t = p.read_text(encoding='utf-8'); [t := update_region(t, n, r()) for n, r in R.items()]; "
    "p.write_text(t, encoding='utf-8')\""
)


def test_generated_regions_are_current():
    """Every generated table equals what the code renders now."""
    text = PAGE.read_text(encoding="utf-8")
    regenerated = text
    for name, render in DOC_REGIONS.items():
        regenerated = update_region(regenerated, name, render())
    assert regenerated == text, f"docs/vendors/shopify.md has drifted from the code; refresh it with:\n{REFRESH}"


def test_every_status_row_is_on_the_page():
    """Each of the 64 order, 78 fulfillment and 14 fulfillment-order rows is a row of the page."""
    text = PAGE.read_text(encoding="utf-8")
    for table in (ORDER_STATUS_TABLE, SHIPMENT_STATUS_TABLE, SHIPPING_GROUP_STATUS_TABLE):
        for key, decision in table.rows.items():
            assert "| " + " | ".join(f"`{value}`" for value in key) + f" | `{decision.status.value}` |" in text


def test_the_page_names_the_default_side_and_real_files():
    """The options table states the default the code has; every sample the page cites exists."""
    text = PAGE.read_text(encoding="utf-8")
    assert f'| `money_side` | `"presentment"`, `"shop"` | `"{DEFAULT_MONEY_SIDE.value}"` |' in text
    cited = set(re.findall(r"`((?:sapi|membi|erp)_[A-Za-z0-9_.-]+?)`", text))
    assert cited
    existing = {path.stem for path in (FIXTURES / "shopify").glob("*.json")}
    assert cited <= existing, sorted(cited - existing)
