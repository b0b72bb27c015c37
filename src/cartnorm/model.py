"""
The canonical Trackstar cart order (``GET /cart/orders/{order_id}``), as frozen attrs classes.

Field names, order, types and nullability follow ``CartOrderApiItemSchema`` and its nested
schemas exactly; the packaged JSON Schema (`cartnorm.schema`) is the contract. Money is
`Decimal`, date-times are timezone-aware `datetime`, lists are tuples. The model knows no
vendor: vendor-only data travels in ``additional_fields``.

Every object checks its fields when built (a `TypeError` or `ValueError` naming the field);
the checks are generated once per class (`_install_checks`), so ``attrs.validate`` and
``attrs.validators.disabled()`` do not apply to them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Final, TypeAlias, TypeVar

import attrs

__all__ = [
    "BillToAddress",
    "CartOrder",
    "JSONValue",
    "LineItem",
    "OrderStatus",
    "ShipFromAddress",
    "ShipToAddress",
    "Shipment",
    "ShipmentLineItem",
    "ShipmentStatus",
    "ShippingGroup",
    "ShippingGroupLineItem",
]

#: A JSON value as cartnorm holds it: numbers are ``int`` or exact ``Decimal``.
JSONValue: TypeAlias = Any


class OrderStatus(str, enum.Enum):
    """The Trackstar order status (see `cartnorm.lifecycle` for ranks and meanings)."""

    OPEN = "open"
    CONFIRMED = "confirmed"
    PROCESSING = "processing"
    PARTIALLY_FULFILLED = "partially_fulfilled"
    FULFILLED = "fulfilled"
    EXCEPTION = "exception"
    CANCELLED = "cancelled"
    BACKORDERED = "backordered"
    OTHER = "other"

    def __str__(self) -> str:
        return self.value


class ShipmentStatus(str, enum.Enum):
    """The status of a Trackstar shipment or shipping group."""

    OPEN = "open"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    EXCEPTION = "exception"
    ON_HOLD = "on_hold"
    OTHER = "other"

    def __str__(self) -> str:
        return self.value


def _aware(_instance: object, attribute: attrs.Attribute[Any], value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        msg = f"{attribute.name} must be a timezone-aware datetime, got naive {value!r}"
        raise ValueError(msg)


def _exact(_instance: object, attribute: attrs.Attribute[Any], value: Decimal | None) -> None:
    if value is not None and (type(value) is not Decimal or not value.is_finite()):
        msg = f"{attribute.name} must be a finite decimal.Decimal or None, got {value!r}"
        raise TypeError(msg)


# The validators are plain functions, one per field: every order built runs a hundred or more of
# them, and attrs' composable ones (optional(instance_of(...)), deep_iterable) cost several calls each.


def _wrong_type(attribute: attrs.Attribute[Any], value: object, expected: str) -> TypeError:
    return TypeError(f"{attribute.name} must be {expected}, got {value!r} ({type(value).__name__})")


def _is_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise _wrong_type(attribute, value, "a str")


def _is_optional_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise _wrong_type(attribute, value, "a str or None")


def _is_aware_datetime(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, datetime):
        raise _wrong_type(attribute, value, "a datetime")
    _aware(instance, attribute, value)


def _is_optional_aware_datetime(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _is_aware_datetime(instance, attribute, value)


def _is_a(kind: type) -> Any:
    """A validator: the value is a ``kind`` (subclasses included)."""

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, kind):
            raise _wrong_type(attribute, value, f"a {kind.__name__}")

    return check


#: Where a field keeps its check: (the validator, a Python condition on the value ``v`` that
#: holds for the usual valid value, the class ``kind`` that condition may name). See `_install_checks`.
_CHECK: Final = "cartnorm.check"


def _checked(check: Any, usual: str, kind: type | None = None, **field_options: Any) -> Any:
    """An attrs field checked by ``check``, which runs only when ``usual`` does not hold."""
    return attrs.field(metadata={_CHECK: (check, usual, kind)}, **field_options)


def _instance_of(kind: type) -> Any:
    return _checked(_is_a(kind), "type(v) is kind", kind)


class _Checked:
    """
    Base of the model classes: attrs calls ``__attrs_post_init__`` after setting the fields,
    and `_install_checks` puts each class's own generated check there.
    """

    __slots__ = ()

    def __attrs_post_init__(self) -> None:  # replaced per class by _install_checks
        raise NotImplementedError


def _install_checks(cls: type) -> None:
    """
    Check every field of ``cls`` in one generated function instead of one validator call per
    field (an order has well over a hundred fields): the usual valid value is recognised inline,
    and anything else goes to the field's validator, which raises the error that names it (or,
    for a subclass or another time zone, lets it pass). The generated source reads, for example::

        def check_Shipment(self):
            v = self.shipment_id
            if not (type(v) is str): c0(self, a0, v)
            ...
            kind = k2
            v = self.status
            if not (type(v) is kind): c2(self, a2, v)

    attrs' own ``attrs.validate`` and ``attrs.validators.disabled`` do not apply to these checks.
    """
    namespace: dict[str, Any] = {"Decimal": Decimal, "datetime": datetime, "utc": timezone.utc}
    lines = [f"def check_{cls.__name__}(self):"]
    for index, field in enumerate(attrs.fields(cls)):
        if _CHECK not in field.metadata:
            continue  # free JSON (trackstar_tags): its converter is its check
        check, usual, kind = field.metadata[_CHECK]
        namespace[f"c{index}"], namespace[f"a{index}"], namespace[f"k{index}"] = check, field, kind
        if kind is not None:
            lines.append(f"    kind = k{index}")
        lines += [f"    v = self.{field.name}", f"    if not ({usual}): c{index}(self, a{index}, v)"]
    exec(compile("\n".join(lines) + "\n", f"<cartnorm checks {cls.__name__}>", "exec"), namespace)  # noqa: S102 - our own template
    cls.__attrs_post_init__ = namespace[f"check_{cls.__name__}"]  # type: ignore[attr-defined]


def _text() -> Any:
    return _checked(_is_text, "type(v) is str")


def _opt_text() -> Any:
    return _checked(_is_optional_text, "v is None or type(v) is str")


def _money() -> Any:
    return _checked(_exact, "v is None or (type(v) is Decimal and v.is_finite())")


def _when() -> Any:
    return _checked(_is_aware_datetime, "type(v) is datetime and v.tzinfo is utc")


def _opt_when() -> Any:
    return _checked(_is_optional_aware_datetime, "v is None or (type(v) is datetime and v.tzinfo is utc)")


def _is_count(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not int:
        msg = f"{attribute.name} must be an int (not a bool or float), got {value!r}"
        raise TypeError(msg)


def _quantity() -> Any:
    return _checked(_is_count, "type(v) is int")


def _to_tuple(value: Any) -> tuple[Any, ...]:
    if type(value) is tuple:  # the usual case, decided before the (slow) Mapping ABC check
        return value
    if isinstance(value, (str, bytes, Mapping)):
        msg = f"expected a list or tuple, got {type(value).__name__}"
        raise TypeError(msg)
    return tuple(value)


def _tuple_of(kind: type) -> Any:
    def check(_instance: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
        for item in value:
            if not isinstance(item, kind):
                raise _wrong_type(attribute, item, f"a tuple of {kind.__name__}")

    return _checked(check, "not v", converter=_to_tuple)  # empty: nothing to check


@attrs.frozen(kw_only=True)
class ShipToAddress(_Checked):
    """Where the order goes. Every field is nullable; empty strings are kept as they came."""

    full_name: str | None = _opt_text()
    company: str | None = _opt_text()
    address1: str | None = _opt_text()
    address2: str | None = _opt_text()
    address3: str | None = _opt_text()
    city: str | None = _opt_text()
    state: str | None = _opt_text()
    postal_code: str | None = _opt_text()
    country: str | None = _opt_text()
    phone_number: str | None = _opt_text()
    email_address: str | None = _opt_text()


@attrs.frozen(kw_only=True)
class BillToAddress(_Checked):
    """Who pays. Trackstar's billing address has no company, phone or e-mail."""

    full_name: str | None = _opt_text()
    address1: str | None = _opt_text()
    address2: str | None = _opt_text()
    address3: str | None = _opt_text()
    city: str | None = _opt_text()
    state: str | None = _opt_text()
    postal_code: str | None = _opt_text()
    country: str | None = _opt_text()


