"""What a customer is told when the producer moves their order along, and what producers are
told of the channel an order came from — written once, for every channel and sender."""

from __future__ import annotations

from catalog.models import Channel, OrderStatus
from catalog.services.orders import CancelReason, OrderView
from catalog.text import N_
from locales.translation import gettext as _
from storefront.format import esc, language, status_label

CANCEL_REASONS = {
    CancelReason.out_of_stock: N_("Out of stock"),
    CancelReason.cannot_deliver: N_("We cannot deliver to this address"),
    CancelReason.customer_unreachable: N_("We could not reach the customer"),
    CancelReason.customer_asked: N_("The customer asked to cancel"),
    CancelReason.other: N_("Another reason"),
}


def reason_label(reason: str) -> str:
    try:
        return _(CANCEL_REASONS[CancelReason(reason)])
    except ValueError:
        return esc(reason)


def status_notice_text(order: OrderView, status: OrderStatus, reason: str) -> str:
    """What the customer is told when the producer moves their order along."""
    lang = language()
    producer = esc(order.producer_name(lang))
    texts = {
        OrderStatus.accepted: _(
            "👍 {producer} accepted your order {number}. They are preparing it."
        ).format(producer=producer, number=order.number),
        OrderStatus.shipped: _("🚚 Your order {number} from {producer} is on its way.").format(
            producer=producer, number=order.number
        ),
        OrderStatus.delivered: _(
            "✅ Your order {number} from {producer} was delivered. Thank you for buying OCOP!"
        ).format(producer=producer, number=order.number),
        OrderStatus.cancelled: _(
            "✖️ {producer} cancelled your order {number}. Reason: {reason}."
        ).format(producer=producer, number=order.number, reason=reason_label(reason)),
    }
    return texts.get(status, status_label(status))


def channel_lines(order: OrderView) -> list[str]:
    """Where the customer ordered and how the producer reaches them, for an order from
    another channel than Telegram (the shop's first, which alerts do not mark)."""
    if order.channel == Channel.messenger:
        return [
            _(
                "💬 Ordered on Facebook Messenger: call the phone above, or answer the "
                "customer from the Page's inbox."
            )
        ]
    return []
