"""The shop's rules, and that a spreadsheet and a typed command read the same text the same way."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from catalog import rules
from catalog.models import OrderStatus
from catalog.services.figures import period_start
from catalog.spreadsheet import COLUMNS, SpreadsheetRejected, read_catalog

NEXT_YEAR = rules.latest_ocop_year(rules.shop_now())

ROW = {
    "sku": "BABE-NGHE-500",
    "producer_code": "BABE",
    "producer_name_vi": "Cơ sở sản xuất tinh bột nghệ Bà Bé",
    "category_vi": "Thực phẩm",
    "name_vi": "Tinh bột nghệ",
    "unit_vi": "hũ 500 g",
    "price_vnd": "280000",
    "stock": "40",
    "ocop_stars": "4",
    "ocop_granted": "2019-05-20",
}

# Forms people write, accepted or not; the spreadsheet and the commands must agree on each.
PRICES = [
    "180000", "180.000", "180,000", "180 000", "180\u00a0000", "1.250.000", "180.000 ₫",
    "180.000đ", "₫180,000", "250000 VND", "250000 vnd", "180.000 vnđ", "180000 VNĐ",
    "180000 đồng", "180000 Đ", " 180000 ", "1", str(rules.MAX_PRICE),
    "0", "-5000", "180.5", "180000.00", "1.000,000", "1.80.000", "12,5", "free", "180k",
    "1.000.000.001", "9" * 40, "１８０", "²",
]  # fmt: skip
STOCKS = [
    "0", "25", "1.000", "1,000", str(rules.MAX_STOCK), str(rules.MAX_STOCK + 1), "5.000.000",
    "-1", "1.5", "+3", "25 hũ", "", "9" * 40,
]  # fmt: skip


GRANT_DATES = [
    "15/03/2024", "15-3-2024", "15.03.2024", "2024-03-15", "5/1/2024", "03/2024", "2024",
    "29/02/2024", "31/12/2010", "1/1/2010", f"{NEXT_YEAR}", f"31/12/{NEXT_YEAR}",
    "29/02/2023", "31/04/2024", "15/13/2024", "2024/03/15", "15/03/24", "15/03-2024",
    "31/12/2009", "2009", f"{NEXT_YEAR + 1}", f"01/01/{NEXT_YEAR + 1}", "March 2024", "",
    "²⁰²⁴",
]  # fmt: skip


def imported(column: str, written: str) -> object:
    """What a one-row spreadsheet gives for ``column``, or None when it refuses the cell."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    cells = {**ROW, column: written}
    writer.writerow([cells.get(c, "") for c in COLUMNS])
    try:
        (row,) = read_catalog(buffer.getvalue().encode("utf-8-sig"), "catalog.csv")
    except SpreadsheetRejected:
        return None
    return {"price_vnd": row.price, "stock": row.stock}.get(column, row.ocop_granted)


def typed_price(text: str) -> int | None:
    """What /price accepts (it parses, the service limits): the price, or None."""
    price = rules.parse_price(text)
    return price if price is not None and rules.price_allowed(price) else None


def typed_stock(text: str) -> int | None:
    """What /stock SKU N accepts as a new stock (it parses, the service limits), or None."""
    change = rules.parse_stock_change(text)
    if change is None or change[1] or not rules.stock_allowed(change[0]):
        return None
    return change[0]


@pytest.mark.parametrize("written", PRICES)
def test_a_price_reads_the_same_in_a_spreadsheet_a_command_and_the_wizard(written: str) -> None:
    assert imported("price_vnd", written) == typed_price(written) == rules.read_price(written)


@pytest.mark.parametrize("written", STOCKS)
def test_a_stock_reads_the_same_in_a_spreadsheet_a_command_and_the_wizard(written: str) -> None:
    assert imported("stock", written) == typed_stock(written) == rules.read_stock(written)


@pytest.mark.parametrize("written", GRANT_DATES)
def test_a_grant_date_reads_the_same_in_a_spreadsheet_and_the_wizard(written: str) -> None:
    typed = rules.read_grant_date(written, rules.shop_now())
    assert imported("ocop_granted", written) == typed
    assert (typed is None) == (written in GRANT_DATES[12:])


