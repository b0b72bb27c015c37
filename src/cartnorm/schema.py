"""
Trackstar's own JSON Schema for a cart order, shipped as package data, and a validator.

The schema is extracted verbatim from Trackstar's OpenAPI document
(``scripts/extract_trackstar_schema.py``); validation uses jsonschema, plus rfc3339-validator so
that date-times are checked (both are dependencies of cartnorm).
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

import attrs

from ._paths import ROOT, child
from .errors import MissingDependencyError

__all__ = ["SchemaViolation", "trackstar_schema", "validate_trackstar"]


@attrs.frozen
class SchemaViolation:
    """One way a document breaks Trackstar's schema: where, and what is wrong."""

    path: str
    message: str
    keyword: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@functools.cache
def _schema_text() -> str:
    return (resources.files("cartnorm") / "schemas" / "trackstar-cart-order.schema.json").read_text(encoding="utf-8")


def trackstar_schema() -> dict[str, Any]:
    """Return (a fresh copy of) the JSON Schema 2020-12 document of a Trackstar cart order."""
    return json.loads(_schema_text())  # type: ignore[no-any-return]


@functools.cache
def _validator() -> Any:
    try:
        import jsonschema  # noqa: PLC0415 - imported on first use (it takes a while)
    except ImportError:  # pragma: no cover - only when installed without its dependencies
        msg = "validate_trackstar() needs jsonschema, a dependency of cartnorm: reinstall it (pip install cartnorm)"
        raise MissingDependencyError(msg) from None
    schema = trackstar_schema()
    validator_class = jsonschema.Draft202012Validator
    if "date-time" not in validator_class.FORMAT_CHECKER.checkers:  # pragma: no cover
        msg = "validate_trackstar() checks date-times with rfc3339-validator, a dependency of cartnorm: reinstall it"
        raise MissingDependencyError(msg)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)


def validate_trackstar(document: object) -> list[SchemaViolation]:
    """
    Check ``document`` against Trackstar's cart order schema.

    Returns ``[]`` when it conforms, else one `SchemaViolation` per problem, sorted by
    path. Date-time formats are checked too. Money may be ``int``, ``float`` or `Decimal`.

    >>> validate_trackstar({"id": 1})[0].path
    '$'
    """
    violations = []
    for error in _validator().iter_errors(document):
        path = ROOT
        for part in error.absolute_path:
            path = child(path, part)
        violations.append(SchemaViolation(path, error.message, str(error.validator)))
    return sorted(violations, key=lambda violation: (violation.path, violation.message))
