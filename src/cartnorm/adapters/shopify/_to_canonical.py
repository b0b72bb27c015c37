"""
Shopify REST order (and its fulfillment orders) → canonical `CartOrder`.

The payload is copied once (`cartnorm.lossless.note_floats`: floats become exact Decimals, and
whether there were any is remembered), then read object by object through
`cartnorm.lossless.Reading`: for each field the reverse mapping writes, the forward calls the
reverse's own writers (`._from_canonical`) and tells the reading what they write; whatever they
do not give back exactly is carried in ``additional_fields["shopify"]`` (`._layout`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Final, TypeVar

import attrs

from ..._paths import ROOT, child
from ...adapter import Normalized, Option, WarningLog, observation_time, read_options
from ...errors import MISSING, ConfigurationError, PayloadError
from ...geo import country_name
from ...lossless import Reading, note_floats
from ...model import BillToAddress, CartOrder, LineItem, Shipment, ShippingGroup, ShipToAddress
from ._amounts import DEFAULT_MONEY_SIDE, MoneySide, OrderMoney, money_side
from ._context import ZERO, Context, objects
from ._from_canonical import (
    address_fields,
    fulfillment_orders_from_canonical,
    line_fields,
    status_fields,
    tags_text,
)
from ._fulfillments import Groups, ship_by, shipments, shipping_groups
from ._layout import NAMESPACE, format_offset
from ._post_purchase import post_purchase
from ._reading import offset_of, shopify_id, text, unwrap, when, write_when
from ._statuses import ORDER_AXES, order_status

__all__ = ["NAME", "OPTIONS", "convert", "to_canonical"]

#: The adapter's ``source=`` / ``target=`` name.
NAME: Final = "shopify"


def _shop_domain(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value or any(mark in value for mark in ("/", ":", " ", "?", "#")):
        msg = f"shop_domain must be the shop's host name, such as 'jsmith.myshopify.com' (no https://), got {value!r}"
        raise ConfigurationError(msg)
    return value.lower()


def _fulfillment_orders(value: object) -> object:
    return value  # checked while it is read, where errors can name their paths


#: The options `convert` takes (`cartnorm.Adapter.options`).
OPTIONS: Final = (
    Option(
        name="money_side",
        type='"presentment" or "shop"',
        help="which side of Shopify's MoneyBags is read, amounts and currency together: presentment (the "
        "default: what the buyer paid, in their currency) or shop (the merchant's currency)",
        default=DEFAULT_MONEY_SIDE,
        flag="--shopify-money-side",
        metavar="SIDE",
        parse=lambda texts: money_side(texts[-1]),
        check=money_side,
    ),
    Option(
        name="shop_domain",
        type="host name",
        help="the shop's domain (jsmith.myshopify.com): external_system_url links each order to its admin page",
        flag="--shopify-shop-domain",
        metavar="DOMAIN",
        parse=lambda texts: _shop_domain(texts[-1]),
        check=_shop_domain,
    ),
    Option(
        name="fulfillment_orders",
        type="GET …/orders/{id}/fulfillment_orders.json body",
        help="the order's fulfillment orders ({'fulfillment_orders': [...]} or the bare list): they become its "
        "shipping_groups (without them shipping_groups is []); given back by "
        "shopify.fulfillment_orders_from_canonical",
        check=_fulfillment_orders,
        given_back=fulfillment_orders_from_canonical,
    ),
)


def to_canonical(payload: Any, *, observed_at: datetime | None = None, **options: Any) -> CartOrder:
    """Convert a Shopify order payload to a `CartOrder` (warnings dropped; see `convert`)."""
    return convert(payload, observed_at=observed_at, **options).order


def convert(payload: Any, *, observed_at: datetime | None = None, **options: Any) -> Normalized:
    """
    Convert a Shopify REST order — the bare ``Order`` (a webhook body, an item of ``{"orders": [...]}``) or
    ``{"order": …}`` — to a `Normalized` canonical order; with ``fulfillment_orders=`` (the body of
    ``GET …/orders/{id}/fulfillment_orders.json``) its shipping groups too.

    ``observed_at`` (aware; default: now, UTC) becomes the Trackstar created/updated dates. Options:
    ``money_side`` (``"presentment"``, the default, or ``"shop"``), ``shop_domain`` (fills
    ``external_system_url``), ``fulfillment_orders``. Raises `PayloadError` (`MoneyError`,
    `CurrencyError`) with the JSON path of bad data; the payload is never modified.
    """
    chosen = read_options(NAME, OPTIONS, options)
    observed = observation_time(observed_at)
    copied, floats = note_floats(payload)
    root, order = unwrap(copied)
    return _Conversion(order, chosen["money_side"]).run(root, chosen, observed, floats)


#: The texts of a shipping address the reverse writes back as they came (`._from_canonical.address_fields`).
_SHIP_TO_TEXTS: Final = ("company", "address1", "address2", "city", "province", "zip", "phone")
#: The same for a billing address (Trackstar's has no company or phone: Shopify's stay in additional_fields).
_BILL_TO_TEXTS: Final = ("address1", "address2", "city", "province", "zip")


def _with_warehouse(line: LineItem, groups: Groups) -> LineItem:
    warehouse = groups.warehouse_of(int(line.line_item_id))
    return line if warehouse is None else attrs.evolve(line, warehouse_id=warehouse)


class _Conversion:
    """One order being read: its readings, its context, the canonical parts as they are made."""

    def __init__(self, order: Reading, side: MoneySide) -> None:
        self.order = order
        money = OrderMoney.of(order.value, side, order.path)
        self.context = Context(
            money=money,
            bags="presentment_currency" in order.value,
            offset=offset_of(order, "created_at"),
            log=WarningLog(),
        )
        order.writes("currency", money.currency)
        if self.context.bags:
            order.writes("presentment_currency", money.currency)

    def run(self, root: Reading, options: Mapping[str, Any], observed: datetime, floats: bool) -> Normalized:
        order, context = self.order, self.context
        value = order.value
        order_id = shopify_id(order, "id", required=True, what="the order's id")
        assert order_id is not None
        number = self._order_number(order_id)
        created, updated = self._dates()
        decision = order_status(value)
        if not decision.known:
            context.log.add(
                "unknown_status",
                order.path,
                f"{decision.raw_status!r}: not a combination Shopify documents, so the order is other",
            )
        for key, written in status_fields(decision.raw_status, ORDER_AXES, decision.status).items():
            order.writes(key, written)
        for key in ("cancelled_at", "closed_at", "processed_at"):
            when(order, key)  # checked (a bad date is an error), carried as written
        included = value.get("taxes_included")
        if type(included) is bool:
            context.taxes_included = included
        else:
            context.log.add(
                "taxes_included_unknown",
                order.at("taxes_included"),
                "taxes_included is not true or false: prices are read as not including tax",
            )
        tags = self._tags()
        email = text(order, "email")
        ship_to, bill_to = self._ship_to(email), self._bill_to()
        lines, net_total = self._lines()
        given = _FulfillmentOrders.read(options["fulfillment_orders"])
        groups = None
        if given is not None:
            groups = Groups.of([reading.value for reading in given.readings])
            lines = [_with_warehouse(line, groups) for line in lines]
        by_id = {line.line_item_id: line for line in lines}
        made: list[Shipment] = []
        for reading in objects(order, "fulfillments", "the order's fulfillments") or []:
            made += shipments(context, reading, by_id, order_id, groups)
        shipping: list[ShippingGroup] = []
        earliest = latest = None
        if given is not None:
            shipping, earliest, latest = given.guarded(
                lambda: (
                    shipping_groups(context, given.readings, by_id, order_id, (created, updated), made),
                    ship_by(given.readings, "fulfill_at"),
                    ship_by(given.readings, "fulfill_by"),
                )
            )
        totals = self._totals()
        method, code = self._shipping_method()
        extra = self._gap(totals, net_total)
        happened = post_purchase(context, order, totals[0])
        domain = options["shop_domain"]
        canonical = CartOrder(
            id=order_id,
            order_number=number,
            created_date=created,
            updated_date=updated,
            status=decision.status,
            raw_status=decision.raw_status,
            requested_shipping_method=method,
            shipping_method_id=code,
            shipping_method_name=method,
            carrier_id=None,
            carrier_name=next((shipment.carrier_name for shipment in made if shipment.carrier_name), None),
            invoice_currency_code=context.currency,
            total_price=totals[0],
            total_tax=totals[1],
            total_discount=totals[2],
            total_shipping=totals[3],
            ship_to_address=ship_to,
            bill_to_address=bill_to,
            earliest_ship_date=earliest,
            latest_ship_date=latest,
            line_items=tuple(lines),
            shipping_groups=tuple(shipping),
            shipments=tuple(made),
            tags=tags,
            external_system_url=f"https://{domain}/admin/orders/{order_id}" if domain else None,
            trackstar_tags=None,
            additional_fields={NAMESPACE: self._layout(root, floats, happened, extra, given)},
            trackstar_created_date=observed,
            trackstar_updated_date=observed,
        )
        return Normalized(canonical, context.log.freeze())

    # --- the order's own fields ----------------------------------------------------------------------------------

    def _order_number(self, order_id: str) -> str:
        """``name`` (``#1001``: the shop's prefix and suffix kept), else the integer ``order_number``, else the id."""
        order = self.order
        name = text(order, "name")
        if name is not None:
            return name
        number = order.value.get("order_number")
        found = str(number) if type(number) is int else order_id
        order.writes("name", found)
        return found

    def _dates(self) -> tuple[datetime, datetime]:
        order, context = self.order, self.context
        created = when(order, "created_at")
        if created is None:
            raise PayloadError(
                order.at("created_at"),
                order.value.get("created_at", MISSING),
                "the time the order was created: an RFC 3339 date-time with an offset",
            )
        updated = when(order, "updated_at")
        if updated is None:
            updated = created
            context.log.add("updated_at_filled", order.at("updated_at"), "no updated_at: updated_date is created_at")
        order.writes("created_at", write_when(created, context.offset))
        order.writes("updated_at", write_when(updated, context.offset))
        return created, updated

    def _tags(self) -> tuple[str, ...]:
        """REST's comma-separated ``tags``, split, each stripped, empty ones dropped."""
        found = self.order.value.get("tags")
        tags = tuple(tag.strip() for tag in found.split(",") if tag.strip()) if isinstance(found, str) else ()
        self.order.writes("tags", tags_text(tags))
        return tags

    def _totals(self) -> tuple[Decimal | None, Decimal | None, Decimal | None, Decimal | None]:
        """``total_price``, ``total_tax``, ``total_discounts`` as placed; shipping before discounts, net of its tax."""
        order, context = self.order, self.context
        found = []
        for key in ("total_price", "total_tax", "total_discounts"):
            amount = context.amount(order, key)
            context.written(order, key, amount)
            found.append(amount)
        lines = order.value.get("shipping_lines")
        readings = (
            [
                Reading(line, path=child(order.at("shipping_lines"), index))
                for index, line in enumerate(lines)
                if isinstance(line, dict)
            ]
            if isinstance(lines, list)
            else []
        )
        for key in ("subtotal_price", "total_line_items_price"):  # not mapped, yet totals: never below zero
            context.never_negative(order, key)
        for line in readings:
            self._shipping_line_signs(line)
        shipping = context.amount(order, "total_shipping_price")
        if shipping is None and isinstance(lines, list):
            shipping = context.total(readings, "price")
        if shipping is not None and context.taxes_included:
            for line in readings:
                shipping -= self._tax(line)
        context.written(order, "total_shipping_price", shipping, bare=False)
        return found[0], found[1], found[2], shipping

    def _shipping_line_signs(self, line: Reading) -> None:
        """A shipping line's ``price``, ``discounted_price`` and tax lines below zero are errors, read or not."""
        context = self.context
        for key in ("price", "discounted_price"):
            context.never_negative(line, key)
        taxes = line.value.get("tax_lines")
        if isinstance(taxes, list):
            for index, tax in enumerate(taxes):
                if isinstance(tax, dict):
                    context.never_negative(Reading(tax, path=child(line.at("tax_lines"), index)), "price")

    def _tax(self, reading: Reading) -> Decimal:
        """Σ ``tax_lines[].price`` of a line or a shipping line (a peek: the tax lines are carried)."""
        taxes = reading.value.get("tax_lines")
        if taxes is None:
            return ZERO
        if not isinstance(taxes, list) or not all(isinstance(tax, dict) for tax in taxes):
            raise PayloadError(reading.at("tax_lines"), taxes, "the tax lines: a list of objects")
        return self.context.total(
            [Reading(tax, path=child(reading.at("tax_lines"), index)) for index, tax in enumerate(taxes)], "price"
        )

    def _shipping_method(self) -> tuple[str | None, str | None]:
        """The first shipping line's ``title`` (the method the buyer chose) and ``code``."""
        lines = objects(self.order, "shipping_lines", "the order's shipping lines", keep=True)
        if not lines:
            return None, None
        return text(lines[0], "title"), text(lines[0], "code")

    # --- line items ------------------------------------------------------------------------------------------------

    def _lines(self) -> tuple[list[LineItem], Decimal]:
        """The line items, and Σ their amounts as the canonical unit prices make them (net of tax if included)."""
        found, total = [], ZERO
        for index, reading in enumerate(objects(self.order, "line_items", "the order's line items") or []):
            line, amount = self._line(reading, index)
            found.append(line)
            total += amount
        return found, total

    def _line(self, reading: Reading, index: int) -> tuple[LineItem, Decimal]:
        context, value = self.context, reading.value
        line_id = shopify_id(reading, "id", required=True, what="the line item's id")
        assert line_id is not None
        quantity = value.get("quantity", MISSING)
        if type(quantity) is not int or quantity < 1:
            raise PayloadError(reading.at("quantity"), quantity, "the quantity ordered: a whole number of at least 1")
        variant, product = value.get("variant_id"), value.get("product_id")
        variant_id = str(variant) if type(variant) is int else None
        product_id = str(product) if type(product) is int else None
        if variant_id is None:
            context.log.add(
                "custom_line_item",
                reading.path,
                "a line without a variant (a custom item): product_id is its product, else its own id",
            )
        sku = value.get("sku")
        tax = self._tax(reading)
        price = context.amount(reading, "price")
        net = unit_price = None
        if price is not None and context.taxes_included:  # the price holds the tax: unit_price is net of it
            net = price * quantity - tax
            unit_price = context.per_unit(net, quantity, reading, index, "unit_price")
        elif price is not None:
            net, unit_price = price * quantity, price
        allocations = value.get("discount_allocations")
        discount: Decimal | None
        if isinstance(allocations, list) and all(isinstance(item, dict) for item in allocations):
            discount = context.total(
                [
                    Reading(item, path=child(reading.at("discount_allocations"), position))
                    for position, item in enumerate(allocations)
                ],
                "amount",
            )
            context.never_negative(reading, "total_discount")  # not read beside the allocations, never negative
        elif allocations is not None:
            raise PayloadError(reading.at("discount_allocations"), allocations, "the discount allocations: a list")
        else:
            discount = context.amount(reading, "total_discount")  # before 2019: the line's own total
        line = LineItem(
            line_item_id=line_id,
            product_id=variant_id or product_id or line_id,
            product_sku=sku if isinstance(sku, str) else None,
            parent_product_id=product_id,
            parent_product_sku=None,
            quantity=quantity,
            unit_price=unit_price,
            discount=None if discount is None else context.per_unit(discount, quantity, reading, index, "discount"),
            tax=None if "tax_lines" not in value else context.per_unit(tax, quantity, reading, index, "tax"),
            warehouse_id=None,
        )
        for key, written in line_fields(line, context.currency, context.side, context.bags, context.bare).items():
            if key not in ("id", "price", "price_set"):
                reading.writes(key, written)
        context.written(reading, "price", unit_price)
        return line, ZERO if net is None else net

    # --- addresses -------------------------------------------------------------------------------------------------

    def _address(self, key: str, texts: tuple[str, ...]) -> tuple[Reading | None, dict[str, str | None]]:
        """The address at ``key``: its ``texts`` (taken as they came), its name and its country."""
        reading = self.order.part(key, keep=True)
        if reading is None:
            return None, {}
        address = reading.value
        found: dict[str, str | None] = {name: text(reading, name) for name in texts}
        name = text(reading, "name")
        if name is None:
            parts = [address.get(part) for part in ("first_name", "last_name")]
            name = " ".join(part for part in parts if isinstance(part, str) and part) or None
        found["name"] = name
        code = address.get("country_code")
        country = None
        if isinstance(code, str) and code:
            country = country_name(code)
            if country is None:
                self.context.log.add(
                    "unknown_country_code",
                    reading.at("country_code"),
                    f"{code!r} is not an ISO 3166-1 alpha-2 code babel knows: country left null, code kept",
                )
        found["country"] = country
        return reading, found

    def _ship_to(self, email: str | None) -> ShipToAddress:
        reading, found = self._address("shipping_address", _SHIP_TO_TEXTS)
        address = ShipToAddress(
            full_name=found.get("name"),
            company=found.get("company"),
            address1=found.get("address1"),
            address2=found.get("address2"),
            address3=None,
            city=found.get("city"),
            state=found.get("province"),
            postal_code=found.get("zip"),
            country=found.get("country"),
            phone_number=found.get("phone"),
            email_address=email,
        )
        if reading is not None:
            self._declare(reading, address_fields(address))
        return address

    def _bill_to(self) -> BillToAddress:
        reading, found = self._address("billing_address", _BILL_TO_TEXTS)
        address = BillToAddress(
            full_name=found.get("name"),
            address1=found.get("address1"),
            address2=found.get("address2"),
            address3=None,
            city=found.get("city"),
            state=found.get("province"),
            postal_code=found.get("zip"),
            country=found.get("country"),
        )
        if reading is not None:
            self._declare(reading, address_fields(address))
        return address

    @staticmethod
    def _declare(reading: Reading, written: Mapping[str, Any]) -> None:
        """What the reverse writes in an address, beyond the texts taken as they came."""
        for key in ("name", "country", "country_code"):
            if key in written:
                reading.writes(key, written[key])
        # a name joined from first_name and last_name is written as "name": listed as omitted, dropped again

    # --- the rest --------------------------------------------------------------------------------------------------

    def _gap(self, totals: tuple[Decimal | None, ...], net_lines: Decimal) -> dict[str, Any]:
        """
        ``totals_gap``: ``total_price − (Σ unit_price × quantity − total_discount + total_tax + total_shipping)``,
        per-unit remainders added back, when it is not zero (tips, duties, additional fees).
        """
        if any(total is None for total in totals):
            return {}
        price, tax, discount, shipping = (total or ZERO for total in totals)
        gap = price - (net_lines - discount + tax + shipping)
        if not gap:
            return {}
        value = self.order.value
        causes = [
            name
            for name, key in (
                ("a tip", "total_tip_received"),
                ("duties", "original_total_duties_set"),
                ("additional fees", "original_total_additional_fees_set"),
            )
            if value.get(key) not in (None, "0.00", "0", "0.0")
        ]
        why = f" (the order has {', '.join(causes)})" if causes else ""
        self.context.log.add(
            "totals_gap",
            self.order.at("total_price"),
            f"total_price is {abs(gap)} {'more' if gap > 0 else 'less'} than the lines, discounts, tax and "
            f"shipping add up to{why}: "
            "kept in additional_fields.shopify.totals_gap",
        )
        return {"totals_gap": gap}

    def _layout(
        self,
        root: Reading,
        floats: bool,
        happened: dict[str, Any],
        extra: dict[str, Any],
        given: _FulfillmentOrders | None,
    ) -> dict[str, Any]:
        """``additional_fields["shopify"]`` (`._layout`): called once every key has been declared."""
        context, order = self.context, self.order
        if root is order:
            layout: dict[str, Any] = {"order": order.remainder()}
        else:
            envelope = root.remainder()  # the order's remainder under "order": a remainder is made once
            layout = {"order": envelope.pop("order", {}), "envelope": envelope}
        layout["offset"] = format_offset(context.offset)
        if context.side is not DEFAULT_MONEY_SIDE:
            layout["money_side"] = context.side.value
        if not context.bags:
            layout["bags"] = False
        if floats:
            layout["floats"] = True
        if happened:
            layout["post_purchase"] = happened
        if context.remainders:
            layout["per_unit_remainders"] = context.remainders
        layout.update(extra)
        if given is not None:
            layout["fulfillment_orders"] = given.layout()
        return layout


@attrs.define
class _FulfillmentOrders:
    """The ``fulfillment_orders=`` body: one reading per fulfillment order, its wrapper, whether it held floats."""

    readings: list[Reading]
    wrapper: str | None
    envelope: dict[str, Any]
    floats: bool

    @classmethod
    def read(cls, body: object) -> _FulfillmentOrders | None:
        """
        The body of ``GET …/orders/{id}/fulfillment_orders.json`` (``{"fulfillment_orders": [...]}``), its bare
        list, or one fulfillment order's ``{"fulfillment_order": {…}}``; None for None.
        """
        if body is None:
            return None
        copied, floats = note_floats(body)
        if isinstance(copied, list):
            wrapper, items, where = None, copied, ROOT
        elif isinstance(copied, dict) and isinstance(copied.get("fulfillment_orders"), list):
            wrapper = "fulfillment_orders"
            items, where = copied.pop(wrapper), child(ROOT, wrapper)
        elif isinstance(copied, dict) and isinstance(copied.get("fulfillment_order"), dict):
            wrapper = "fulfillment_order"
            items, where = [copied.pop(wrapper)], child(ROOT, wrapper)
        else:
            raise PayloadError(
                ROOT,
                body,
                "fulfillment orders: the body of GET …/orders/{id}/fulfillment_orders.json "
                '({"fulfillment_orders": [...]}) or its list',
                hint=_IN_FULFILLMENT_ORDERS,
            )
        readings = []
        for index, item in enumerate(items):
            at = where if wrapper == "fulfillment_order" else child(where, index)
            if not isinstance(item, dict):
                raise PayloadError(at, item, "a fulfillment order object", hint=_IN_FULFILLMENT_ORDERS)
            readings.append(Reading(item, owned=True, path=at))
        return cls(readings, wrapper, copied if isinstance(copied, dict) else {}, floats)

    @staticmethod
    def guarded(read: Callable[[], _T]) -> _T:
        """Run ``read`` over the fulfillment orders: its errors say the place is in ``fulfillment_orders=``."""
        try:
            return read()
        except PayloadError as error:
            raise type(error)(
                error.path, error.value, error.expected, hint=f"{_IN_FULFILLMENT_ORDERS} {error.hint}"
            ) from error

    def layout(self) -> dict[str, Any]:
        """``additional_fields.shopify.fulfillment_orders`` (`._layout`)."""
        given: dict[str, Any] = {"wrapper": self.wrapper, "items": [reading.remainder() for reading in self.readings]}
        if self.envelope:
            given["envelope"] = self.envelope
        if self.floats:
            given["floats"] = True
        return given


_T = TypeVar("_T")
_IN_FULFILLMENT_ORDERS: Final = "The place is in the fulfillment orders passed as fulfillment_orders=."
