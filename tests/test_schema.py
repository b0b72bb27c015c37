"""The packaged JSON Schema is Trackstar's own, and validate_trackstar reports violations by path."""

from __future__ import annotations

import importlib.util

import cartnorm
from cartnorm.schema import trackstar_schema
from conftest import REPO


def _extractor():
    spec = importlib.util.spec_from_file_location("extract", REPO / "scripts" / "extract_trackstar_schema.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_packaged_schema_matches_the_seed():
    """The shipped file is exactly what the extractor makes of Trackstar's OpenAPI document."""
    extractor = _extractor()
    expected = extractor.render(extractor.extract(extractor.OPENAPI.read_text(encoding="utf-8")))
    packaged = (REPO / "src" / "cartnorm" / "schemas" / "trackstar-cart-order.schema.json").read_text(encoding="utf-8")
    assert packaged == expected


def test_model_fields_match_the_schema():
    """Every schema property is a model field, in schema order, and required lists agree."""
    definitions = trackstar_schema()["$defs"]
    pairs = {
        "CartOrderApiItemSchema": cartnorm.CartOrder,
        "ShipToAddress": cartnorm.ShipToAddress,
        "BillToAddress": cartnorm.BillToAddress,
        "CartOrderLineItem": cartnorm.LineItem,
        "CartOrderShippingGroup": cartnorm.ShippingGroup,
        "CartOrderShipment": cartnorm.Shipment,
        "CartOrderShipmentGroupLineItem": cartnorm.ShippingGroupLineItem,
        "CartOrderShipmentLineItem": cartnorm.ShipmentLineItem,
        "ShipFromAddress": cartnorm.ShipFromAddress,
    }
    for name, model in pairs.items():
        fields = [field.name for field in model.__attrs_attrs__]
        assert fields == list(definitions[name]["properties"]), name
        assert sorted(fields) == sorted(definitions[name]["required"]), name
        assert definitions[name]["additionalProperties"] is False


def test_violations_have_paths(sample_order):
    """Problems come back sorted by JSON path, readable as 'path: message'."""
    bad = {**sample_order, "status": "shipped", "line_items": [{**sample_order["line_items"][0], "quantity": "2"}]}
    del bad["tags"]
    violations = cartnorm.validate_trackstar(bad)
    assert [str(v).split(":")[0] for v in violations] == ["$", "$.line_items[0].quantity", "$.status"]
    assert cartnorm.validate_trackstar(sample_order) == []


def test_date_time_format_is_checked(sample_order):
    """rfc3339-validator is installed with the extra, so formats are asserted, not ignored."""
    assert cartnorm.validate_trackstar({**sample_order, "created_date": "yesterday"})[0].keyword == "format"
