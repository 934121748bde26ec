"""Rendering values for people: money, dates, stars, statuses — in the reader's language,
for every channel (``language`` is the one being written in, see ``locales.translation``)."""

from __future__ import annotations

import html
from datetime import date, datetime

from babel.dates import format_date, format_datetime

from catalog import rules
from catalog.addresses import format_address
from catalog.models import OrderStatus, PaymentMethod
from catalog.money import format_vnd
from catalog.phone import format_phone_display
from catalog.services.orders import DeliveryDetails
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
    return format_datetime(
        moment.astimezone(rules.SHOP_TIMEZONE),
        "dd/MM/yyyy HH:mm",
        locale=_BABEL_LOCALES[language()],
    )


def day(value: date) -> str:
    """A calendar day as Vietnamese and British readers write it: 15/03/2025."""
    return format_date(value, "dd/MM/yyyy", locale=_BABEL_LOCALES[language()])


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
