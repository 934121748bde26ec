"""The shop's tables, as SQLAlchemy 2 typed ORM classes, split by area:

``base`` (the declarative base, UTC timestamps), ``enums`` (order status, payment method),
``products`` (producers, categories, products, their managers and audit trail), ``orders``
(carts, checkouts, orders), ``payments`` (bank notifications, payment history, payOS
links), ``people`` (users, deep-link visits, conversation state), ``messages`` (outboxes,
link codes, Zalo, Messenger) and ``operations`` (warnings to the admins).
"""

from catalog.models.base import NAMING_CONVENTION, Base, UTCDateTime, utcnow
from catalog.models.enums import (
    Channel,
    NotificationState,
    OrderStatus,
    PaymentMethod,
    PaymentProvider,
    PaymentStatus,
)
from catalog.models.messages import (
    GroupLinkCode,
    MessengerInbound,
    MessengerOutboxMessage,
    OutboxMessage,
    OutboxStatus,
    PostProduct,
    ZaloInbound,
    ZaloLinkCode,
    ZaloOutboxMessage,
    ZaloStaff,
    ZaloStranger,
    ZaloUsage,
)
from catalog.models.operations import AdminWarning
from catalog.models.orders import Cart, CartLine, Checkout, Order, OrderLine, OrderStatusChange
from catalog.models.payments import PaymentChange, PaymentLink, PaymentNotification
from catalog.models.people import ConversationState, LinkVisit, PersonNumber, User
from catalog.models.products import (
    Category,
    ChangeReason,
    Producer,
    ProducerKind,
    ProducerManager,
    Product,
    ProductChange,
)

__all__ = [
    "NAMING_CONVENTION",
    "AdminWarning",
    "Base",
    "Cart",
    "CartLine",
    "Category",
    "ChangeReason",
    "Channel",
    "Checkout",
    "ConversationState",
    "GroupLinkCode",
    "LinkVisit",
    "MessengerInbound",
    "MessengerOutboxMessage",
    "NotificationState",
    "Order",
    "OrderLine",
    "OrderStatus",
    "OrderStatusChange",
    "OutboxMessage",
    "OutboxStatus",
    "PaymentChange",
    "PaymentLink",
    "PaymentMethod",
    "PaymentNotification",
    "PaymentProvider",
    "PaymentStatus",
    "PersonNumber",
    "PostProduct",
    "Producer",
    "ProducerKind",
    "ProducerManager",
    "Product",
    "ProductChange",
    "UTCDateTime",
    "User",
    "ZaloInbound",
    "ZaloLinkCode",
    "ZaloOutboxMessage",
    "ZaloStaff",
    "ZaloStranger",
    "ZaloUsage",
    "utcnow",
]
