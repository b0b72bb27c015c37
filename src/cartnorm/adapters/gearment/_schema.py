"""
The shape of a Gearment v3 order as data: every message the adapter knows, field by field.

Field order is the proto field-number order, which is also the order Gearment's protojson
writer emits keys in. Each field has its proto (snake_case) name, from which the
lowerCamelCase JSON name is derived the way protoc does (``street_1`` → ``street1``).
Fields not listed here are unknown: tolerated and carried as they came.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal

import attrs

from . import _enums as e

__all__ = ["MESSAGES", "Field", "MessageSpec", "camel_name"]

Kind = Literal["string", "bool", "int32", "int64", "timestamp", "enum", "message"]


def camel_name(proto_name: str) -> str:
    """
    Return protoc's lowerCamelCase JSON name for a proto field name.

    >>> camel_name("street_1"), camel_name("order_gift_message_fee"), camel_name("id")
    ('street1', 'orderGiftMessageFee', 'id')
    """
    head, *rest = proto_name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@attrs.frozen
class Field:
    """
    One field of a message: its kind, whether it repeats, its enum or message type, and
    whether its meaning makes it non-negative (a price, a charge, a total, a count).
    """

    name: str
    kind: Kind
    repeated: bool = False
    enum: type[enum.IntEnum] | None = None
    message: str | None = None
    non_negative: bool = False


@attrs.frozen
class MessageSpec:
    """A message: its fields in proto order, and a look-up from either JSON key spelling."""

    name: str
    fields: Mapping[str, Field]
    by_key: Mapping[str, str]
    rank: Mapping[str, int]


def _message(name: str, *fields: Field) -> MessageSpec:
    by_key: dict[str, str] = {}
    for field in fields:
        by_key[field.name] = field.name
        by_key.setdefault(camel_name(field.name), field.name)
    return MessageSpec(
        name=name,
        fields=MappingProxyType({field.name: field for field in fields}),
        by_key=MappingProxyType(by_key),
        rank=MappingProxyType({field.name: position for position, field in enumerate(fields)}),
    )


def _s(name: str) -> Field:
    return Field(name, "string")


def _ts(name: str) -> Field:
    return Field(name, "timestamp")


def _money(name: str) -> Field:
    """A price, a charge, a fee or a total: never negative (Gearment's refunds are `_signed_money`)."""
    return Field(name, "message", message="Money", non_negative=True)


def _signed_money(name: str) -> Field:
    """A refund's amount: Gearment sends refunds negative (``units`` −1, ``nanos`` −750 000 000 is −1.75)."""
    return Field(name, "message", message="Money")


def _count(name: str) -> Field:
    return Field(name, "int32", non_negative=True)


def _enum(name: str, kind: type[enum.IntEnum]) -> Field:
    return Field(name, "enum", enum=kind)


def _msg(name: str, message: str, *, repeated: bool = False) -> Field:
    return Field(name, "message", repeated=repeated, message=message)


_SPECS = (
    _message("Money", _s("currency_code"), Field("units", "int64"), Field("nanos", "int32")),
    _message(
        "VendorOrder",
        _s("order_id"), _s("store_id"), _s("team_id"), _enum("created_method", e.VendorCreatedMethod),
        _enum("order_platform", e.MarketplacePlatform), _s("platform_ref"),
        _enum("fulfillment_vendor", e.VendorFulfillmentVendor), _s("vendor_ref"),
        _enum("priority", e.VendorFulfillmentPriority), _msg("fulfillment_option", "VendorFulfillmentOption"),
        _msg("shipping_option", "VendorShippingOption"), _msg("billing_option", "VendorBillingOption"),
        Field("shipping_labels", "string", repeated=True), _ts("order_date"), _ts("approved_at"), _ts("paid_at"),
        _enum("order_status", e.VendorOrderStatus), _s("primary_package_id"), _s("primary_shipment_id"),
        Field("is_label_attached", "bool"), _money("order_subtotal"), _money("order_tax"), _money("order_fee"),
        _money("order_discount"), _money("order_total"), _money("order_redeem"), _money("paid_total"),
        _money("paid_needed"), _s("tracking_no"), _ts("created_at"), _ts("updated_at"),
        _msg("line_items", "VendorOrderLineItem", repeated=True), _s("store_name"),
        _msg("addresses", "VendorAddress", repeated=True), _msg("stages", "VendorProcessingStage", repeated=True),
        _money("order_gift_message_fee"), _money("order_shipping_fee"), _money("order_handle_fee"),
        _money("order_surcharge"), _money("order_rush_fee"), _money("order_thank_card_fee"),
        _msg("order_trackings", "VendorOrderTracking", repeated=True),
        _msg("gift_messages", "VendorGiftMessage", repeated=True),
        _enum("refund_status", e.VendorOrderRefundStatus), _enum("cancel_status", e.VendorOrderCancelStatus),
        _s("order_priority"), _msg("transaction_info", "VendorTransactionInfo"),
        _msg("cancel_reason", "VendorCancelReason"), _money("refunded_total"), _s("legacy_external_id"),
        _s("reference_id"), _msg("refunds", "VendorOrderRefund", repeated=True),
        _enum("origin_sales_channel", e.OriginSalesChannel), _msg("shipping_substitution", "ShippingSubstitution"),
    ),
    _message(
        "VendorOrderLineItem",
        Field("id", "int64"), _s("variant_id"), _count("quantity"),
        _msg("printing_options", "VendorPrintingOption", repeated=True), _s("seller_variant_id"), _s("product_id"),
        _s("option_1"), _s("option_2"), _s("product_name"), _money("item_price"), _money("line_tax"),
        _money("line_fee"), _money("line_discount"), _money("line_subtotal"), _money("line_total"),
        _s("variant_name"), _s("product_url"), _s("product_type_name"), _s("order_id"), _s("line_item_id"),
        _s("variant_sku"),
    ),
    _message(
        "VendorAddress",
        _s("first_name"), _s("last_name"), _s("company"), _s("contact_pronoun"), _s("street_1"), _s("street_2"),
        _s("state_code"), _s("state_name"), _s("city"), _s("zip_code"), _s("country_code"), _s("country_name"),
        _s("phone_no"), _s("email"), _enum("type", e.VendorAddressType),
    ),
    _message(
        "VendorOrderTracking",
        _s("tracking_no"), _ts("tracking_updated_at"), _s("carrier"), _s("service"), _s("type"),
        _msg("label_file", "File"), _enum("tracking_type", e.VendorTrackingType), _s("tracking_url"),
    ),
    _message(
        "File",
        _s("file_name"), _s("file_path"), _s("file_url"), _s("file_id"), _enum("storage_type", e.FileStorageType),
    ),
    _message(
        "VendorProcessingStage",
        _s("stage_id"), _s("stage_name"), _ts("stage_started_at"), _ts("stage_completed_at"),
        Field("is_completed", "bool"),
    ),
    _message("VendorCancelReason", _s("reason_id"), _s("display_name"), _s("custom_reason")),
    _message("VendorPrintingOption", _enum("print_location_code", e.PrintLocationCode), _s("design_url")),
    _message(
        "VendorGiftMessage",
        _s("order_id"), _s("gift_message_id"), _enum("type", e.VendorGiftMessageType), _s("content"),
        _s("avatar_url"), _s("gift_message_name"),
    ),
    _message(
        "VendorFulfillmentOption", _enum("purchase_tracking_config", e.VendorPurchaseTrackingConfig),
    ),
    _message("VendorShippingOption", _enum("method", e.VendorShippingMethod)),
    _message(
        "VendorBillingOption", _s("ioss_number"), _money("ioss_value"), _s("tax_number"), _money("tax_value"),
    ),
    _message(
        "VendorTransactionInfo",
        _s("txn_id"), _s("team_id"), _s("method_code"), _s("method_icon_urls"),
        _msg("list_invoice_detail", "VendorInvoiceInfo", repeated=True),
    ),
    _message(
        "VendorInvoiceInfo",
        _s("invoice_id"), _s("order_id"), _s("variant_name"), _count("quantity"), _s("shipping_service"),
        _s("tracking_number"), _s("product_image_url"), _money("line_total"),
    ),
    _message(
        "VendorOrderRefund",
        _s("refund_request_id"), _s("order_refund_id"), _enum("type", e.VendorRefundRequestType),
        _signed_money("amount"),
        _s("transaction_id"), _s("transaction_ref"), _enum("status", e.VendorRefundStatus),
        _msg("reasons", "VendorRefundReason", repeated=True), _ts("created_at"), _ts("updated_at"),
        _ts("expired_at"),
    ),
    _message("VendorRefundReason", _s("reason_id"), _s("detail"), _s("note_type")),
    _message("ShippingSubstitution", _s("from"), _s("to"), _s("reason")),
)  # fmt: skip

#: Every known message, by proto message name.
MESSAGES: Final[Mapping[str, MessageSpec]] = MappingProxyType({spec.name: spec for spec in _SPECS})
