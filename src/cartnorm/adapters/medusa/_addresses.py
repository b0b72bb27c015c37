"""Medusa addresses → Trackstar ship-to and bill-to addresses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...geo import country_name
from ...model import BillToAddress, ShipToAddress
from ._context import Context
from ._reading import optional_str

__all__ = ["bill_to", "ship_to"]


def _full_name(address: Mapping[str, Any]) -> str | None:
    parts = [part for part in (address.get("first_name"), address.get("last_name")) if isinstance(part, str)]
    if not parts:
        return None
    return " ".join(part for part in parts if part)


def _country(context: Context, address: Mapping[str, Any], key: str) -> str | None:
    code = address.get("country_code")
    if not isinstance(code, str):
        return None
    if code == "":
        return ""
    name = country_name(code)
    if name is None:
        context.log.add(
            "unknown_country_code",
            context.at(key, "country_code"),
            f"{code!r} is not an ISO 3166-1 alpha-2 code babel knows: country left null, code kept",
        )
    return name


def ship_to(context: Context, email: str | None) -> ShipToAddress:
    """The ship-to address from ``shipping_address``, with the order's e-mail."""
    address = context.order.get("shipping_address")
    if not isinstance(address, Mapping):
        return ShipToAddress(email_address=email, full_name=None, company=None, address1=None, address2=None,
                             address3=None, city=None, state=None, postal_code=None, country=None,
                             phone_number=None)  # fmt: skip
    return ShipToAddress(
        full_name=_full_name(address),
        company=optional_str(address, "company"),
        address1=optional_str(address, "address_1"),
        address2=optional_str(address, "address_2"),
        address3=None,
        city=optional_str(address, "city"),
        state=optional_str(address, "province"),
        postal_code=optional_str(address, "postal_code"),
        country=_country(context, address, "shipping_address"),
        phone_number=optional_str(address, "phone"),
        email_address=email,
    )


def bill_to(context: Context) -> BillToAddress:
    """The bill-to address from ``billing_address`` (all null when there is none)."""
    address = context.order.get("billing_address")
    if not isinstance(address, Mapping):
        return BillToAddress(full_name=None, address1=None, address2=None, address3=None, city=None, state=None,
                             postal_code=None, country=None)  # fmt: skip
    return BillToAddress(
        full_name=_full_name(address),
        address1=optional_str(address, "address_1"),
        address2=optional_str(address, "address_2"),
        address3=None,
        city=optional_str(address, "city"),
        state=optional_str(address, "province"),
        postal_code=optional_str(address, "postal_code"),
        country=_country(context, address, "billing_address"),
    )
