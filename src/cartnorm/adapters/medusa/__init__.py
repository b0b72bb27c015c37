"""
The Medusa adapter: Medusa orders (v1 and v2) ⇄ Trackstar cart orders, exact and lossless.

>>> from cartnorm.adapters import medusa
>>> order = medusa.to_canonical(payload, observed_at=ts)   # doctest: +SKIP
>>> medusa.from_canonical(order) == payload                # doctest: +SKIP
True

Every mapping decision is documented in ``docs/vendors/medusa.md``.
"""

from __future__ import annotations

from typing import Any, Final

from ...adapter import Adapter, StatusTable
from ._from_canonical import from_canonical
from ._reading import is_medusa_body, looks_like_order, unwrap
from ._statuses import STATUS_TABLE_V1, STATUS_TABLE_V2
from ._to_canonical import OPTIONS, convert, to_canonical

__all__ = ["ADAPTER", "NAME", "STATUS_TABLES", "convert", "detect", "from_canonical", "to_canonical"]

#: The adapter's ``source=`` / ``target=`` name.
NAME: Final = "medusa"

#: The status mappings as data: Medusa v1, then v2.
STATUS_TABLES: Final[tuple[StatusTable, ...]] = (STATUS_TABLE_V1, STATUS_TABLE_V2)


def detect(payload: Any) -> bool:
    """
    True when ``payload`` looks like a Medusa order (bare, or in a response envelope), or is a
    Medusa response that holds none (a payment, a return, a page of orders: `convert` then says so).

    Cheap and never raises.
    """
    try:
        if is_medusa_body(payload):
            return True
        order, _, _, _ = unwrap(payload)
        return looks_like_order(order)
    except Exception:  # noqa: BLE001 - detection must never raise, whatever the payload
        return False


#: The adapter, as `cartnorm.adapters.get_adapter("medusa")` returns it.
ADAPTER: Final = Adapter(
    name=NAME,
    description="Medusa v1 and v2 orders (store, admin and cart-completion responses)",
    detect=detect,
    convert=convert,
    from_canonical=from_canonical,
    status_tables=STATUS_TABLES,
    options=OPTIONS,
    checks_limits=True,
)
