"""Generated documentation never drifts from the code that it documents."""

from __future__ import annotations

import pytest

from cartnorm import OrderStatus, StatusDecision, StatusTable
from cartnorm.docgen import regenerate, render_status_table, update_region
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


def test_status_tables_are_wrapped_for_the_site():
    """A status table is Markdown inside one ``div.status-table`` naming its vendor and title, escaped."""
    table = StatusTable(
        vendor="toy",
        title='Toy "order" <status>',
        axes=("state",),
        rows={("paid",): StatusDecision(OrderStatus.CONFIRMED, "payment captured")},
    )
    lines = render_status_table(table).splitlines()
    assert lines[0] == (
        '<div class="status-table" data-vendor="toy" data-title="Toy &quot;order&quot; &lt;status&gt;" markdown="1">'
    )
    assert lines[1] == "" and lines[-2] == "" and lines[-1] == "</div>"
    assert lines[2:-2] == [
        "| `state` | Trackstar `status` | why |",
        "| --- | --- | --- |",
        "| `paid` | `confirmed` | payment captured |",
        f"| *any other value* | `other` | {table.unknown_reason} |",
    ]
