"""Regenerate the status table in docs/vendors/gearment.md (``--check`` only reports drift)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cartnorm.adapters.gearment import STATUS_TABLES
from cartnorm.docgen import render_status_table, update_region

DOC = Path(__file__).resolve().parent.parent / "docs" / "vendors" / "gearment.md"
REGION = "gearment-status"


def generated(text: str) -> str:
    """Return the page ``text`` with its generated status table brought up to date."""
    table = "\n".join(render_status_table(table) for table in STATUS_TABLES)
    return update_region(text, REGION, table)


def main() -> int:
    """Rewrite the page, or with ``--check`` exit 1 when it is out of date."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if the page is out of date")
    args = parser.parse_args()
    text = DOC.read_text(encoding="utf-8")
    fresh = generated(text)
    if args.check:
        if fresh != text:
            print(f"{DOC} is out of date: run python scripts/generate_gearment_docs.py")
            return 1
        return 0
    if fresh != text:
        DOC.write_text(fresh, encoding="utf-8")
        print(f"updated {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
