"""Addresses and phone numbers a courier can trust: the checkout's phone and ward steps."""

import sqlite3

import pytest
from support.botprocess import BotProcess, Shop
from support.journeys import (
    StaffedGroup,
    Tap,
    answer_in_turn,
    open_checkout,
    search_and_add,
    start,
)

from catalog.money import format_vnd
from emulators.telegram import ChatMessage, Emulator, Person

pytestmark = pytest.mark.asyncio(loop_scope="module")


def query(shop: Shop, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(shop.database) as db:
        return db.execute(sql, args).fetchall()


def save_details(shop: Shop, user_id: int, phone: str) -> None:
    """What an earlier order left in the customer's row: the details offered next time."""
    with sqlite3.connect(shop.database, timeout=15) as db:
        db.execute(
            "UPDATE users SET recipient_name = 'Đào Hoa', phone = ?, address_province = 'Hà Nội',"
            " address_ward = 'Xã Bát Tràng', address_street = 'Xóm 1' WHERE id = ?",
            (phone, user_id),
        )


async def fill_cart(person: Person, words: str, label: str, language: str) -> None:
    await start(person)
    await search_and_add(person, words, label, language)


async def pork_in_cart(emulator: Emulator, name: str) -> Person:
    """An English-speaking customer with nem chua in the cart."""
    person = emulator.person(name, language_code="en")
    pork = f"Nem chua fermented pork · {format_vnd(100_000, 'en')}"
    await fill_cart(person, "nem chua", pork, "en")
    return person


async def reach_the_ward_step(
    person: Person, language: str, steps: tuple[tuple[str | Tap, str], ...]
) -> None:
    await open_checkout(person, language)
    await answer_in_turn(person, steps)


# The questions after the address, in each language: who receives the parcel, how to pay;
# then cash on delivery, and the review's heading.
AFTER_ADDRESS = {
    "vi": (
        "Bước 3/4 · Ai nhận hàng?",
        "Bước 4/4 · Bạn muốn thanh toán thế nào?",
        "💵 Thanh toán khi nhận hàng (COD)",
        "Đơn hàng của bạn",
    ),
    "en": (
        "Step 3 of 4 · Who receives the parcel?",
        "Step 4 of 4 · How will you pay?",
        "💵 Cash on delivery",
        "Your order",
    ),
}


async def phone_question_after_street(person: Person, street: str, language: str) -> ChatMessage:
    """Type the street: the question of who receives the parcel."""
    await person.send(street)
    return await person.wait_for(lambda m: AFTER_ADDRESS[language][0] in m.text)


async def payment_question_after_phone(person: Person, phone: str, language: str) -> ChatMessage:
    """Type (or paste) the phone number: the payment question, what was read shown above it."""
    await person.send(phone)
    return await person.wait_for(lambda m: AFTER_ADDRESS[language][1] in m.text)


async def review_after_cash(person: Person, language: str) -> ChatMessage:
    """Pay cash on delivery: the review the customer is shown."""
    _who, _how, cash, heading = AFTER_ADDRESS[language]
    await person.press(cash)
    return await person.wait_for(lambda m: heading in m.text)


async def test_old_names_typos_and_other_provinces_lead_to_a_real_unit_that_the_producer_sees(
    emulator: Emulator, bot_process: BotProcess, shop: Shop, staffed_group: StaffedGroup
) -> None:
    potter, ceramics = await staffed_group("Vinh", "Gốm sứ Quang Vinh", "Quang Vinh Ceramics")

    lan = emulator.person("Lan", language_code="vi")
    tea_set = f"Bộ ấm chén hoa sen · {format_vnd(980_000, 'vi')}"
    await fill_cart(lan, "am chen sen", tea_set, "vi")
    await reach_the_ward_step(lan, "vi", ((Tap("Hà Nội"), "Bước 2/4 · Địa chỉ ở Hà Nội"),))

    # A district-era ward: Dịch Vọng was split between Cầu Giấy and Nghĩa Đô.
    await lan.send("dich vong")
    offer = await lan.next_message()
    assert "Bạn muốn nói phường, xã nào của Hà Nội?" in offer.text
    assert "Tên cũ" in offer.text
    assert lan.buttons(offer) == [
        ["Dịch Vọng → Phường Cầu Giấy"],
        ["Dịch Vọng → Phường Nghĩa Đô"],
        ["✍️ Giữ nguyên “dich vong”"],
    ]

    # A ward of another province is pointed out as that province's.
    await lan.send("Phường Bến Thành")
    elsewhere = await lan.next_message()
    assert (
        "“Phường Bến Thành” không thuộc Hà Nội: Phường Bến Thành thuộc Thành phố Hồ Chí Minh."
        in elsewhere.text
    )
    assert ["Phường Bến Thành · Thành phố Hồ Chí Minh"] in lan.buttons(elsewhere)

    # The first question's buttons belong to an answer the customer has replaced.
    await lan.press("Dịch Vọng → Phường Cầu Giấy")
    stale = await lan.wait_callback_answer()
    assert stale.text == "Menu này đã hết hạn. Gửi /start để mở menu mới."
    assert stale.show_alert

    # A typo: the unit comes first, then the units the old commune of that name went to.
    await lan.send("bat trng")
    typo = await lan.next_message()
    assert lan.buttons(typo)[0] == ["Xã Bát Tràng"]
    assert lan.buttons(typo)[-1] == ["✍️ Giữ nguyên “bat trng”"]
    await lan.press("Xã Bát Tràng")
    await lan.wait_callback_answer()
    chosen = await lan.wait_for(lambda m: m.message_id == typo.message_id and m.edited)
    assert chosen.text == "✅ Xã Bát Tràng, Hà Nội"
    assert lan.buttons(chosen) == []
    street = await lan.wait_for(lambda m: "Số nhà" in m.text)
    assert street.text.startswith("📍 Xã Bát Tràng, Hà Nội\n")

    await phone_question_after_street(lan, "Xóm 2", "vi")
    # The number read out of the pasted text is shown back in its normal form, and what was
    # pasted around it as the recipient's name, without the label and the remark.
    pasted = "Nguyễn Lan - Zalo: 0912.345.678 (gọi trước 30 phút)"
    read_back = await payment_question_after_phone(lan, pasted, "vi")
    assert read_back.text.startswith("👤 Nguyễn Lan · 📞 0912 345 678\n")
    review = await review_after_cash(lan, "vi")
    assert "📍 Xóm 2, Xã Bát Tràng, Hà Nội" in review.text
    assert "📞 0912 345 678" in review.text
    await lan.press("✅ Xác nhận đặt hàng")
    await lan.wait_callback_answer()

    [(order_id, ward, province, phone)] = query(
        shop,
        "SELECT id, address_ward, address_province, phone FROM orders WHERE user_id = ?",
        lan.id,
    )
    assert (ward, province, phone) == ("Xã Bát Tràng", "Hà Nội", "+84912345678")
    alert = await potter.wait_for(lambda m: f"DH{order_id:05d}" in m.text, chat=ceramics)
    assert "📍 Xóm 2, Xã Bát Tràng, Hà Nội" in alert.text
    assert "📞 0912 345 678" in alert.text

    await lan.press("📦 Đơn của tôi")
    orders = await lan.next_message()
    await lan.press(lan.buttons(orders)[0][0])
    detail = await lan.wait_for(lambda m: f"Đơn hàng DH{order_id:05d}" in m.text)
    assert "📍 Xóm 2, Xã Bát Tràng, Hà Nội" in detail.text


async def test_what_the_bot_cannot_place_can_still_be_kept_as_typed(
    emulator: Emulator, bot_process: BotProcess, shop: Shop
) -> None:
    sam = await pork_in_cart(emulator, "Sam")
    await reach_the_ward_step(sam, "en", (("ha noi", "Step 2 of 4 · The address in Hà Nội"),))

    await sam.send("Quận 1")
    district = await sam.next_message()
    assert "Districts (quận, huyện) no longer exist since 1 July 2025" in district.text

    await sam.send("asdfgh")
    unknown = await sam.next_message()
    assert "I can't find “asdfgh” among the 126 wards and communes of Hà Nội." in unknown.text
    assert sam.buttons(unknown) == [["✍️ Keep “asdfgh”"]]
    await sam.press("✍️ Keep “asdfgh”")
    await sam.wait_callback_answer()
    kept = await sam.wait_for(lambda m: m.message_id == unknown.message_id and m.edited)
    assert kept.text == "✍️ Kept as typed: asdfgh, Hà Nội"
    street = await sam.wait_for(lambda m: "House number and street" in m.text)
    assert street.text.startswith("📍 asdfgh, Hà Nội\n")
    await phone_question_after_street(sam, "7 Lý Thái Tổ", "en")

    # Ten digits under a prefix no network has: refused, saying what a number looks like.
    await sam.send("0501 234 567")
    refusal = await sam.next_message()
    assert "“0501 234 567” is not a phone number we can call" in refusal.text
    assert "starts with 03, 05, 07, 08 or 09" in refusal.text
    await sam.wait_for(lambda m: AFTER_ADDRESS["en"][0] in m.text)  # and asked again
    read_back = await payment_question_after_phone(sam, "tel:+84987654321", "en")
    assert "📞 0987 654 321" in read_back.text
    review = await review_after_cash(sam, "en")
    assert "📍 7 Lý Thái Tổ, asdfgh, Hà Nội" in review.text


async def test_choosing_a_unit_of_another_province_moves_the_delivery_there(
    emulator: Emulator, bot_process: BotProcess, shop: Shop
) -> None:
    minh = await pork_in_cart(emulator, "Minh")
    await reach_the_ward_step(minh, "en", (("Hà Nội", "Step 2 of 4 · The address in Hà Nội"),))
    await minh.send("phuong ben thanh")
    await minh.next_message()
    await minh.press("Phường Bến Thành · Thành phố Hồ Chí Minh")
    await minh.wait_callback_answer()
    street = await minh.wait_for(lambda m: "House number and street" in m.text)
    assert street.text.startswith("📍 Phường Bến Thành, Thành phố Hồ Chí Minh\n")
    await phone_question_after_street(minh, "1 Lê Lợi", "en")
    await payment_question_after_phone(minh, "Trần Minh sđt 0912 345 678", "en")
    review = await review_after_cash(minh, "en")
    assert "📍 1 Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh" in review.text


async def checkout_with_saved_details(
    emulator: Emulator, shop: Shop, name: str, phone: str
) -> tuple[Person, ChatMessage]:
    """A customer whose last order left ``phone`` and an address, at the checkout's start."""
    person = await pork_in_cart(emulator, name)
    save_details(shop, person.id, phone)
    return person, await open_checkout(person, "en")


async def test_a_saved_number_no_network_has_is_asked_for_again(
    emulator: Emulator, bot_process: BotProcess, shop: Shop
) -> None:
    # 089 1xx xxxx was accepted as "possible" before numbers were checked against allocations.
    hoa, question = await checkout_with_saved_details(emulator, shop, "Hoa", "+84891234567")
    assert AFTER_ADDRESS["en"][0] in question.text
    assert question.text.startswith("📍 Xóm 1, Xã Bát Tràng, Hà Nội\n")
    assert "Deliver to the same place" not in hoa.transcript()
    # The address is kept: the new number leads to the last question.
    read_back = await payment_question_after_phone(hoa, "0987 654 321", "en")
    assert read_back.text.startswith("👤 Đào Hoa · 📞 0987 654 321\n")

    kim, offer = await checkout_with_saved_details(emulator, shop, "Kim", "+84912345678")
    assert "Deliver to the same place as last time?" in offer.text
    assert "📍 Xóm 1, Xã Bát Tràng, Hà Nội" in offer.text

    # Another address, typed whole in one message: ward and street at once, so no question
    # of the street; the saved number, still good, is offered under the next question.
    await kim.press("✏️ Other details")
    await kim.wait_for(lambda m: "Step 1 of 4 · Where shall we deliver?" in m.text)
    await kim.press("Hà Nội")
    await kim.wait_for(lambda m: "Step 2 of 4 · The address in Hà Nội" in m.text)
    await kim.send("8 Tràng Thi, Phường Cửa Nam")
    who = await kim.next_message()
    assert AFTER_ADDRESS["en"][0] in who.text
    assert who.text.startswith("📍 8 Tràng Thi, Phường Cửa Nam, Hà Nội\n")
    await kim.press("0912 345 678")
    await kim.wait_for(lambda m: AFTER_ADDRESS["en"][1] in m.text)
    review = await review_after_cash(kim, "en")
    assert "📍 8 Tràng Thi, Phường Cửa Nam, Hà Nội" in review.text
    assert "📞 0912 345 678" in review.text
    await kim.press("✅ Confirm order")
    await kim.wait_callback_answer()
    [(street, ward, province)] = query(
        shop,
        "SELECT address_street, address_ward, address_province FROM orders WHERE user_id = ?",
        kim.id,
    )
    assert (street, ward, province) == ("8 Tràng Thi", "Phường Cửa Nam", "Hà Nội")
