"""The shop's rules, once: limits, SKUs, amounts people write, the shop's time zone, order
numbers, the bank-transfer content, the steps an order may take and whether it is paid.

Commands, the product wizard, spreadsheets and services all ask here, so that what one
accepts the others accept too. Pure functions and constants: no database, no messenger.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Final

from catalog.models.enums import OrderStatus, PaymentMethod, PaymentStatus
from catalog.text import nfc

# --- the shop's clock ------------------------------------------------------------------------

# Vietnam keeps UTC+7 all year (no daylight saving): days, months and years turn there.
SHOP_TIMEZONE: Final = timezone(timedelta(hours=7), "ICT")


def shop_now() -> datetime:
    return datetime.now(SHOP_TIMEZONE)


# --- stock and prices ------------------------------------------------------------------------

# One limit for commands, the wizard and imports alike. A million units of one handmade OCOP
# product is far beyond any producer's store, and a cap this low still catches a typed extra
# zero or two; the column itself (32-bit INTEGER) would allow 2,147,483,647.
MAX_STOCK: Final = 1_000_000
MAX_PRICE: Final = 1_000_000_000  # đồng; anything above is absurd for one OCOP item


def price_allowed(price: int) -> bool:
    return 0 < price <= MAX_PRICE


def stock_allowed(new: int, old: int = 0) -> bool:
    """Never below zero, never raised above ``MAX_STOCK``; a stock already above the cap
    (written before the cap was one) may still come down."""
    return 0 <= new <= max(MAX_STOCK, old)


# --- carts and orders ------------------------------------------------------------------------

# How many different products one cart, and so one checkout, may hold. Every screen that lists
# a cart's or an order's lines must stay within one message (Telegram: 4,096 characters) and
# one keyboard (100 buttons). With 20 lines, names shortened to LINE_NAME_LENGTH, the review
# (every line, a subtotal per producer and the delivery details, which the checkout itself
# bounds to about 1,100 characters) stays under 3,600 characters, the placed-order message
# under 2,000, and each producer's alert shows every line of its order. A basket of OCOP goods
# holds a handful of products; 20 still lets a shop buy a whole range of gifts at once.
MAX_CART_LINES: Final = 20
# The cart's lines on one page of its screen: each has a stepper (a name row and three
# buttons), so a page is 20 buttons, and a phone shows a page without scrolling far.
CART_PAGE_SIZE: Final = 5
# A product's or producer's name where many lines are listed (cart, review, orders, alerts).
LINE_NAME_LENGTH: Final = 60


# --- photos ----------------------------------------------------------------------------------

# What Telegram's sendPhoto takes (Bot API): "at most 10 MB in size", "width and height must
# not exceed 10000 in total", "width and height ratio must be at most 20". A product photo
# outside them is fitted when it is stored (catalog.photos): a phone's 8000×6000 picture
# would otherwise be refused on every view of its card.
MAX_PHOTO_BYTES: Final = 10 * 1024 * 1024
MAX_PHOTO_SIDES: Final = 10_000
MAX_PHOTO_RATIO: Final = 20
# The longest side of a fitted photo: Telegram keeps and shows none larger.
FITTED_PHOTO_SIDE: Final = 2560


# --- names and codes -------------------------------------------------------------------------

# Column widths (catalog.models): PostgreSQL refuses longer text.
MAX_SKU_LENGTH: Final = 32
MAX_NAME_LENGTH: Final = 200  # product and producer names
MAX_CATEGORY_LENGTH: Final = 100
MAX_UNIT_LENGTH: Final = 50
MAX_PHOTO_PATH_LENGTH: Final = 255
# Letters, digits and . _ - : what survives a URL, a QR payload and a spreadsheet untouched.
SKU_CHARACTERS: Final = re.compile(r"[A-Za-z0-9._-]+")


def is_sku(text: str) -> bool:
    return len(text) <= MAX_SKU_LENGTH and SKU_CHARACTERS.fullmatch(text) is not None


# --- OCOP certificates -----------------------------------------------------------------------

MIN_OCOP_STARS: Final = 3
MAX_OCOP_STARS: Final = 5
FIRST_OCOP_YEAR: Final = 2010  # the programme's first certificates
# Decision 1489/QĐ-TTg: a certificate is valid for 36 months from the day it is granted.
CERTIFICATE_MONTHS: Final = 36


def stars_allowed(stars: int) -> bool:
    return MIN_OCOP_STARS <= stars <= MAX_OCOP_STARS


def latest_ocop_year(now: datetime) -> int:
    """Certificates of next year are issued late in this one."""
    return now.astimezone(SHOP_TIMEZONE).year + 1


def grant_date_allowed(granted: date, now: datetime) -> bool:
    """From the programme's first year to the end of next year (as ``latest_ocop_year``)."""
    return FIRST_OCOP_YEAR <= granted.year <= latest_ocop_year(now)


