"""What a customer is told of their order — the producer moved it along, money came for it
(in full, in part, too much, after it was cancelled), it waits for its transfer, money went
back — and what producers are told of the channel an order came from: written once, for
every channel and sender. Rendered outside any update, in the language the caller set; only
<b>, <i> and <code> marks, which every channel can show or drop."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from catalog.models import Channel, OrderStatus
from catalog.outbox import OutboxKind
from catalog.services.orders import CancelReason, OrderView
from catalog.services.payments.ledger import Event
from catalog.text import N_
from locales.translation import gettext as _
from storefront.format import esc, language, money, status_label, when_zoned

CANCEL_REASONS = {
    CancelReason.out_of_stock: N_("Out of stock"),
    CancelReason.cannot_deliver: N_("We cannot deliver to this address"),
    CancelReason.customer_unreachable: N_("We could not reach the customer"),
    CancelReason.customer_asked: N_("The customer asked to cancel"),
    CancelReason.other: N_("Another reason"),
}
# Reasons the shop itself gives, never offered to a producer.
SHOP_REASONS = {
    "unpaid": N_("Not paid in time"),
    "shipped_unpaid": N_("Shipped before the transfer arrived"),
}
# The outbox rows that are a customer's news (each channel's sender delivers them).
CUSTOMER_NEWS = frozenset({OutboxKind.status_notice, OutboxKind.payment_notice})


def reason_label(reason: str) -> str:
    if reason in SHOP_REASONS:
        return _(SHOP_REASONS[reason])
    try:
        return _(CANCEL_REASONS[CancelReason(reason)])
    except ValueError:
        return esc(reason)


def customer_news(order: OrderView, kind: str, payload: Mapping[str, Any]) -> str:
    """The text of a customer's outbox row (a kind of ``CUSTOMER_NEWS``)."""
    if kind == OutboxKind.payment_notice:
        return payment_notice_text(order, payload)
    status = OrderStatus(payload["status"])
    return status_notice_text(order, status, str(payload.get("reason") or ""))


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
        ).format(producer=producer, number=order.number, reason=reason_label(reason))
        + _owed_back(order),
    }
    return texts.get(status, status_label(status))


def _owed_back(order: OrderView) -> str:
    """For a cancelled order already paid for: the money the customer gets back."""
    if not order.amount_owed_back:
        return ""
    text = _("The {amount} you paid will be returned to you.")
    return "\n" + text.format(amount=money(order.amount_owed_back))


def _amount(payload: Mapping[str, Any], name: str) -> str:
    value = payload.get(name, 0)
    return money(value if isinstance(value, int) else 0)


def payment_notice_text(order: OrderView, payload: Mapping[str, Any]) -> str:
    """What the customer is told of their order's money (``payload``: ``ledger.news``)."""
    event = payload.get("event")
    values = {
        "number": order.number,
        "producer": esc(order.producer_name(language())),
        "amount": _amount(payload, "amount"),
        "missing": _amount(payload, "missing"),
        "owed": _amount(payload, "owed_back"),
    }
    if event == Event.reminder:
        due = when_zoned(order.payment_due_at) if order.payment_due_at else "?"
        return _(
            "⏳ Your order {number} from {producer} is waiting for your transfer of {amount}. "
            "Please pay by {when}: an order still unpaid then is cancelled."
        ).format(**values | {"amount": money(order.amount_missing), "when": due})
    texts: dict[str, str] = {
        Event.paid: _(
            "💰 Payment received: {amount} for your order {number} from {producer}. "
            "It is paid in full, thank you!"
        ),
        Event.part: _(
            "💰 We received {amount} for your order {number}, but {missing} is still "
            "missing. Please transfer the rest with the same content."
        ),
        Event.over: _(
            "💰 We received {amount} for your order {number}: {owed} more than its total. "
            "{producer} will return the difference to you."
        ),
        Event.late: _(
            "💰 We received {amount} for your order {number}, which had been cancelled. "
            "{producer} will return {owed} to you."
        ),
        Event.refunded: _("↩️ {producer} returned {amount} to you for order {number}."),
    }
    return texts.get(str(event), texts[Event.paid]).format(**values)


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