@attrs.frozen(kw_only=True)
class ShipFromAddress(_Checked):
    """Where a shipment left from."""

    address1: str | None = _opt_text()
    address2: str | None = _opt_text()
    address3: str | None = _opt_text()
    city: str | None = _opt_text()
    state: str | None = _opt_text()
    postal_code: str | None = _opt_text()
    country: str | None = _opt_text()


@attrs.frozen(kw_only=True)
class LineItem(_Checked):
    """One ordered product. ``unit_price``, ``discount`` and ``tax`` are amounts **per unit**."""

    line_item_id: str = _text()
    product_id: str = _text()
    product_sku: str | None = _opt_text()
    parent_product_id: str | None = _opt_text()
    parent_product_sku: str | None = _opt_text()
    quantity: int = _quantity()
    unit_price: Decimal | None = _money()
    discount: Decimal | None = _money()
    tax: Decimal | None = _money()
    warehouse_id: str | None = _opt_text()


@attrs.frozen(kw_only=True)
class ShippingGroupLineItem(_Checked):
    """A line item inside a shipping group."""

    line_item_id: str = _text()
    product_id: str = _text()
    product_sku: str | None = _opt_text()
    parent_product_id: str | None = _opt_text()
    quantity: int = _quantity()


@attrs.frozen(kw_only=True)
class ShippingGroup(_Checked):
    """
    Line items fulfilled together from one location (Shopify ``fulfillmentOrders`` only).

    ``status`` is typed nullable in Trackstar's schema but its enum has no ``null``, so a
    null status never validates: cartnorm requires one (use ``other`` when unknown).
    """

    shipping_group_id: str = _text()
    created_date: datetime = _when()
    updated_date: datetime = _when()
    raw_status: str | None = _opt_text()
    status: ShipmentStatus = _instance_of(ShipmentStatus)
    warehouse_id: str = _text()
    line_items: tuple[ShippingGroupLineItem, ...] = _tuple_of(ShippingGroupLineItem)


