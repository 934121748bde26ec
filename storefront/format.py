"""Rendering values for people: money, dates, stars, statuses — in the reader's language,
for every channel (``language`` is the one being written in, see ``locales.translation``)."""

from __future__ import annotations

import html
from datetime import datetime

from babel.dates import format_datetime

from catalog import rules
from catalog.addresses import format_address
from catalog.models import OrderStatus, PaymentMethod, PaymentStatus
from catalog.money import format_vnd
from catalog.phone import format_phone_display
from catalog.services.orders import DeliveryDetails, OrderView
from catalog.text import N_
from locales.translation import gettext as _
from locales.translation import language

_BABEL_LOCALES = {"vi": "vi_VN", "en": "en_GB"}

_STATUSES = {
    OrderStatus.new: N_("New"),
    OrderStatus.accepted: N_("Accepted"),
    OrderStatus.shipped: N_("Shipped"),
    OrderStatus.delivered: N_("Delivered"),
    OrderStatus.cancelled: N_("Cancelled"),
}
_STATUS_ICONS = {
    OrderStatus.new: "🆕",
    OrderStatus.accepted: "👍",
    OrderStatus.shipped: "🚚",
    OrderStatus.delivered: "✅",
    OrderStatus.cancelled: "✖️",
}
_PAYMENT_STATES = {
    PaymentStatus.on_delivery: ("💵", N_("Pay on delivery")),
    PaymentStatus.awaiting: ("⏳", N_("Awaiting the transfer")),
    PaymentStatus.part_paid: ("⚠️", N_("Part-paid")),
    PaymentStatus.paid: ("💰", N_("Paid")),
    PaymentStatus.over_paid: ("⚠️", N_("Over-paid")),
    PaymentStatus.refund_owed: ("↩️", N_("Refund owed")),
    PaymentStatus.refunded: ("↩️", N_("Refunded")),
}
_PAYMENTS = {
    PaymentMethod.cod: N_("Cash on delivery"),
    PaymentMethod.bank_transfer: N_("Bank transfer (VietQR)"),
}


def esc(text: str) -> str:
    """Anything a person typed, or any catalog name, before it goes into an HTML message."""
    return html.escape(text, quote=False)


def money(amount: int) -> str:
    return format_vnd(amount, language())


def stars(count: int) -> str:
    return "⭐" * count


def when(moment: datetime) -> str:
    return format_datetime(
        moment.astimezone(rules.SHOP_TIMEZONE),
        "dd/MM/yyyy HH:mm",
        locale=_BABEL_LOCALES[language()],
    )


def when_zoned(moment: datetime) -> str:
    """A time with its zone named, where the reader may be elsewhere (customers abroad)."""
    return _("{when} (Vietnam time)").format(when=when(moment))


def status_label(status: OrderStatus) -> str:
    return f"{_STATUS_ICONS[status]} {_(_STATUSES[status])}"


def payment_label(method: PaymentMethod) -> str:
    return _(_PAYMENTS[method])


def payment_state_label(status: PaymentStatus) -> str:
    icon, msgid = _PAYMENT_STATES[status]
    return f"{icon} {_(msgid)}"


def payment_line(order: OrderView) -> str:
    """Where the order's money stands, with what is missing or owed back ("" for a
    cancelled order nobody paid anything for)."""
    label = payment_state_label(order.payment_status)
    status = order.payment_status
    if order.status == OrderStatus.cancelled and not order.amount_paid:
        return ""
    if status == PaymentStatus.part_paid:
        return _("{label}: {paid} of {total} received, {missing} missing").format(
            label=label,
            paid=money(order.amount_paid),
            total=money(order.total),
            missing=money(order.amount_missing),
        )
    if status in (PaymentStatus.over_paid, PaymentStatus.refund_owed):
        return _("{label}: {amount} to return").format(
            label=label, amount=money(order.amount_owed_back)
        )
    if status == PaymentStatus.awaiting and order.payment_due_at is not None:
        return _("{label}, until {when}").format(
            label=label, when=when_zoned(order.payment_due_at)
        )
    return label


def delivery_text(details: DeliveryDetails) -> str:
    """Who receives an order, their phone and address, and the note if there is one."""
    lines = [
        f"👤 {esc(details.recipient_name)}",
        f"📞 {format_phone_display(details.phone)}",
        "📍 " + esc(format_address(details.street, details.ward, details.province)),
    ]
    if details.note:
        lines.append(f"📝 {esc(details.note)}")
    return "\n".join(lines)


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…" if limit > 0 else ""