@pytest.mark.parametrize(
    ("written", "granted"),
    [
        ("15/03/2024", date(2024, 3, 15)),
        ("5/1/2024", date(2024, 1, 5)),  # day first, as Vietnamese write it
        ("2024-03-15", date(2024, 3, 15)),
        ("03/2024", date(2024, 3, 1)),
        ("2024", date(2024, 1, 1)),  # the year alone, as before the day was kept
    ],
)
def test_grant_dates_people_write(written: str, granted: date) -> None:
    assert rules.parse_grant_date(written) == granted


@pytest.mark.parametrize(
    ("granted", "valid_until"),
    [
        (date(2022, 1, 15), date(2025, 1, 15)),
        (date(2022, 1, 1), date(2025, 1, 1)),  # a year alone: not to the end of 2025
        (date(2024, 2, 29), date(2027, 2, 28)),  # no 29 February then: that month's last day
        (date(2023, 5, 31), date(2026, 5, 31)),
        (date(2023, 12, 31), date(2026, 12, 31)),
    ],
)
def test_a_certificate_is_valid_36_months_to_the_day(granted: date, valid_until: date) -> None:
    assert rules.certificate_valid_until(granted) == valid_until
    assert not rules.certificate_lapsed(granted, valid_until)
    assert rules.certificate_lapsed(granted, valid_until + timedelta(days=1))


@pytest.mark.parametrize(
    ("written", "price"),
    [
        ("180000", 180_000),
        ("180.000", 180_000),
        ("180 000 đ", 180_000),
        ("₫180,000", 180_000),
        ("250000 VND", 250_000),
        ("180.000 vnđ", 180_000),
        ("85.000đ", 85_000),
        ("0", 0),  # it parses; price_allowed is what refuses it
    ],
)
def test_prices_people_write(written: str, price: int) -> None:
    assert rules.parse_price(written) == price


@pytest.mark.parametrize("written", ["12,5", "180.5", "1.80.000", "free", "-5000", "", "180k"])
def test_what_is_not_a_price(written: str) -> None:
    assert rules.parse_price(written) is None


def test_more_digits_than_any_limit_is_too_large_not_unreadable() -> None:
    assert rules.parse_price("9" * 5000) == rules.TOO_LARGE
    assert not rules.price_allowed(rules.TOO_LARGE)


@pytest.mark.parametrize(
    ("typed", "change"),
    [("25", (25, False)), ("+10", (10, True)), ("-3", (-3, True)), ("+1.000", (1000, True))],
)
def test_a_stock_is_set_or_changed(typed: str, change: tuple[int, bool]) -> None:
    assert rules.parse_stock_change(typed) == change


@pytest.mark.parametrize("typed", ["", "+", "--3", "+-3", "1,5", "ten", "²"])
def test_what_is_not_a_stock(typed: str) -> None:
    assert rules.parse_stock_change(typed) is None


def test_stock_stays_between_zero_and_the_cap_but_may_come_down_from_above_it() -> None:
    assert rules.stock_allowed(0)
    assert rules.stock_allowed(rules.MAX_STOCK)
    assert not rules.stock_allowed(rules.MAX_STOCK + 1)
    assert not rules.stock_allowed(-1)
    # Imported before commands and imports shared one cap: it may still be sold down.
    assert rules.stock_allowed(4_999_997, old=5_000_000)
    assert not rules.stock_allowed(5_000_001, old=5_000_000)


def test_prices_are_whole_dong_up_to_a_billion() -> None:
    assert [rules.price_allowed(p) for p in (0, 1, rules.MAX_PRICE, rules.MAX_PRICE + 1)] == [
        False,
        True,
        True,
        False,
    ]


@pytest.mark.parametrize(
    ("sku", "valid"),
    [
        ("BABE-SA-10", True),
        ("v1.2_x", True),
        ("A" * 32, True),
        ("A" * 33, False),
        ("", False),
        ("MY SKU", False),
        ("mã-số", False),
        ("BABE/10", False),
    ],
)
def test_skus(sku: str, valid: bool) -> None:
    assert rules.is_sku(sku) is valid


