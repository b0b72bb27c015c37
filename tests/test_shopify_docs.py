"""docs/vendors/shopify.md says what the Shopify adapter does: its tables, options, warnings and samples."""

from __future__ import annotations

import re
from pathlib import Path

from cartnorm.adapters import shopify
from cartnorm.adapters.shopify._amounts import DEFAULT_MONEY_SIDE
from conftest import FIXTURES, REPO

PAGE = REPO / "docs" / "vendors" / "shopify.md"
PACKAGE = Path(shopify.__file__).parent


def test_every_status_row_is_on_the_page():
    """Each of the 64 order, 78 fulfillment and 14 fulfillment-order rows is a row of the page."""
    text = PAGE.read_text(encoding="utf-8")
    for table in shopify.STATUS_TABLES:
        for key, decision in table.rows.items():
            assert "| " + " | ".join(f"`{value}`" for value in key) + f" | `{decision.status.value}` |" in text


def test_the_page_names_the_options_and_their_defaults():
    """The options table lists every declared option, its flag and the default the code has."""
    text = PAGE.read_text(encoding="utf-8")
    assert f'| `"presentment"`, `"shop"` | `"{DEFAULT_MONEY_SIDE.value}"` |' in text
    for option in shopify.ADAPTER.options:
        flag = f"`{option.flag}`" if option.flag else "none"
        assert f"| `{option.name}` | {flag}" in text, option.name


def test_every_warning_the_adapter_records_is_documented():
    """Each warning code in the adapter's code is named on the page."""
    text = PAGE.read_text(encoding="utf-8")
    codes = {code for path in PACKAGE.glob("*.py")
             for code in re.findall(r'log\.add\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8"))}  # fmt: skip
    assert len(codes) >= 10
    assert [code for code in sorted(codes) if f"`{code}`" not in text] == []


def test_every_case_the_page_cites_exists():
    """The captures and constructed cases the page names are fixtures of the repository."""
    text = PAGE.read_text(encoding="utf-8")
    cited = set(re.findall(r"`((?:sapi|membi|erp|rule|error)_[A-Za-z0-9_.-]+?)`", text))
    assert cited
    existing = {path.name.removesuffix(".payload.json") for path in (FIXTURES / "shopify").glob("*.payload.json")}
    assert cited <= existing, sorted(cited - existing)
