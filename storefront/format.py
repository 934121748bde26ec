"""Rendering values for people: money, dates, stars, statuses — in the reader's language,
for every channel (``language`` is the one being written in, see ``locales.translation``)."""

from __future__ import annotations

import html
import re
from datetime import date, datetime

from catalog import rules
from catalog.addresses import format_address
from catalog.models import OrderStatus, PaymentMethod, PaymentStatus
from catalog.money import format_vnd
from catalog.phone import format_phone_display
from catalog.services.orders import DeliveryDetails, OrderView
from catalog.text import N_
from locales.translation import gettext as _
from locales.translation import language, ngettext

# The marks of a screen's text (screens.py): no channel shows them as characters.
_TAG = re.compile(r"<[^>]*>")

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


def rating_lines(ocop_stars: int, granted: date, today: date) -> list[str]:
    """The stars, the year they were granted, and until when the certificate is valid
    (36 months from the day of grant), or that it has lapsed."""
    valid_until = rules.certificate_valid_until(granted)
    rating = {"stars": stars(ocop_stars), "count": ocop_stars, "year": granted.year}
    if rules.certificate_lapsed(granted, today):
        return [
            _("{stars} OCOP {count} stars, {year}").format(**rating),
            _("⚠️ Certificate lapsed: it was valid until {date} (36 months)").format(
                date=day(valid_until)
            ),
        ]
    return [
        _("{stars} OCOP {count} stars, {year}, valid until {date}").format(
            **rating, date=day(valid_until)
        )
    ]


def when(moment: datetime) -> str:
    """A moment in the shop's time zone, as Vietnamese and British readers write it:
    15/03/2025 09:05."""
    shop = moment.astimezone(rules.SHOP_TIMEZONE)
    return f"{day(shop.date())} {shop.hour:02d}:{shop.minute:02d}"


def day(value: date) -> str:
    """A calendar day as Vietnamese and British readers write it: 15/03/2025 (CLDR's
    dd/MM/yyyy for vi and en_GB, digits alike in both: no locale data needed)."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


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


def line_name(name: str) -> str:
    """A name in a list of lines (cart, review, orders, alerts): shortened, escaped."""
    return esc(shorten(name, rules.LINE_NAME_LENGTH))


def visible_length(text: str) -> int:
    """How long a marked text is as shown: without its tags, each escape one character
    (as Telegram counts its 4,096; a channel without marks drops them and unescapes)."""
    return len(html.unescape(_TAG.sub("", text)))


def fit_text(head: list[str], body: list[str], tail: list[str], *, limit: int) -> str:
    """``head``, ``body`` and ``tail`` as one text at most ``limit`` characters long as
    shown (the channel's limit on a message): when it would be longer, the body's last lines
    give way to "…and N more lines" (``head`` and ``tail`` are bounded by whoever writes
    them). The rules keep every screen well within Telegram's limit (rules.MAX_CART_LINES);
    this keeps an order placed before them, or text nobody foresaw, from being refused."""
    text = "\n".join([*head, *body, *tail])
    if visible_length(text) <= limit:
        return text
    used = visible_length("\n".join([*head, *tail]))
    shown: list[str] = []
    for line in body:
        rest = _more_lines(len(body) - len(shown) - 1)
        if used + visible_length(line) + len(rest) + 2 > limit:
            break
        shown.append(line)
        used += visible_length(line) + 1
    return "\n".join([*head, *shown, _more_lines(len(body) - len(shown)), *tail])


def _more_lines(count: int) -> str:
    return ngettext("…and {count} more line", "…and {count} more lines", count).format(count=count)
