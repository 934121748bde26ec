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
from catalog.errors import InvalidTransition
from catalog.models import OrderStatus
from catalog.services.orders import OrderView
from catalog.text import N_
from handlers.callbacks import StaffAction, StaffCb
from handlers.screens import TEXT_LIMIT, page_row
from storefront.format import (
    delivery_text,
    esc,
    fit_text,
    language,
    line_name,
    money,
    payment_label,
    payment_line,
    shorten,
    status_label,
    when,
    when_zoned,
)
from storefront.notices import CANCEL_REASONS, channel_lines, reason_label, status_notice_text

# The customer's news is written once for every channel (storefront.notices); the Telegram
# sender and tests read it from here too.
__all__ = ["reason_label", "status_notice_text"]

MAX_ALERT_LINES = 25
# What may follow an alert's text in the same message: who moved the order and when, the
# reason of a cancel (200 characters at most), "Changed on Zalo:".
FOOTER_ROOM = 512
# Orders one message of a digest lists (and buttons it carries; Telegram allows 100).
DIGEST_PART_ORDERS = 20


def order_alert_text(order: OrderView) -> str:
    """The full order, for the producer who fulfils it."""
    lang = language()
    head = [
        _("🛎 <b>Order {number}</b> · {when}").format(
            number=order.number, when=when_zoned(order.created_at)
        ),
        "",
    ]
    # Within Telegram's 4,096 characters whatever the order: long names are shortened and a
    # very long order shows its first lines (the total is always the whole order's).
    shown = order.lines[:MAX_ALERT_LINES]
    lines = [
        f"• {line_name(line.name(lang))} × {line.quantity} — {money(line.line_total)}"
        for line in shown
    ]
    if len(order.lines) > len(shown):
        hidden = len(order.lines) - len(shown)
        lines.append(
            ngettext("…and {count} more line", "…and {count} more lines", hidden).format(
                count=hidden
            )
        )
    tail = [_("<b>Total: {amount}</b>").format(amount=money(order.total))]
    tail.append(f"💳 {payment_label(order.payment_method)}")
    if paid := payment_line(order):
        tail.append(paid)
    tail += ["", delivery_text(order.details), *channel_lines(order), ""]
    tail.append(_("Status: {status}").format(status=status_label(order.status)))
    return fit_text(head, lines, tail, limit=TEXT_LIMIT - FOOTER_ROOM)


def status_footer(status: OrderStatus, actor: str, moment: datetime, reason: str = "") -> str:
    text = _("{status} by {name}, {when}").format(
        status=status_label(status), name=esc(actor), when=when(moment)
    )
    if reason:
        text += "\n" + _("Reason: {reason}").format(reason=reason_label(reason))
    return text


# The button that takes an order to each step forward.
STEP_BUTTONS = {
    OrderStatus.accepted: (N_("✅ Accept"), StaffAction.accept),
    OrderStatus.shipped: (N_("🚚 Shipped"), StaffAction.ship),
    OrderStatus.delivered: (N_("📬 Delivered"), StaffAction.deliver),
}


def order_alert_kb(order: OrderView) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    step = rules.next_step(order.status)
    if step is not None:
        label, action = STEP_BUTTONS[step]
        builder.button(text=_(label), callback_data=StaffCb(action=action, id=order.id))
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


def step_refused(err: InvalidTransition, number: str) -> tuple[str, OrderStatus | None]:
    """What holds when a step on order ``number`` was refused, as the shop's rules answer it
    (``rules.refused_step``): done already (by whom, when known), which step comes first, or
    that the order went another way. Plain text, for every channel; the step to take first
    comes back too, for the channel to say how it is taken there."""
    current, wanted = OrderStatus(err.current), OrderStatus(err.wanted)
    refusal, first = rules.refused_step(current, wanted)
    status = status_label(current)
    if err.by_customer:
        status = _("{status}, by the customer").format(status=status)
    elif err.by:
        status = _("{status}, by {name}").format(status=status, name=shorten(err.by, 40))
    if refusal == rules.Refusal.first and first is not None:
        text = _("Not yet: order {number} is {status}; it must be {step} first.").format(
            number=number, status=status, step=status_label(first)
        )
        return text, first
    if refusal == rules.Refusal.done:
        return _("Already done: order {number} is {status}.").format(
            number=number, status=status
        ), None
    return _("Order {number} can no longer become {wanted}: it is {status}.").format(
        number=number, wanted=status_label(wanted), status=status
    ), None


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


def digest_parts(orders: Sequence[OrderView]) -> list[tuple[str, tuple[OrderView, ...]]]:
    """New orders in as few messages as Telegram's limits allow (4,096 characters; a button
    for each order, at most ``DIGEST_PART_ORDERS``), each order in full, with the orders each
    message lists."""
    header = _(
        "🛎 <b>{count} new orders</b> — each is listed in full below; press its button "
        "to accept or cancel it."
    ).format(count=len(orders))
    parts: list[tuple[str, tuple[OrderView, ...]]] = []
    listed: list[OrderView] = []
    current = header
    for order in orders:
        block = "\n\n" + order_alert_text(order)
        full = len(current) + len(block) > TEXT_LIMIT - 100 or len(listed) == DIGEST_PART_ORDERS
        if full and listed:
            parts.append((current, tuple(listed)))
            current, listed = header, []
        current += block
        listed.append(order)
    parts.append((current, tuple(listed)))
    return parts


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
    if not order.amount_owed_back:
        return text
    return "\n".join(
        [
            text,
            _("Return {amount} to the customer, then record it: /refunded {number}").format(
                amount=money(order.amount_owed_back), number=order.number
            ),
        ]
    )


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