def certificate_valid_until(granted: date) -> date:
    """The last day a certificate granted on ``granted`` is valid.

    As the Civil Code counts a period of months (2015, art. 147-148): the day of grant is not
    counted, and the period ends with the same day of the last month, or with that month's
    last day when it has no such day (granted 31 May: valid until 31 May, three years on;
    granted 29 February: until 28 February).
    """
    months = granted.month - 1 + CERTIFICATE_MONTHS
    year, month = granted.year + months // 12, months % 12 + 1
    return date(year, month, min(granted.day, calendar.monthrange(year, month)[1]))


def certificate_lapsed(granted: date, today: date) -> bool:
    return today > certificate_valid_until(granted)


# A date as Vietnamese write it (day first: 15/03/2024, 15-3-2024, 15.03.2024), as a
# spreadsheet stores it (2024-03-15), a month (03/2024) or a year alone (2024).
_DAY_MONTH_YEAR: Final = re.compile(r"([0-9]{1,2})([./-])([0-9]{1,2})\2([0-9]{4})")
_ISO_DATE: Final = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_MONTH_YEAR: Final = re.compile(r"([0-9]{1,2})[./-]([0-9]{4})")
_YEAR: Final = re.compile(r"[0-9]{4}")


def parse_grant_date(text: str) -> date | None:
    """The day a certificate was granted; a month alone reads as its first day, a year alone
    as 1 January (all that was recorded before the day was). None when it is no date."""
    text = text.strip()
    day = month = 1
    if found := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = int(found.group(1)), int(found.group(3)), int(found.group(4))
    elif found := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in found.groups())
    elif found := _MONTH_YEAR.fullmatch(text):
        month, year = int(found.group(1)), int(found.group(2))
    elif _YEAR.fullmatch(text):
        year = int(text)
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def read_grant_date(text: str, now: datetime) -> date | None:
    """A grant date someone typed, when the shop accepts it."""
    granted = parse_grant_date(text)
    return granted if granted is not None and grant_date_allowed(granted, now) else None


# --- amounts people write --------------------------------------------------------------------

# What parse_whole returns for more digits than any limit allows: still "too large", not
# "not a number", and int() is never asked for thousands of digits.
TOO_LARGE: Final = 10**18
_MAX_DIGITS: Final = 18
_DIGITS: Final = re.compile(r"[0-9]+")
# Thousands grouped by one separator used throughout: 180.000, 180,000, 180 000, 1.250.000.
_GROUPED: Final = re.compile("[0-9]{1,3}([., \u00a0\u202f])[0-9]{3}(?:\\1[0-9]{3})*")
# The currency before or after the amount, in any case: ₫180.000, 180.000đ, 180000 VND.
_CURRENCY: Final = re.compile(r"^₫?\s*(.*?)\s*(?:₫|đ|đồng|vnd|vnđ)?$")


def parse_whole(text: str, *, grouped: bool = True) -> int | None:
    """A whole number written in digits, thousands grouped or not; None when it is not one.

    A decimal mark is never a thousands separator here: "180,5" and "1.80.000" are refused.
    """
    text = text.strip()
    if not (_DIGITS.fullmatch(text) or (grouped and _GROUPED.fullmatch(text))):
        return None
    digits = re.sub(r"[^0-9]", "", text)
    return int(digits) if len(digits) <= _MAX_DIGITS else TOO_LARGE


def parse_price(text: str) -> int | None:
    """An amount of đồng as people write it: "180000", "180.000", "180 000 đ", "₫180,000",
    "250000 VND", "180.000 vnđ". Zero parses (it is ``price_allowed`` that refuses it)."""
    match = _CURRENCY.match(nfc(text).strip().casefold())
    return parse_whole(match.group(1)) if match else None


def read_price(text: str) -> int | None:
    """A price someone typed, when the shop accepts it."""
    price = parse_price(text)
    return price if price is not None and price_allowed(price) else None


def read_stock(text: str) -> int | None:
    """A stock someone typed (a whole number, not a change), when the shop accepts it."""
    stock = parse_whole(text)
    return stock if stock is not None and stock_allowed(stock) else None