@attrs.frozen(kw_only=True)
class ShipmentLineItem(_Checked):
    """A quantity of one product inside a shipment."""

    shipment_line_item_id: str = _text()
    product_id: str = _text()
    product_sku: str | None = _opt_text()
    parent_product_id: str | None = _opt_text()
    parent_product_sku: str | None = _opt_text()
    quantity: int = _quantity()


@attrs.frozen(kw_only=True)
class Shipment(_Checked):
    """
    A parcel sent to the customer.

    ``status`` is required for the same reason as `ShippingGroup.status`.
    """

    shipment_id: str = _text()
    raw_status: str | None = _opt_text()
    status: ShipmentStatus = _instance_of(ShipmentStatus)
    warehouse_id: str | None = _opt_text()
    shipping_method_id: str | None = _opt_text()
    shipping_method_name: str | None = _opt_text()
    carrier_id: str | None = _opt_text()
    carrier_name: str | None = _opt_text()
    tracking_number: str | None = _opt_text()
    tracking_url: str | None = _opt_text()
    line_items: tuple[ShipmentLineItem, ...] = _tuple_of(ShipmentLineItem)
    shipping_groups: tuple[str, ...] = _tuple_of(str)
    ship_from_address: ShipFromAddress = _instance_of(ShipFromAddress)
    created_date: datetime | None = _opt_when()
    updated_date: datetime | None = _opt_when()


