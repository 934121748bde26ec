"""A customer who ordered before comes back through a product link and orders again by
pressing buttons only, in few messages: each press turns the screen it was on into the next
one, and the saved details lead straight to the review."""

import sqlite3

import pytest
from support.botprocess import BotProcess, Shop
from support.journeys import (
    HANOI_DELIVERY_VI,
    answer_in_turn,
    greeted,
    open_checkout,
    search_and_add,
)

from catalog.links import LinkSource, product_link
from catalog.money import format_vnd
from emulators.telegram import Emulator, Person

pytestmark = pytest.mark.asyncio(loop_scope="module")

BOT = "ocop_shop_bot"  # the emulator's bot
OIL = "BABE-SA-10"  # Tinh dầu sả chanh, Bà Bé


def query(shop: Shop, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(shop.database) as db:
        return db.execute(sql, args).fetchall()


async def first_order(person: Person) -> None:
    tea_set = f"Bộ ấm chén hoa sen · {format_vnd(980_000, 'vi')}"
    await search_and_add(person, "am chen sen", tea_set, "vi")
    await open_checkout(person, "vi")
    await answer_in_turn(person, HANOI_DELIVERY_VI)
    await person.press("🏦 Chuyển khoản (VietQR)")
    await person.wait_for(lambda m: "Đơn hàng của bạn" in m.text)
    await person.press("✅ Xác nhận đặt hàng")
    await person.wait_for(lambda m: "Chuyển khoản cho đơn DH" in m.text)


def new_messages(person: Person, after: int) -> int:
    return sum(1 for e in person.chat.events[after:] if e.kind == "bot_message")


async def test_a_returning_customer_orders_from_a_product_link_with_buttons_only(
    emulator: Emulator, bot_process: BotProcess, shop: Shop
) -> None:
    ha = await greeted(emulator, "Hà", "vi")
    await first_order(ha)

    before = len(ha.chat.events)
    await ha.open_link(product_link(OIL, LinkSource.product).url(BOT))
    card = await ha.wait_for(lambda m: m.inline_button("🛒 Thêm 1 vào giỏ") is not None)
    assert "Tinh dầu sả chanh" in card.text
    await ha.press("🛒 Thêm 1 vào giỏ")
    await ha.wait_callback_answer()
    await ha.press("🛒 Giỏ hàng")
    await ha.wait_for(lambda m: m.inline_button("✅ Đặt hàng") is not None)
    await ha.press("✅ Đặt hàng")
    offer = await ha.wait_for(lambda m: "Giao đến địa chỉ như lần trước?" in m.text)
    assert "8 Tràng Thi, Phường Cửa Nam, Hà Nội" in offer.text
    await ha.press("✅ Giao đến đó")
    review = await ha.wait_for(lambda m: "Đơn hàng của bạn" in m.text)
    assert "Tinh dầu sả chanh × 1" in review.text
    assert "Phạm Thu <Hà>" in review.text
    assert "💳 Chuyển khoản (VietQR)" in review.text  # as she paid last time
    assert [b["text"] for row in review.inline_keyboard for b in row] == [
        "✅ Xác nhận đặt hàng",
        "✏️ Sửa",
        "✖️ Hủy",
    ]
    await ha.press("✅ Xác nhận đặt hàng")
    await ha.wait_callback_answer()
    await ha.wait_for(
        lambda m: m.message_id != review.message_id and "Đơn hàng đã được đặt" in m.text
    )

    # The card from the link, the cart (a photo cannot be edited into text), the placed order
    # and its VietQR code; everything else redrew the cart's message.
    await ha.wait_for(lambda m: "Chuyển khoản cho đơn DH00002" in m.text)
    assert new_messages(ha, before) == 4, ha.transcript()
    [(street, ward, payment, note)] = query(
        shop,
        "SELECT o.address_street, o.address_ward, o.payment_method, o.note FROM orders o "
        "JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id "
        "WHERE o.user_id = ? AND p.sku = ?",
        ha.id,
        OIL,
    )
    assert (street, ward, note) == ("8 Tràng Thi", "Phường Cửa Nam", "")
    assert payment == "bank_transfer"