def parse_stock_change(text: str) -> tuple[int, bool] | None:
    """``25`` sets the stock, ``+10`` and ``-3`` change it: (amount, relative), or None."""
    text = text.strip()
    relative = text[:1] in ("+", "-")
    amount = parse_whole(text[1:] if relative else text)
    if amount is None:
        return None
    return (-amount if text.startswith("-") else amount), relative


# --- orders ----------------------------------------------------------------------------------

ORDER_PREFIX: Final = "DH"  # đơn hàng
_ORDER_NUMBER: Final = re.compile(rf"#?(?:{ORDER_PREFIX})?0*([0-9]{{1,12}})", re.IGNORECASE)


def format_order_number(order_id: int) -> str:
    """The number people read aloud and type into a bank transfer: ``DH01024``."""
    return f"{ORDER_PREFIX}{order_id:05d}"


def parse_order_number(text: str) -> int | None:
    """The order id in what someone typed: ``DH00012``, ``dh12``, ``#12`` or ``12``."""
    found = _ORDER_NUMBER.fullmatch(text.strip())
    return int(found.group(1)) if found else None


def transfer_content(order_number: str) -> str:
    """What the customer writes as the bank transfer's content, for the producer to match."""
    return f"OCOP {order_number}"


# Where an order may go from where it is.
ORDER_STEPS: Final[Mapping[OrderStatus, frozenset[OrderStatus]]] = {
    OrderStatus.new: frozenset({OrderStatus.accepted, OrderStatus.cancelled}),
    OrderStatus.accepted: frozenset({OrderStatus.shipped, OrderStatus.cancelled}),
    OrderStatus.shipped: frozenset({OrderStatus.delivered}),
    OrderStatus.delivered: frozenset(),
    OrderStatus.cancelled: frozenset(),
}


def may_become(current: OrderStatus, wanted: OrderStatus) -> bool:
    return wanted in ORDER_STEPS[current]


def next_step(status: OrderStatus) -> OrderStatus | None:
    """The step forward from ``status`` (cancelling aside), or None when it has ended."""
    return next((s for s in ORDER_STEPS[status] if s != OrderStatus.cancelled), None)


def may_cancel(status: OrderStatus) -> bool:
    return OrderStatus.cancelled in ORDER_STEPS[status]


def _forward_line() -> tuple[OrderStatus, ...]:
    """The statuses an order passes through when nothing goes wrong, in order."""
    line = [OrderStatus.new]
    while (step := next_step(line[-1])) is not None:
        line.append(step)
    return tuple(line)


FORWARD: Final = _forward_line()


class Refusal(StrEnum):
    """Why a step was refused, in what holds now."""

    done = "done"  # the order is there already, or has gone past it
    first = "first"  # another step comes first (``refused_step``'s second value)
    ended = "ended"  # the order went another way: it can no longer get there


def refused_step(current: OrderStatus, wanted: OrderStatus) -> tuple[Refusal, OrderStatus | None]:
    """Why an order at ``current`` may not become ``wanted`` (``may_become`` is False), and
    the step to take first when that is the reason: every channel words this answer."""
    if current == wanted:
        return Refusal.done, None
    if current in FORWARD and wanted in FORWARD:
        if FORWARD.index(wanted) < FORWARD.index(current):
            return Refusal.done, None
        return Refusal.first, next_step(current)
    return Refusal.ended, None


def customer_may_cancel(status: OrderStatus) -> bool:
    """A customer may take back only an order nobody has accepted yet."""
    return status == OrderStatus.new


# --- payments --------------------------------------------------------------------------------

# An unpaid bank-transfer order is cancelled after this long (bot.toml can change it), and
# its customer reminded at half-time.
DEFAULT_PAYMENT_WINDOW: Final = timedelta(hours=24)
REMINDER_AT: Final = 0.5
# Owed nothing, owed the rest, or owed back: what staff lists call "unpaid".
UNPAID: Final = frozenset({PaymentStatus.awaiting, PaymentStatus.part_paid})
# Money that came for the order (or more): the producer may ship.
SETTLED: Final = frozenset({PaymentStatus.paid, PaymentStatus.over_paid})
OWED_BACK: Final = frozenset({PaymentStatus.over_paid, PaymentStatus.refund_owed})