@pytest.mark.parametrize(
    ("typed", "order_id"),
    [
        ("DH00012", 12),
        ("dh12", 12),
        ("#12", 12),
        ("#DH00012", 12),
        ("12", 12),
        (" DH01024 ", 1024),
        ("DH" + "0" * 20 + "7", 7),
        ("DH", None),
        ("DHX12", None),
        ("12a", None),
        ("DH 12", None),
        ("1234567890123", None),
    ],
)
def test_order_numbers_as_typed(typed: str, order_id: int | None) -> None:
    assert rules.parse_order_number(typed) == order_id


@pytest.mark.parametrize("order_id", [1, 12, 1024, 99_999, 123_456])
def test_an_order_number_reads_back_as_its_order(order_id: int) -> None:
    number = rules.format_order_number(order_id)
    assert rules.parse_order_number(number) == order_id
    assert rules.transfer_content(number) == f"OCOP {number}"


def test_order_numbers_have_five_digits_at_least() -> None:
    assert rules.format_order_number(12) == "DH00012"
    assert rules.format_order_number(123_456) == "DH123456"


def test_orders_move_forward_one_step_and_may_be_cancelled_until_shipped() -> None:
    forward = {status: rules.next_step(status) for status in OrderStatus}
    assert forward == {
        OrderStatus.new: OrderStatus.accepted,
        OrderStatus.accepted: OrderStatus.shipped,
        OrderStatus.shipped: OrderStatus.delivered,
        OrderStatus.delivered: None,
        OrderStatus.cancelled: None,
    }
    assert [s for s in OrderStatus if rules.may_cancel(s)] == [
        OrderStatus.new,
        OrderStatus.accepted,
    ]
    assert rules.may_become(OrderStatus.new, OrderStatus.accepted)
    assert not rules.may_become(OrderStatus.new, OrderStatus.shipped)
    assert not rules.may_become(OrderStatus.shipped, OrderStatus.cancelled)


def test_a_refused_step_says_whether_it_is_done_comes_later_or_can_no_longer_be() -> None:
    new, accepted, shipped, delivered, cancelled = (
        OrderStatus.new, OrderStatus.accepted, OrderStatus.shipped, OrderStatus.delivered,
        OrderStatus.cancelled,
    )  # fmt: skip
    done, first, ended = rules.Refusal.done, rules.Refusal.first, rules.Refusal.ended
    answers = {
        (current, wanted): rules.refused_step(current, wanted)
        for current in OrderStatus
        for wanted in OrderStatus
        if not rules.may_become(current, wanted)
    }
    assert answers == {
        (new, new): (done, None),
        (new, shipped): (first, accepted),  # "xong" on a new order: accept it first
        (new, delivered): (first, accepted),
        (accepted, new): (done, None),
        (accepted, accepted): (done, None),
        (accepted, delivered): (first, shipped),
        (shipped, new): (done, None),
        (shipped, accepted): (done, None),
        (shipped, shipped): (done, None),
        (shipped, cancelled): (ended, None),
        (delivered, new): (done, None),
        (delivered, accepted): (done, None),
        (delivered, shipped): (done, None),
        (delivered, delivered): (done, None),
        (delivered, cancelled): (ended, None),
        (cancelled, new): (ended, None),
        (cancelled, accepted): (ended, None),
        (cancelled, shipped): (ended, None),
        (cancelled, delivered): (ended, None),
        (cancelled, cancelled): (done, None),
    }


def test_the_shop_keeps_vietnam_time_all_year() -> None:
    for month in (1, 7):
        moment = datetime(2026, month, 15, tzinfo=UTC)
        assert moment.astimezone(rules.SHOP_TIMEZONE).utcoffset() == timedelta(hours=7)


def test_the_latest_ocop_year_turns_with_vietnam_new_year() -> None:
    assert rules.latest_ocop_year(datetime(2026, 12, 31, 16, 59, tzinfo=UTC)) == 2027
    assert rules.latest_ocop_year(datetime(2026, 12, 31, 17, 0, tzinfo=UTC)) == 2028


def test_periods_start_at_midnight_in_vietnam() -> None:
    # 01:30 on Thursday 3 December in Hanoi.
    now = datetime(2026, 12, 2, 18, 30, tzinfo=UTC)
    assert period_start("today", now) == datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
    assert period_start("week", now) == datetime(2026, 11, 29, 17, 0, tzinfo=UTC)
    assert period_start("month", now) == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
