"""
Every Gearment v3 enum the adapter reads, as `IntEnum`s mirroring the proto numbers.

Member names are the wire names exactly (``VENDOR_ORDER_STATUS_SHIPPED``), values the
proto numbers of ``gearment/partner-sdk`` ``vendorsdk/`` (the 2025-04-02 renumbering; the
published OpenAPI lists each name followed by its own number and leaves out the ``0``/``1``
"unknown"/"all" values, which the protos still define). Note the two enums that break the
"0 = unknown" habit: `VendorOrderCancelStatus` and `VendorOrderRefundStatus` have ``ALL = 0``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

__all__ = [
    "ENUMS",
    "FileStorageType",
    "MarketplacePlatform",
    "OriginSalesChannel",
    "PrintLocationCode",
    "VendorAddressType",
    "VendorCreatedMethod",
    "VendorFulfillmentPriority",
    "VendorFulfillmentVendor",
    "VendorGiftMessageType",
    "VendorOrderCancelStatus",
    "VendorOrderRefundStatus",
    "VendorOrderStatus",
    "VendorPurchaseTrackingConfig",
    "VendorRefundRequestType",
    "VendorRefundStatus",
    "VendorShippingMethod",
    "VendorTrackingType",
]


class VendorOrderStatus(enum.IntEnum):
    """``api.order.v1.VendorOrderStatus`` (``order_status``)."""

    VENDOR_ORDER_STATUS_UNKNOWN = 0
    VENDOR_ORDER_STATUS_ALL = 1  # "used for filtering": never a real order's status
    VENDOR_ORDER_STATUS_AWAITING_PAYMENT = 2
    VENDOR_ORDER_STATUS_PAYMENT_FAILED = 3
    VENDOR_ORDER_STATUS_AWAITING_FULFILLMENT = 4
    VENDOR_ORDER_STATUS_IN_PRODUCTION = 5
    VENDOR_ORDER_STATUS_PACKED = 6
    VENDOR_ORDER_STATUS_SHIPPED = 7
    VENDOR_ORDER_STATUS_CANCELLED = 8
    VENDOR_ORDER_STATUS_ON_HOLD = 9


class VendorOrderCancelStatus(enum.IntEnum):
    """``api.order.v1.VendorOrderCancelStatus`` (``cancel_status``); ``ALL`` is 0, i.e. "not set"."""

    VENDOR_ORDER_CANCEL_STATUS_ALL = 0
    VENDOR_ORDER_CANCEL_STATUS_UNKNOWN = 1
    VENDOR_ORDER_CANCEL_STATUS_NOT_REQUESTED = 2
    VENDOR_ORDER_CANCEL_STATUS_REQUESTED = 3
    VENDOR_ORDER_CANCEL_STATUS_PROCESSING = 4
    VENDOR_ORDER_CANCEL_STATUS_CANCELED = 5
    VENDOR_ORDER_CANCEL_STATUS_PARTIALLY_CANCELED = 6
    VENDOR_ORDER_CANCEL_STATUS_RETURN_REQUESTED = 7
    VENDOR_ORDER_CANCEL_STATUS_RETURNED = 8
    VENDOR_ORDER_CANCEL_STATUS_RETURN_REJECTED = 9
    VENDOR_ORDER_CANCEL_STATUS_REJECTED = 10
    VENDOR_ORDER_CANCEL_STATUS_FAILED = 11


class VendorOrderRefundStatus(enum.IntEnum):
    """``api.order.v1.VendorOrderRefundStatus`` (``refund_status``); ``ALL`` is 0, i.e. "not set"."""

    VENDOR_ORDER_REFUND_STATUS_ALL = 0
    VENDOR_ORDER_REFUND_STATUS_UNKNOWN = 1
    VENDOR_ORDER_REFUND_STATUS_NOT_REQUESTED = 2
    VENDOR_ORDER_REFUND_STATUS_NOT_APPLICABLE = 3
    VENDOR_ORDER_REFUND_STATUS_REQUESTED = 4
    VENDOR_ORDER_REFUND_STATUS_PROCESSING = 5
    VENDOR_ORDER_REFUND_STATUS_REFUNDED = 6
    VENDOR_ORDER_REFUND_STATUS_PARTIALLY_REFUNDED = 7
    VENDOR_ORDER_REFUND_STATUS_RETURN_REFUND_REQUESTED = 8
    VENDOR_ORDER_REFUND_STATUS_RETURN_REFUNDED = 9
    VENDOR_ORDER_REFUND_STATUS_REJECTED = 10
    VENDOR_ORDER_REFUND_STATUS_FAILED = 11


class VendorTrackingType(enum.IntEnum):
    """``api.order.v1.VendorTrackingType`` (``order_trackings[].tracking_type``)."""

    TRACKING_TYPE_UNSPECIFIED = 0
    TRACKING_TYPE_PRIMARY = 1  # primary/current tracking number
    TRACKING_TYPE_SECONDARY = 2  # additional tracking number (multi-package shipments)
    TRACKING_TYPE_OUTDATED = 3  # old/replaced tracking number


class VendorAddressType(enum.IntEnum):
    """``api.order.v1.VendorAddress.Type`` (``addresses[].type``)."""

    TYPE_UNKNOWN = 0
    TYPE_ALL = 1
    TYPE_SHIP_FROM = 2
    TYPE_SHIP_TO = 3
    TYPE_BILL_TO = 4
    TYPE_RETURN_TO = 5


class VendorCreatedMethod(enum.IntEnum):
    """``api.order.v1.VendorCreatedMethod`` (``created_method``)."""

    VENDOR_CREATED_METHOD_UNKNOWN = 0
    VENDOR_CREATED_METHOD_ALL = 1
    VENDOR_CREATED_METHOD_SYNC = 2
    VENDOR_CREATED_METHOD_MANUAL = 3
    VENDOR_CREATED_METHOD_API = 4
    VENDOR_CREATED_METHOD_IMPORT = 5
    VENDOR_CREATED_METHOD_LABEL = 6


class MarketplacePlatform(enum.IntEnum):
    """``common.platform.v1.MarketplacePlatform`` (``order_platform``)."""

    MARKETPLACE_PLATFORM_UNSPECIFIED = 0
    MARKETPLACE_PLATFORM_ALL = 1
    MARKETPLACE_PLATFORM_EBAY = 2
    MARKETPLACE_PLATFORM_AMAZON = 3
    MARKETPLACE_PLATFORM_SHOPIFY = 4
    MARKETPLACE_PLATFORM_WOOCOMMERCE = 5
    MARKETPLACE_PLATFORM_ETSY = 6
    MARKETPLACE_PLATFORM_SHOPBASE = 7
    MARKETPLACE_PLATFORM_GEARMENT = 8
    MARKETPLACE_PLATFORM_ORDERDESK = 9
    MARKETPLACE_PLATFORM_TIKTOKSHOP = 10
    MARKETPLACE_PLATFORM_POSHMARK = 11
    MARKETPLACE_PLATFORM_PRESTASHOP = 12
    MARKETPLACE_PLATFORM_INKGO = 13
    MARKETPLACE_PLATFORM_WISH = 14
    MARKETPLACE_PLATFORM_BIGCOMMERCE = 15
    MARKETPLACE_PLATFORM_CUSTOMILY = 16


class VendorFulfillmentVendor(enum.IntEnum):
    """``api.order.v1.VendorFulfillmentVendor`` (``fulfillment_vendor``)."""

    VENDOR_FULFILLMENT_VENDOR_UNKNOWN = 0
    VENDOR_FULFILLMENT_VENDOR_ALL = 1
    VENDOR_FULFILLMENT_VENDOR_GEARMENT = 2
    VENDOR_FULFILLMENT_VENDOR_AMAZON = 3


class VendorFulfillmentPriority(enum.IntEnum):
    """``api.order.v1.VendorFulfillmentPriority`` (``priority``)."""

    VENDOR_FULFILLMENT_PRIORITY_UNKNOWN = 0
    VENDOR_FULFILLMENT_PRIORITY_ALL = 1
    VENDOR_FULFILLMENT_PRIORITY_NORMAL = 2
    VENDOR_FULFILLMENT_PRIORITY_RUSH = 3


class VendorPurchaseTrackingConfig(enum.IntEnum):
    """``api.order.v1.VendorPurchaseTrackingConfig`` (``fulfillment_option.purchase_tracking_config``)."""

    VENDOR_PURCHASE_TRACKING_TIME_UNSPECIFIED = 0
    VENDOR_PURCHASE_TRACKING_TIME_DEFAULT = 1
    VENDOR_PURCHASE_TRACKING_TIME_IMMEDIATELY_AFTER_THE_PAYMENT_TIME = 2
    VENDOR_PURCHASE_TRACKING_TIME_ONCE_ALL_ITEMS_ARE_PRINTED = 3
    VENDOR_PURCHASE_TRACKING_TIME_WITHIN_A_SPECIFIC_NUMBER_OF_DAY = 4


class VendorShippingMethod(enum.IntEnum):
    """``api.order.v1.VendorShippingOption.Method`` (``shipping_option.method``)."""

    METHOD_UNKNOWN = 0
    METHOD_ALL = 1
    METHOD_STANDARD = 2
    METHOD_GROUND = 3
    METHOD_FAST_SHIP = 4
    METHOD_STAMP = 5
    METHOD_ECONOMY = 6


class PrintLocationCode(enum.IntEnum):
    """``api.order.v1.VendorPrintingOption.PrintLocationCode`` (``printing_options[].print_location_code``)."""

    PRINT_LOCATION_CODE_UNKNOWN = 0
    PRINT_LOCATION_CODE_WHOLE = 1
    PRINT_LOCATION_CODE_FRONT = 2
    PRINT_LOCATION_CODE_BACK = 3
    PRINT_LOCATION_CODE_LEFT_SLEEVE = 4
    PRINT_LOCATION_CODE_RIGHT_SLEEVE = 5
    PRINT_LOCATION_CODE_POCKET = 6
    PRINT_LOCATION_CODE_INSIDE_LABEL = 7
    PRINT_LOCATION_CODE_OUTSIDE_LABEL = 8


class VendorGiftMessageType(enum.IntEnum):
    """``api.order.v1.VendorGiftMessage.Type`` (``gift_messages[].type``)."""

    TYPE_UNKNOWN = 0
    TYPE_CUSTOM_IMAGE = 1
    TYPE_UPLOAD_IMAGE = 2


class OriginSalesChannel(enum.IntEnum):
    """``api.order.v1.OriginSalesChannel`` (``origin_sales_channel``, proto3 ``optional``)."""

    ORIGIN_SALES_CHANNEL_UNSPECIFIED = 0
    ORIGIN_SALES_CHANNEL_DIRECT = 1
    ORIGIN_SALES_CHANNEL_ETSY = 2
    ORIGIN_SALES_CHANNEL_EBAY = 3
    ORIGIN_SALES_CHANNEL_AMAZON = 4
    ORIGIN_SALES_CHANNEL_SHOPIFY = 5
    ORIGIN_SALES_CHANNEL_WOOCOMMERCE = 6
    ORIGIN_SALES_CHANNEL_SHOPBASE = 7
    ORIGIN_SALES_CHANNEL_ORDERDESK = 8
    ORIGIN_SALES_CHANNEL_TIKTOKSHOP = 9
    ORIGIN_SALES_CHANNEL_OTHER_MARKETPLACE = 10


class VendorRefundRequestType(enum.IntEnum):
    """``api.order.v1.VendorRefundRequestType`` (``refunds[].type``)."""

    VENDOR_REFUND_REQUEST_TYPE_UNKNOWN = 0
    VENDOR_REFUND_REQUEST_TYPE_FULL = 1
    VENDOR_REFUND_REQUEST_TYPE_FULL_BASE_PRICE = 2
    VENDOR_REFUND_REQUEST_TYPE_LABEL_FEE = 3
    VENDOR_REFUND_REQUEST_TYPE_SURCHARGE_FEE = 4
    VENDOR_REFUND_REQUEST_TYPE_GIFT_MESSAGE_FEE = 5
    VENDOR_REFUND_REQUEST_TYPE_FULL_SHIPPING_FEE = 6
    VENDOR_REFUND_REQUEST_TYPE_TAX_FEE = 7
    VENDOR_REFUND_REQUEST_TYPE_CUSTOM = 8
    VENDOR_REFUND_REQUEST_TYPE_FULL_LINE_ITEM = 9
    VENDOR_REFUND_REQUEST_TYPE_FASTSHIP = 10
    VENDOR_REFUND_REQUEST_TYPE_HANDLE_FEE = 11
    VENDOR_REFUND_REQUEST_TYPE_FULL_BASE_PRICE_FBA = 12


class VendorRefundStatus(enum.IntEnum):
    """``api.order.v1.VendorRefundStatus`` (``refunds[].status``)."""

    VENDOR_REFUND_STATUS_UNKNOWN = 0
    VENDOR_REFUND_STATUS_PENDING = 1
    VENDOR_REFUND_STATUS_PROCESSING = 2
    VENDOR_REFUND_STATUS_APPROVED = 3
    VENDOR_REFUND_STATUS_SUCCESS = 4
    VENDOR_REFUND_STATUS_FAILED = 5
    VENDOR_REFUND_STATUS_REJECTED = 6


class FileStorageType(enum.IntEnum):
    """``common.type.v1.File.StorageType`` (``order_trackings[].label_file.storage_type``)."""

    STORAGE_TYPE_UNSPECIFIED = 0
    STORAGE_TYPE_S3 = 1
    STORAGE_TYPE_CLOUDFLARE = 2
    STORAGE_TYPE_S3_LEGACY = 3
    STORAGE_TYPE_EXTERNAL = 4


#: Every enum above, by class name.
ENUMS: Final[Mapping[str, type[enum.IntEnum]]] = MappingProxyType(
    {
        kind.__name__: kind
        for kind in (
            VendorOrderStatus,
            VendorOrderCancelStatus,
            VendorOrderRefundStatus,
            VendorTrackingType,
            VendorAddressType,
            VendorCreatedMethod,
            MarketplacePlatform,
            VendorFulfillmentVendor,
            VendorFulfillmentPriority,
            VendorPurchaseTrackingConfig,
            VendorShippingMethod,
            PrintLocationCode,
            VendorGiftMessageType,
            OriginSalesChannel,
            VendorRefundRequestType,
            VendorRefundStatus,
            FileStorageType,
        )
    }
)