def _json_object(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not (type(value) is dict or isinstance(value, Mapping)) or not all(isinstance(key, str) for key in value):
        msg = f"{attribute.name} must be a mapping with string keys, got {value!r}"
        raise TypeError(msg)


def _tags_tuple(value: Any) -> tuple[Any, ...] | None:
    return None if value is None else _to_tuple(value)


@attrs.frozen(kw_only=True)
class CartOrder(_Checked):
    """
    A Trackstar cart order: the 29 fields of ``CartOrderApiItemSchema``, in schema order.

    ``raw_status`` keeps the vendor's own status; ``additional_fields`` carries everything
    the model has no field for, so adapters can rebuild the vendor payload. Both
    ``additional_fields`` and ``trackstar_tags`` hold free JSON: treat them as read-only.
    They take no part in hashing (they may hold dicts), only in equality.
    """

    id: str = _text()
    order_number: str = _text()
    created_date: datetime = _when()
    updated_date: datetime = _when()
    status: OrderStatus = _instance_of(OrderStatus)
    raw_status: str | None = _opt_text()
    requested_shipping_method: str | None = _opt_text()
    shipping_method_id: str | None = _opt_text()
    shipping_method_name: str | None = _opt_text()
    carrier_id: str | None = _opt_text()
    carrier_name: str | None = _opt_text()
    invoice_currency_code: str = _text()
    total_price: Decimal | None = _money()
    total_tax: Decimal | None = _money()
    total_discount: Decimal | None = _money()
    total_shipping: Decimal | None = _money()
    ship_to_address: ShipToAddress = _instance_of(ShipToAddress)
    bill_to_address: BillToAddress = _instance_of(BillToAddress)
    earliest_ship_date: datetime | None = _opt_when()
    latest_ship_date: datetime | None = _opt_when()
    line_items: tuple[LineItem, ...] = _tuple_of(LineItem)
    shipping_groups: tuple[ShippingGroup, ...] = _tuple_of(ShippingGroup)
    shipments: tuple[Shipment, ...] = _tuple_of(Shipment)
    tags: tuple[str, ...] = _tuple_of(str)
    external_system_url: str | None = _opt_text()
    trackstar_tags: tuple[JSONValue, ...] | None = attrs.field(converter=_tags_tuple, hash=False)
    additional_fields: Mapping[str, JSONValue] = _checked(_json_object, "False", hash=False)  # always checked
    trackstar_created_date: datetime = _when()
    trackstar_updated_date: datetime = _when()


_MODEL_CLASSES: Final = (
    ShipToAddress, BillToAddress, ShipFromAddress, LineItem, ShippingGroupLineItem, ShippingGroup,
    ShipmentLineItem, Shipment, CartOrder,
)  # fmt: skip
for _model_class in _MODEL_CLASSES:
    _install_checks(_model_class)

_Model = TypeVar("_Model")


def _make_unchecked(cls: type[_Model]) -> Callable[..., _Model]:
    """
    A builder of ``cls`` from its fields, positionally in schema order, that neither checks nor
    converts them: each is stored in its slot directly (one C call per field), where the
    constructor's ``__init__`` goes through ``object.__setattr__`` and then runs the class's
    check. The generated source reads, for example::

        def unchecked_ShipFromAddress(address1, address2, ...):
            o = new(cls)
            s0(o, address1)
            ...
            return o
    """
    names = [field.name for field in attrs.fields(cls)]  # type: ignore[arg-type]
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    lines = [f"def unchecked_{cls.__name__}({', '.join(names)}):", "    o = new(cls)"]
    for index, name in enumerate(names):
        namespace[f"s{index}"] = vars(cls)[name].__set__  # the slot's member descriptor
        lines.append(f"    s{index}(o, {name})")
    lines.append("    return o")
    source = "\n".join(lines) + "\n"
    exec(compile(source, f"<cartnorm unchecked {cls.__name__}>", "exec"), namespace)  # noqa: S102 - our own template
    builder: Callable[..., _Model] = namespace[f"unchecked_{cls.__name__}"]
    return builder


_UNCHECKED: Final[dict[type, Callable[..., Any]]] = {cls: _make_unchecked(cls) for cls in _MODEL_CLASSES}


def unchecked(cls: type[_Model]) -> Callable[..., _Model]:
    """
    A builder of the model class ``cls`` that takes its fields positionally, in schema order, as
    the object holds them (tuples, not lists), and neither checks nor converts them.

    For an adapter whose reader has checked every value already (types, time zones, finite
    amounts): about half the cost of the constructor. What it builds is equal, field for field,
    to what the constructor builds from the same values (a property test holds the two
    together); a value the constructor would refuse is the caller's bug, and is not caught.

    >>> unchecked(ShipFromAddress)(None, None, None, "Austin", "TX", None, "US").city
    'Austin'
    """
    return _UNCHECKED[cls]
