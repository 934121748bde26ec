"""What producers, customers and admins are told about orders, in their own language.

These render outbox messages (sent later, outside any update) as well as replies, so every
function reads the language from the I18n context the caller set.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import partial

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder

from catalog import rules
from catalog.models import OrderStatus
from catalog.services.orders import CancelReason, OrderView
from catalog.text import N_
from handlers.callbacks import StaffAction, StaffCb
from handlers.screens import page_row
from storefront.format import (
    delivery_text,
    esc,
    language,
    money,
    payment_label,
    payment_line,
    shorten,
    status_label,
    when,
    when_zoned,
)

TEXT_LIMIT = 4096
MAX_ALERT_LINES = 25

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


def reason_label(reason: str) -> str:
    if reason in SHOP_REASONS:
        return _(SHOP_REASONS[reason])
    try:
        return _(CANCEL_REASONS[CancelReason(reason)])
    except ValueError:
        return esc(reason)


def order_alert_text(order: OrderView) -> str:
    """The full order, for the producer who fulfils it."""
    lang = language()
    lines = [
        _("🛎 <b>Order {number}</b> · {when}").format(
            number=order.number, when=when_zoned(order.created_at)
        ),
        "",
    ]
    # Within Telegram's 4,096 characters whatever the order: long names are shortened and a
    # very long order shows its first lines (the total is always the whole order's).
    shown = order.lines[:MAX_ALERT_LINES]
    lines += [
        f"• {esc(shorten(line.name(lang), 60))} × {line.quantity} — {money(line.line_total)}"
        for line in shown
    ]
    if len(order.lines) > len(shown):
        hidden = len(order.lines) - len(shown)
        lines.append(
            ngettext("…and {count} more line", "…and {count} more lines", hidden).format(
                count=hidden
            )
        )
    lines.append(_("<b>Total: {amount}</b>").format(amount=money(order.total)))
    lines.append(f"💳 {payment_label(order.payment_method)}")
    if paid := payment_line(order):
        lines.append(paid)
    lines += ["", delivery_text(order.details), ""]
    lines.append(_("Status: {status}").format(status=status_label(order.status)))
    return "\n".join(lines)


def status_footer(status: OrderStatus, actor: str, moment: datetime, reason: str = "") -> str:
    text = _("{status} by {name}, {when}").format(
        status=status_label(status), name=esc(actor), when=when(moment)
    )
    if reason:
        text += "\n" + _("Reason: {reason}").format(reason=reason_label(reason))
    return text


def order_alert_kb(order: OrderView) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    step = rules.next_step(order.status)
    if step == OrderStatus.accepted:
        builder.button(
            text=_("✅ Accept"), callback_data=StaffCb(action=StaffAction.accept, id=order.id)
        )
    elif step == OrderStatus.shipped:
        builder.button(
            text=_("🚚 Shipped"), callback_data=StaffCb(action=StaffAction.ship, id=order.id)
        )
    elif step == OrderStatus.delivered:
        builder.button(
            text=_("📬 Delivered"), callback_data=StaffCb(action=StaffAction.deliver, id=order.id)
        )
    if rules.may_cancel(order.status):
        builder.button(
            text=_("✖️ Cancel"), callback_data=StaffCb(action=StaffAction.cancel, id=order.id)
        )
    if not builder.buttons:
        return None
    builder.adjust(2)
    return builder.as_markup()


def ship_unpaid_kb(order_id: int) -> InlineKeyboardMarkup:
    """The transfer has not arrived: ship anyway (said explicitly), or not yet."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("🚚 Ship it unpaid"),
        callback_data=StaffCb(action=StaffAction.ship_unpaid, id=order_id),
    )
    builder.button(
        text=_("⬅️ Not yet"), callback_data=StaffCb(action=StaffAction.back, id=order_id)
    )
    builder.adjust(1)
    return builder.as_markup()


def cancel_reasons_kb(order_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for reason, msgid in CANCEL_REASONS.items():
        builder.button(
            text=_(msgid),
            callback_data=StaffCb(action=StaffAction.cancel_with, id=order_id, reason=reason),
        )
    builder.button(
        text=_("⬅️ Don't cancel"), callback_data=StaffCb(action=StaffAction.back, id=order_id)
    )
    builder.adjust(1)
    return builder.as_markup()


def digest_texts(orders: Sequence[OrderView]) -> list[str]:
    """Several orders in as few messages as fit Telegram's length limit, each in full."""
    header = _(
        "🛎 <b>{count} new orders</b> — each is listed in full below; press its button "
        "to accept or cancel it."
    ).format(count=len(orders))
    messages: list[str] = []
    current = header
    for order in orders:
        block = "\n\n" + order_alert_text(order)
        if len(current) + len(block) > TEXT_LIMIT - 100 and current != header:
            messages.append(current)
            current = header
        current += block
    messages.append(current)
    return messages


def digest_kb(orders: Sequence[OrderView]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for order in orders:
        builder.button(
            text=f"📋 {order.number}",
            callback_data=StaffCb(action=StaffAction.show, id=order.id),
        )
    builder.adjust(3)
    return builder.as_markup()


def customer_cancelled_text(order: OrderView) -> str:
    text = _(
        "✖️ The customer cancelled order {number} ({amount}). Its stock is back on sale."
    ).format(number=order.number, amount=money(order.total))
    return text + _owed_back(order, producer=True)


def _owed_back(order: OrderView, *, producer: bool) -> str:
    """For a cancelled order already paid for: the money to return."""
    if not order.amount_owed_back:
        return ""
    if producer:
        text = _("Return {amount} to the customer, then record it: /refunded {number}")
    else:
        text = _("The {amount} you paid will be returned to you.")
    return "\n" + text.format(amount=money(order.amount_owed_back), number=order.number)


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
        + _owed_back(order, producer=False),
    }
    return texts.get(status, status_label(status))


def orders_list_kb(orders: Sequence[OrderView], page: int, pages: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for order in orders:
        builder.row(
            InlineKeyboardButton(
                text=f"{order.number} · {money(order.total)} · {status_label(order.status)}",
                callback_data=StaffCb(action=StaffAction.show, id=order.id, page=page).pack(),
            )
        )
    builder.row(*page_row(page, pages, partial(StaffCb, action=StaffAction.page)))
    return builder.as_markup()
