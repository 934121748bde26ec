"""Orders: placing them (one per producer, stock taken atomically), moving them along,
reading them. The modules below hold each concern; callers use the names listed here."""

from catalog.services.orders.placing import place_order
from catalog.services.orders.queries import (
    find_checkout,
    get_order,
    get_order_for_staff,
    last_payment_method,
    list_orders,
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
from catalog.services.orders.views import (
    DeliveryDetails,
    OrderLineView,
    OrderPage,
    OrderView,
    PlacedCheckout,
    order_page,
)

__all__ = [
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
    "last_payment_method",
    "list_orders",
    "open_orders_for_producer",
    "order_page",
    "place_order",
    "producer_bank_details",
    "remember_alert",
    "saved_details",
]
