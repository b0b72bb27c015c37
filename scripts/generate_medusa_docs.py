"""
Regenerate the generated regions of ``docs/vendors/medusa.md`` from the adapter's data.

    python scripts/generate_medusa_docs.py           # rewrite the file
    python scripts/generate_medusa_docs.py --check   # exit 1 when the file has drifted

`render` is what ``tests/test_medusa_docs.py`` calls to compare in memory.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cartnorm.adapters.medusa import STATUS_TABLES
from cartnorm.adapters.medusa._amounts import ADMIN_UI_EXPONENTS
from cartnorm.adapters.medusa._statuses import AXES, RULES_V1, RULES_V2, V1_VALUES, V2_VALUES, Rule
from cartnorm.docgen import render_status_table, update_region
from cartnorm.money import ISO_4217_MINOR_UNITS

DOC = Path(__file__).resolve().parent.parent / "docs" / "vendors" / "medusa.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_rules(rules: tuple[Rule, ...]) -> str:
    """The ordered rules (first match wins) as a Markdown table."""
    lines = ["| # | `status` | `fulfillment_status` | `payment_status` | Trackstar `status` | why |",
             "| --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for number, rule in enumerate(rules, start=1):
        cells = [
            ", ".join(f"`{value}`" for value in sorted(rule.when[axis])) if axis in rule.when else "*any*"
            for axis in AXES
        ]
        lines.append(f"| {number} | " + " | ".join(cells) + f" | `{rule.status.value}` | {_cell(rule.reason)} |")
    return "\n".join(lines) + "\n"


def render_enums() -> str:
    """The documented values of each axis, per Medusa version."""
    lines = ["| axis | Medusa v1 | Medusa v2 |", "| --- | --- | --- |"]
    for axis in AXES:
        v1 = ", ".join(f"`{value}`" for value in V1_VALUES[axis])
        v2 = ", ".join(f"`{value}`" for value in V2_VALUES[axis])
        lines.append(f"| `{axis}` | {v1} | {v2} |")
    return "\n".join(lines) + "\n"


def render_exponents() -> str:
    """Where the v1 default differs from ISO 4217."""
    lines = ["| currency | Medusa v1 admin UI (used) | ISO 4217 |", "| --- | --- | --- |"]
    for code, exponent in sorted(ADMIN_UI_EXPONENTS.items()):
        iso = ISO_4217_MINOR_UNITS.get(code)
        lines.append(f"| `{code}` | {exponent} | {'withdrawn' if iso is None else iso} |")
    return "\n".join(lines) + "\n"


def render(text: str) -> str:
    """Return ``text`` with every generated region brought up to date."""
    v1, v2 = STATUS_TABLES
    regions = {
        "medusa-status-enums": render_enums(),
        "medusa-status-rules-v1": render_rules(RULES_V1),
        "medusa-status-rules-v2": render_rules(RULES_V2),
        "medusa-status-table-v1": render_status_table(v1),
        "medusa-status-table-v2": render_status_table(v2),
        "medusa-exponents": render_exponents(),
    }
    for name, content in regions.items():
        text = update_region(text, name, content)
    return text


def main(argv: list[str]) -> int:
    current = DOC.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in argv:
        if fresh != current:
            print(f"{DOC} is out of date: run python scripts/generate_medusa_docs.py")
            return 1
        return 0
    DOC.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
