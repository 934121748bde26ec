"""Addresses and phone numbers a courier can trust: the checkout's phone and ward steps."""

import sqlite3

import pytest
from support.botprocess import BotProcess, Shop
from support.journeys import StaffedGroup, answer_in_turn, open_checkout, search_and_add, start

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
    person: Person, language: str, steps: tuple[tuple[str, str], ...]
) -> None:
    await open_checkout(person, language)
    await answer_in_turn(person, steps)


# The labels after the street, in each language: the note's question and "no note" button,
# cash on delivery, and the review's heading.
AFTER_STREET = {
    "vi": ("Ghi chú", "⏭ Không ghi chú", "💵 Thanh toán khi nhận hàng (COD)", "Đơn hàng của bạn"),
    "en": ("A note for the producer", "⏭ No note", "💵 Cash on delivery", "Your order"),
}


async def review_after_street(person: Person, street: str, language: str) -> ChatMessage:
    """Type the street, skip the note, pay cash: the review the customer is shown."""
    note, no_note, cash, heading = AFTER_STREET[language]
    await person.send(street)
    await person.wait_for(lambda m: note in m.text)
    await person.press(no_note)
    await person.wait_for(lambda m: m.inline_button(cash) is not None)
    await person.press(cash)
    return await person.wait_for(lambda m: heading in m.text)


async def test_old_names_typos_and_other_provinces_lead_to_a_real_unit_that_the_producer_sees(
    emulator: Emulator, bot_process: BotProcess, shop: Shop, staffed_group: StaffedGroup
) -> None:
    potter, ceramics = await staffed_group("Vinh", "Gốm sứ Quang Vinh", "Quang Vinh Ceramics")

    lan = emulator.person("Lan", language_code="vi")
    tea_set = f"Bộ ấm chén hoa sen · {format_vnd(980_000, 'vi')}"
    await fill_cart(lan, "am chen sen", tea_set, "vi")
    await reach_the_ward_step(
        lan,
        "vi",
        (("Nguyễn Lan", "Số điện thoại"), ("Zalo: 0912.345.678 (chị Lan)", "Tỉnh, thành phố:")),
    )
    # The number read out of the pasted text is shown back in its normal form.
    read_back = lan.bot_messages()[-2]
    assert read_back.text.startswith("📞 Số điện thoại: 0912 345 678\n")
    await lan.press("Hà Nội")
    await lan.wait_for(lambda m: "Phường hoặc xã ở Hà Nội?" in m.text)

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

    review = await review_after_street(lan, "Xóm 2", "vi")
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
    await reach_the_ward_step(sam, "en", (("Sam Lee", "A phone number"),))

    # Ten digits under a prefix no network has: refused, saying what a number looks like.
    await sam.send("0501 234 567")
    refusal = await sam.next_message()
    assert "“0501 234 567” is not a phone number we can call" in refusal.text
    assert "starts with 03, 05, 07, 08 or 09" in refusal.text
    await sam.send("tel:+84987654321")
    await sam.wait_for(lambda m: m.text == "Provinces and cities:")
    assert "📞 Phone: 0987 654 321" in sam.bot_messages()[-2].text
    await sam.send("ha noi")
    await sam.wait_for(lambda m: "Ward or commune" in m.text)

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
    review = await review_after_street(sam, "7 Lý Thái Tổ", "en")
    assert "📍 7 Lý Thái Tổ, asdfgh, Hà Nội" in review.text


async def test_choosing_a_unit_of_another_province_moves_the_delivery_there(
    emulator: Emulator, bot_process: BotProcess, shop: Shop
) -> None:
    minh = await pork_in_cart(emulator, "Minh")
    await reach_the_ward_step(
        minh,
        "en",
        (
            ("Trần Minh", "A phone number"),
            ("sđt 0912 345 678", "Provinces and cities:"),
            ("Hà Nội", "Ward or commune"),
        ),
    )
    await minh.send("phuong ben thanh")
    await minh.next_message()
    await minh.press("Phường Bến Thành · Thành phố Hồ Chí Minh")
    await minh.wait_callback_answer()
    street = await minh.wait_for(lambda m: "House number and street" in m.text)
    assert street.text.startswith("📍 Phường Bến Thành, Thành phố Hồ Chí Minh\n")
    review = await review_after_street(minh, "1 Lê Lợi", "en")
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
    assert "A phone number for the delivery" in question.text
    assert "Deliver to the same place" not in hoa.transcript()

    _kim, offer = await checkout_with_saved_details(emulator, shop, "Kim", "+84912345678")
    assert "Deliver to the same place as last time?" in offer.text
    assert "📍 Xóm 1, Xã Bát Tràng, Hà Nội" in offer.text
