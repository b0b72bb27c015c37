"""
Shopify orders and fulfillment orders ⇄ Trackstar cart orders (in progress).

This package holds the Shopify knowledge the adapter is built from, and nothing is registered yet:
the status tables as data (`STATUS_TABLES`; the fulfillment and fulfillment-order tables are in
``_statuses``), the money readers (``_money``: ``*_set`` bags, bare decimal strings, the few JSON
numbers), and the generated parts of ``docs/vendors/shopify.md`` (``_docs``). The conversion itself
(``to_canonical``, ``from_canonical``) is written on the shared lossless engine; ``docs/vendors/shopify.md``
says which mapping decisions are made and which wait for it.
"""

from __future__ import annotations

from typing import Final

from ._statuses import STATUS_TABLES

__all__ = ["NAME", "STATUS_TABLES"]

#: The adapter's ``source=`` / ``target=`` name, once it is registered.
NAME: Final = "shopify"
