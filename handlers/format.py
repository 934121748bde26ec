"""Rendering values for people: money, dates, stars, statuses — in the reader's language."""

from __future__ import annotations

import html
import re
from datetime import datetime

from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from babel.dates import format_datetime

from catalog import rules
from catalog.addresses import format_address
from catalog.models import OrderStatus, PaymentMethod
from catalog.money import format_vnd
from catalog.phone import format_phone_display
from catalog.services.orders import DeliveryDetails
from catalog.text import N_

# Telegram's limit on a message's text, counted after its HTML is read (visible_length).
TEXT_LIMIT = 4096
_TAG = re.compile(r"<[^>]*>")

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
_PAYMENTS = {
    PaymentMethod.cod: N_("Cash on delivery"),
    PaymentMethod.bank_transfer: N_("Bank transfer (VietQR)"),
}


def language() -> str:
    """The language of the update being handled (set by the locale middleware)."""
    return I18n.get_current(no_error=False).current_locale


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
    """How long Telegram counts an HTML text: without its tags, each escape one character."""
    return len(html.unescape(_TAG.sub("", text)))


def fit_text(head: list[str], body: list[str], tail: list[str], limit: int = TEXT_LIMIT) -> str:
    """``head``, ``body`` and ``tail`` as one text Telegram counts at most ``limit``
    characters long: when it would be longer, the body's last lines give way to "…and N more
    lines" (``head`` and ``tail`` are bounded by whoever writes them). The rules keep every
    screen well within the limit (rules.MAX_CART_LINES); this keeps an order placed before
    them, or text nobody foresaw, from being refused."""
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