def payment_status(
    method: PaymentMethod, status: OrderStatus, total: int, paid: int, refunded: int = 0
) -> PaymentStatus:
    """Where an order's money stands, from what came in (``paid``) and went back
    (``refunded``). Cash on delivery is "pay on delivery" until the cash is recorded (at
    delivery); money for a cancelled order is owed back until it is refunded."""
    if paid <= 0:
        return PaymentStatus.on_delivery if method == PaymentMethod.cod else PaymentStatus.awaiting
    if status == OrderStatus.cancelled:
        return PaymentStatus.refunded if refunded >= paid else PaymentStatus.refund_owed
    if paid < total:
        return PaymentStatus.part_paid
    if paid - refunded > total:
        return PaymentStatus.over_paid
    return PaymentStatus.paid


def amount_missing(total: int, paid: int) -> int:
    return max(0, total - paid)


def amount_owed_back(status: OrderStatus, total: int, paid: int, refunded: int) -> int:
    """What the producer owes the customer: everything for a cancelled order, the excess
    for one paid too much, less what was refunded."""
    kept = 0 if status == OrderStatus.cancelled else total
    return max(0, paid - kept - refunded) if paid > kept else 0


def payment_holds_shipping(method: PaymentMethod, paid: PaymentStatus) -> bool:
    """A bank-transfer order is shipped once paid, unless the producer says so explicitly."""
    return method == PaymentMethod.bank_transfer and paid in UNPAID


def payment_expires(status: OrderStatus, method: PaymentMethod, paid: int) -> bool:
    """Whether an order still expires unpaid: a transfer order nobody has paid anything
    for, still new or accepted (a part payment goes to a person instead)."""
    return method == PaymentMethod.bank_transfer and paid == 0 and may_cancel(status)


# What a producer adds to a ship command to ship a transfer order before it is paid
# (folded: without accents, lower case): /ship DH00012 unpaid, giao DH00012 chua tra.
SHIP_UNPAID_WORDS: Final = frozenset({"unpaid", "chua tra", "chua thanh toan", "chua tt"})


def payos_order_code(order_id: int) -> int:
    """payOS's ``orderCode`` of an order: the digits of its number (``DH00012`` → 12)."""
    return order_id


def payos_description(order_number: str) -> str:
    """payOS's ``description``: the order number alone, within the 9 characters payOS
    allows on an account not linked through it."""
    return order_number


# A producer's code (the start of its SKUs, the key of its shop's links): capitals and digits,
# so every producer code is also a valid SKU.
PRODUCER_CODE: Final = re.compile(r"[A-Z0-9]{2,12}")


def is_producer_code(text: str) -> bool:
    return PRODUCER_CODE.fullmatch(text) is not None


# --- comments on the Facebook Page's posts ---------------------------------------------------

# A carousel holds ten cards: the most products a post can be tied to.
MAX_POST_PRODUCTS: Final = 10
# Meta lets a Page answer a comment in private once, within 7 days of it.
PRIVATE_REPLY_DAYS: Final = 7
# What people write under a livestream to take what it shows: as typed, with or without the
# accent, in any letter case. Folding accents away would make "mùa" (season) and "mưa"
# (rain) buying words.
BUYING_WORDS: Final = frozenset({"chốt", "chot", "mua"})
_LETTER_RUNS: Final = re.compile(r"[^\W\d_]+")
# Graph's id of a Page's post: "<page id>_<post id>".
POST_ID: Final = re.compile(r"([0-9]{5,20})_([0-9]{5,25})")
# Where a post's own number is in the links Facebook gives to it.
_POST_IN_URL: Final = re.compile(
    r"(?:/posts/|/videos/|/permalink/|[?&]story_fbid=|[?&]fbid=|[?&]v=)([0-9]{5,25})"
)


def says_buy(text: str) -> bool:
    """Whether a comment holds a buying word ("Chốt 2 hộp", "mua!", "CHOT")."""
    return any(word in BUYING_WORDS for word in _LETTER_RUNS.findall(nfc(text).casefold()))


def parse_post_id(text: str, page_id: str) -> str | None:
    """Graph's id of a post of the Page ``page_id`` from what an admin pasted: the id itself
    (``<page id>_<post id>``), the post's number alone, or a link to the post with its number
    in it; None for anything else, or for another Page's post."""
    text = text.strip()
    whole = POST_ID.fullmatch(text)
    if whole is not None:
        return text if whole.group(1) == page_id or not page_id else None
    if not page_id:
        return None
    if text.isascii() and text.isdigit() and 5 <= len(text) <= 25:
        return f"{page_id}_{text}"
    found = _POST_IN_URL.search(text) if "facebook.com/" in text else None
    return f"{page_id}_{found.group(1)}" if found else None
