"""A new customer's first order, in few messages: the address typed whole, the recipient's
name typed with the number, a note from the payment question; every press redraws the
screen it was on, every typed answer gets one message, the next question."""

import sqlite3

import pytest
from support.botprocess import BotProcess, Shop
from support.journeys import greeted, search_and_add

from catalog.money import format_vnd
from emulators.telegram import Emulator, Person

pytestmark = pytest.mark.asyncio(loop_scope="module")


def the_order(shop: Shop, person: Person, columns: str) -> tuple[object, ...]:
    """The person's one order: ``columns`` of its row."""
    with sqlite3.connect(shop.database) as db:
        [row] = db.execute(
            f"SELECT {columns} FROM orders WHERE user_id = ?", (person.id,)
        ).fetchall()
    return tuple(row)


def new_messages(person: Person, after: int) -> int:
    return sum(1 for e in person.chat.events[after:] if e.kind == "bot_message")


async def test_a_new_customer_orders_in_seven_messages_from_start_to_the_placed_order(
    emulator: Emulator, bot_process: BotProcess, shop: Shop
) -> None:
    before = 0
    lan = await greeted(emulator, "Lan", "vi")
    tea_set = f"Bộ ấm chén hoa sen · {format_vnd(980_000, 'vi')}"
    await search_and_add(lan, "am chen sen", tea_set, "vi")
    await lan.press("🛒 Giỏ hàng")
    cart = await lan.wait_for(lambda m: m.inline_button("✅ Đặt hàng") is not None)
    await lan.press("✅ Đặt hàng")
    provinces = await lan.wait_for(lambda m: "Giao hàng đến đâu?" in m.text)
    assert provinces.message_id == cart.message_id  # the cart became the first question
    await lan.press("Hà Nội")
    address = await lan.wait_for(lambda m: "Địa chỉ ở Hà Nội" in m.text)
    assert address.message_id == cart.message_id

    # Ward and street in one message, without a comma; name and number in one message.
    await lan.send("8 Tràng Thi phường Cửa Nam")
    who = await lan.wait_for(lambda m: "Ai nhận hàng?" in m.text)
    assert who.text.startswith("📍 8 Tràng Thi, Phường Cửa Nam, Hà Nội\n")
    assert "Nếu chỉ gõ số, người nhận là Lan." in who.text
    await lan.send("Phạm Thu <Hà> & 🧪, sđt 0912.345.678")
    payment = await lan.wait_for(lambda m: "thanh toán" in m.text)
    assert payment.text.startswith("👤 Phạm Thu <Hà> & 🧪 · 📞 0912 345 678\n")
    # The share button (and the way out) stay under the typing field until the order.
    assert lan.reply_keyboard == [["📱 Gửi số điện thoại của tôi"], ["✖️ Hủy đặt hàng"]]

    await lan.press("💵 Thanh toán khi nhận hàng (COD)")
    review = await lan.wait_for(lambda m: "Đơn hàng của bạn" in m.text)
    assert review.message_id == payment.message_id
    await lan.press("✅ Xác nhận đặt hàng")
    placed = await lan.wait_for(lambda m: "Đơn hàng đã được đặt" in m.text)
    assert placed.message_id != review.message_id  # the review stays in the chat

    # The greeting, the search's results, the product card (a photo), the cart (a card
    # cannot become text), who receives it, how to pay, the placed order.
    assert new_messages(lan, before) == 7, lan.transcript()
    columns = "recipient_name, phone, address_province, address_ward, address_street, "
    assert the_order(shop, lan, columns + "payment_method, note") == (
        "Phạm Thu <Hà> & 🧪",
        "+84912345678",
        "Hà Nội",
        "Phường Cửa Nam",
        "8 Tràng Thi",
        "cod",
        "",
    )


async def test_a_note_is_added_from_the_payment_question_and_the_way_back_keeps_none(
    emulator: Emulator, bot_process: BotProcess, shop: Shop
) -> None:
    mary = await greeted(emulator, "Mary", "en")
    pork = f"Nem chua fermented pork · {format_vnd(100_000, 'en')}"
    await search_and_add(mary, "nem chua", pork, "en")
    await mary.press("🛒 Cart")
    await mary.wait_for(lambda m: m.inline_button("✅ Checkout") is not None)
    await mary.press("✅ Checkout")
    await mary.wait_for(lambda m: "Where shall we deliver?" in m.text)
    await mary.send("ha noi")
    await mary.wait_for(lambda m: "The address in Hà Nội" in m.text)
    await mary.send("Phường Hoàn Kiếm")
    await mary.wait_for(lambda m: "House number and street" in m.text)
    await mary.send("12 Hàng Gai")
    await mary.wait_for(lambda m: "Who receives the parcel?" in m.text)
    await mary.send("0912 345 678")  # a number alone: the parcel goes to her Telegram name
    first = await mary.wait_for(lambda m: "How will you pay?" in m.text)
    assert first.text.startswith("👤 Mary · 📞 0912 345 678\n")
    # The name (and number) typed again where a button is expected: read again, asked again.
    await mary.send("Mary Smith 0987 654 321")
    second = await mary.wait_for(lambda m: "How will you pay?" in m.text)
    assert second.text.startswith("👤 Mary Smith · 📞 0987 654 321\n")

    await mary.press("📝 Add a note for the producer")
    asked = await mary.wait_for(lambda m: "A note for the producer?" in m.text)
    await mary.press("⬅️ No note")
    back = await mary.wait_for(lambda m: "How will you pay?" in m.text)
    assert back.message_id == asked.message_id
    await mary.press("📝 Add a note for the producer")
    await mary.wait_for(lambda m: "A note for the producer?" in m.text)
    await mary.send("Ring twice <please> & thanks 🙏")
    again = await mary.wait_for(lambda m: "How will you pay?" in m.text)
    assert again.text.startswith("📝 Note: Ring twice <please> & thanks 🙏\n")
    assert again.inline_button("📝 Change the note") is not None
    await mary.press("💵 Cash on delivery")
    review = await mary.wait_for(lambda m: "Your order" in m.text)
    assert "👤 Mary Smith\n📞 0987 654 321" in review.text
    assert "📝 Ring twice <please> & thanks 🙏" in review.text
    await mary.press("✅ Confirm order")
    await mary.wait_for(lambda m: "Your order is placed" in m.text)
    assert the_order(shop, mary, "recipient_name, address_street, address_ward, note") == (
        "Mary Smith",
        "12 Hàng Gai",
        "Phường Hoàn Kiếm",
        "Ring twice <please> & thanks 🙏",
    )
