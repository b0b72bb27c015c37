"""The generated region of ``docs/vendors/gearment.md``, rendered from the adapter's data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from ...docgen import render_status_table
from ._statuses import STATUS_TABLES

__all__ = ["DOC_REGIONS"]


def render_status() -> str:
    """Every status table of the adapter, one after the other."""
    return "\n".join(render_status_table(table) for table in STATUS_TABLES)


#: Region name → renderer, for ``cartnorm docs`` (see `cartnorm.docgen.doc_regions`).
DOC_REGIONS: Final[dict[str, Callable[[], str]]] = {"gearment-status": render_status}
