"""
Extract the JSON Schema (2020-12) of a Trackstar cart order from Trackstar's OpenAPI document.

    python scripts/extract_trackstar_schema.py  # rewrites src/cartnorm/schemas/trackstar-cart-order.schema.json

OpenAPI 3.1 schemas are JSON Schema 2020-12 already: the components move to ``$defs``,
references are rewritten to point there, and the root refers to CartOrderApiItemSchema.
Nothing else changes. tests/test_schema.py proves the packaged file equals this output.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
OPENAPI = ROOT / "tests" / "data" / "trackstar-get-cart-order.openapi.yaml"
SCHEMA = ROOT / "src" / "cartnorm" / "schemas" / "trackstar-cart-order.schema.json"
SCHEMA_ID = "urn:cartnorm:schema:trackstar-cart-order"
NEEDED = (
    "CartOrderApiItemSchema",
    "ShipToAddress",
    "BillToAddress",
    "CartOrderLineItem",
    "CartOrderShippingGroup",
    "CartOrderShipment",
    "CartOrderShipmentGroupLineItem",
    "CartOrderShipmentLineItem",
    "ShipFromAddress",
)


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: value.replace("#/components/schemas/", "#/$defs/") if key == "$ref" else _rewrite_refs(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(item) for item in node]
    return node


def extract(openapi_text: str) -> dict[str, Any]:
    """Return the JSON Schema document for one cart order."""
    components = yaml.safe_load(openapi_text)["components"]["schemas"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Trackstar cart order (GET /cart/orders/{order_id}, data item)",
        "$ref": "#/$defs/CartOrderApiItemSchema",
        "$defs": {name: _rewrite_refs(components[name]) for name in NEEDED},
    }


def render(schema: dict[str, Any]) -> str:
    """The file's exact text."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    SCHEMA.write_text(render(extract(OPENAPI.read_text(encoding="utf-8"))), encoding="utf-8")
    sys.stdout.write(f"wrote {SCHEMA.relative_to(ROOT)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
