"""Orders: placing them (one per producer, stock taken atomically), moving them along,
reading them. The modules below hold each concern; callers use the names listed here."""

from catalog.services.orders.placing import place_order
from catalog.services.orders.queries import (
    GROUP_PAGE_SIZE,
    OPEN_STATUSES,
    ORDERS_PAGE_SIZE,
    find_checkout,
    get_order,
    get_order_for_staff,
    list_orders,
    open_orders_for_chat,
    open_orders_for_producer,
    producer_bank_details,
    saved_details,
)
from catalog.services.orders.status import (
    CancelReason,
    cancel_order_by_customer,
    change_order_status,
    remember_alert,
)
from catalog.services.orders.stock import return_stock
from catalog.services.orders.views import (
    EVERYTHING,
    DeliveryDetails,
    OrderLineView,
    OrderPage,
    OrderView,
    PlacedCheckout,
    order_page,
    order_view,
)

__all__ = [
    "EVERYTHING",
    "GROUP_PAGE_SIZE",
    "OPEN_STATUSES",
    "ORDERS_PAGE_SIZE",
    "CancelReason",
    "DeliveryDetails",
    "OrderLineView",
    "OrderPage",
    "OrderView",
    "PlacedCheckout",
    "cancel_order_by_customer",
    "change_order_status",
    "find_checkout",
    "get_order",
    "get_order_for_staff",
    "list_orders",
    "open_orders_for_chat",
    "open_orders_for_producer",
    "order_page",
    "order_view",
    "place_order",
    "producer_bank_details",
    "remember_alert",
    "return_stock",
    "saved_details",
]
