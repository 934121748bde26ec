"""A checkout stored mid-way by the checkout before the four questions (the recipient's name
and phone asked first, the note under the typing field) finishes after the deploy: nothing
asked twice, nothing left under the typing field."""

import json
import sqlite3

import pytest
from support.botprocess import BotProcess, Shop
from support.journeys import greeted, search_and_add

from catalog.money import format_vnd
from emulators.telegram import Emulator, Person

pytestmark = pytest.mark.asyncio(loop_scope="module")

# What the checkout before kept after its name, phone, province and ward steps.
OLD_DRAFT = {
    "bank_ok": True,
    "recipient_name": "Đào Hoa",
    "phone": "+84987654321",
    "province": "Hà Nội",
    "ward": "Xã Bát Tràng",
}


async def stored_mid_checkout(
    bot_process: BotProcess, shop: Shop, person: Person, state: str, draft: dict[str, object]
) -> None:
    """The bot stopped while ``person`` was at ``state`` of the old checkout, and started again
    by the deploy."""
    await bot_process.stop()
    with sqlite3.connect(shop.database, timeout=15) as db:
        [(key,)] = db.execute(
            "SELECT key FROM conversation_states WHERE key LIKE ?", (f"%:{person.id}:%",)
        ).fetchall()
        db.execute(
            "UPDATE conversation_states SET state = ?, data = ? WHERE key = ?",
            (state, json.dumps({"checkout": draft}), key),
        )
    await bot_process.start()


async def hoa_with_a_tea_set(emulator: Emulator, name: str) -> Person:
    hoa = await greeted(emulator, name, "vi")
    tea_set = f"Bộ ấm chén hoa sen · {format_vnd(980_000, 'vi')}"
    await search_and_add(hoa, "am chen sen", tea_set, "vi")
    return hoa


async def test_the_street_of_an_old_checkout_leads_to_the_payment_not_the_phone_again(
    emulator: Emulator, bot_process: BotProcess, shop: Shop
) -> None:
    hoa = await hoa_with_a_tea_set(emulator, "Hoa")
    await stored_mid_checkout(bot_process, shop, hoa, "Checkout:street", OLD_DRAFT)
    await hoa.send("Xóm 1")
    payment = await hoa.next_message()
    assert "Ai nhận hàng?" not in payment.text
    assert "Bước 4/4" in payment.text
    await hoa.press("💵 Thanh toán khi nhận hàng (COD)")
    review = await hoa.wait_for(lambda m: "Đơn hàng của bạn" in m.text)
    assert "👤 Đào Hoa\n📞 0987 654 321\n📍 Xóm 1, Xã Bát Tràng, Hà Nội" in review.text
    await hoa.press("✅ Xác nhận đặt hàng")
    await hoa.wait_for(lambda m: "Đơn hàng đã được đặt" in m.text)
    with sqlite3.connect(shop.database) as db:
        [row] = db.execute(
            "SELECT recipient_name, phone, address_street FROM orders WHERE user_id = ?",
            (hoa.id,),
        ).fetchall()
    assert row == ("Đào Hoa", "+84987654321", "Xóm 1")


async def test_no_note_under_the_typing_field_of_an_old_checkout_is_taken_away(
    emulator: Emulator, bot_process: BotProcess, shop: Shop
) -> None:
    hoa = await hoa_with_a_tea_set(emulator, "Hoa Note")
    await stored_mid_checkout(
        bot_process, shop, hoa, "Checkout:note", OLD_DRAFT | {"street": "Xóm 1"}
    )
    await hoa.send("⏭ Không ghi chú")
    ack = await hoa.next_message()
    assert ack.text == "📝 Không có ghi chú."
    payment = await hoa.next_message()
    assert "Bước 4/4" in payment.text
    assert hoa.reply_keyboard == []
