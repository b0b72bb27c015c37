"""Strategies for canonical Trackstar cart orders and their parts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from cartnorm import (
    BillToAddress,
    CartOrder,
    LineItem,
    OrderStatus,
    ShipFromAddress,
    Shipment,
    ShipmentLineItem,
    ShipmentStatus,
    ShippingGroup,
    ShippingGroupLineItem,
    ShipToAddress,
)
from cartnorm.money import ISO_4217_MINOR_UNITS

CURRENCIES = sorted(ISO_4217_MINOR_UNITS)

ids = st.text(min_size=1, max_size=24)
texts = st.text(max_size=30)
optional_texts = st.none() | texts
quantities = st.integers(min_value=0, max_value=10_000)


def aware_datetimes(*, min_year: int = 1970, max_year: int = 2100) -> st.SearchStrategy[datetime]:
    """Timezone-aware datetimes with offsets from -14:00 to +14:00, microseconds included."""
    offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
    return st.datetimes(
        min_value=datetime(min_year, 1, 2),  # noqa: DTZ001 - bounds for naive generation
        max_value=datetime(max_year, 12, 30),  # noqa: DTZ001
        timezones=offsets,
    )


def money(
    *, exponent: int | None = None, min_value: int = -(10**12), max_value: int = 10**12
) -> st.SearchStrategy[Decimal]:
    """Exact decimal amounts with 0 to 4 decimal places (or exactly ``exponent``)."""
    exponents = st.just(exponent) if exponent is not None else st.integers(min_value=0, max_value=4)
    return st.builds(
        lambda minor, exp: Decimal(minor).scaleb(-exp),
        st.integers(min_value=min_value, max_value=max_value),
        exponents,
    )


optional_money = st.none() | money()

json_scalars = (
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30) | money() | st.text(max_size=20)
)
json_values: st.SearchStrategy[Any] = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
json_objects = st.dictionaries(st.text(max_size=12), json_values, max_size=5)

ship_to_addresses = st.builds(
    ShipToAddress,
    full_name=optional_texts, company=optional_texts, address1=optional_texts, address2=optional_texts,
    address3=optional_texts, city=optional_texts, state=optional_texts, postal_code=optional_texts,
    country=optional_texts, phone_number=optional_texts, email_address=optional_texts,
)  # fmt: skip
bill_to_addresses = st.builds(
    BillToAddress,
    full_name=optional_texts, address1=optional_texts, address2=optional_texts, address3=optional_texts,
    city=optional_texts, state=optional_texts, postal_code=optional_texts, country=optional_texts,
)  # fmt: skip
ship_from_addresses = st.builds(
    ShipFromAddress,
    address1=optional_texts, address2=optional_texts, address3=optional_texts, city=optional_texts,
    state=optional_texts, postal_code=optional_texts, country=optional_texts,
)  # fmt: skip
#: Amounts of zero or more: what a Trackstar document holds (the `trackstar` source refuses a negative one).
optional_unsigned_money = st.none() | money(min_value=0)


def _line_items(amounts: st.SearchStrategy[Decimal | None]) -> st.SearchStrategy[LineItem]:
    return st.builds(
        LineItem,
        line_item_id=ids, product_id=ids, product_sku=optional_texts, parent_product_id=optional_texts,
        parent_product_sku=optional_texts, quantity=quantities, unit_price=amounts, discount=amounts,
        tax=amounts, warehouse_id=optional_texts,
    )  # fmt: skip


line_items = _line_items(optional_money)
shipping_group_line_items = st.builds(
    ShippingGroupLineItem,
    line_item_id=ids, product_id=ids, product_sku=optional_texts, parent_product_id=optional_texts, quantity=quantities,
)  # fmt: skip
shipping_groups = st.builds(
    ShippingGroup,
    shipping_group_id=ids, created_date=aware_datetimes(), updated_date=aware_datetimes(), raw_status=optional_texts,
    status=st.sampled_from(ShipmentStatus), warehouse_id=ids,
    line_items=st.lists(shipping_group_line_items, max_size=3).map(tuple),
)  # fmt: skip
shipment_line_items = st.builds(
    ShipmentLineItem,
    shipment_line_item_id=ids, product_id=ids, product_sku=optional_texts, parent_product_id=optional_texts,
    parent_product_sku=optional_texts, quantity=quantities,
)  # fmt: skip
shipments = st.builds(
    Shipment,
    shipment_id=ids, raw_status=optional_texts, status=st.sampled_from(ShipmentStatus), warehouse_id=optional_texts,
    shipping_method_id=optional_texts, shipping_method_name=optional_texts, carrier_id=optional_texts,
    carrier_name=optional_texts, tracking_number=optional_texts, tracking_url=optional_texts,
    line_items=st.lists(shipment_line_items, max_size=3).map(tuple),
    shipping_groups=st.lists(ids, max_size=2).map(tuple), ship_from_address=ship_from_addresses,
    created_date=st.none() | aware_datetimes(), updated_date=st.none() | aware_datetimes(),
)  # fmt: skip


def cart_orders(
    *,
    max_line_items: int = 4,
    currencies: st.SearchStrategy[str] | None = None,
    signed: bool = True,
) -> st.SearchStrategy[CartOrder]:
    """
    Any valid canonical order: every field generated, nulls and empty lists included. The model holds
    amounts of any sign; ``signed=False`` keeps them at zero or more, as a Trackstar document has them.
    """
    currencies = currencies if currencies is not None else st.sampled_from(CURRENCIES)
    amounts = optional_money if signed else optional_unsigned_money
    return st.builds(
        CartOrder,
        id=ids, order_number=ids, created_date=aware_datetimes(), updated_date=aware_datetimes(),
        status=st.sampled_from(OrderStatus), raw_status=optional_texts, requested_shipping_method=optional_texts,
        shipping_method_id=optional_texts, shipping_method_name=optional_texts, carrier_id=optional_texts,
        carrier_name=optional_texts, invoice_currency_code=currencies, total_price=amounts,
        total_tax=amounts, total_discount=amounts, total_shipping=amounts,
        ship_to_address=ship_to_addresses, bill_to_address=bill_to_addresses,
        earliest_ship_date=st.none() | aware_datetimes(), latest_ship_date=st.none() | aware_datetimes(),
        line_items=st.lists(line_items if signed else _line_items(amounts), max_size=max_line_items).map(tuple),
        shipping_groups=st.lists(shipping_groups, max_size=2).map(tuple),
        shipments=st.lists(shipments, max_size=2).map(tuple), tags=st.lists(texts, max_size=3).map(tuple),
        external_system_url=optional_texts,
        trackstar_tags=st.none() | st.lists(texts | st.dictionaries(st.text(max_size=8), texts, min_size=1, max_size=1),
                                            max_size=3).map(tuple),
        additional_fields=json_objects, trackstar_created_date=aware_datetimes(),
        trackstar_updated_date=aware_datetimes(),
    )  # fmt: skip
