"""Forged buttons, stray text and odd input: a clear answer, never a traceback or silence."""

import asyncio
import sqlite3

import pytest
from support.botprocess import BotProcess, Shop
from support.journeys import answer_in_turn, greeted, open_checkout, search_and_add, start

from catalog.money import format_vnd
from emulators.telegram import CallbackAnswer, ChatMessage, Emulator, Person

pytestmark = pytest.mark.asyncio(loop_scope="module")


def query(shop: Shop, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(shop.database) as db:
        return db.execute(sql, args).fetchall()


async def forge(emulator: Emulator, person: Person, data: str) -> CallbackAnswer:
    """Press a button the bot never sent, on the bot's latest message."""
    message = person.last_bot_message
    assert message is not None
    record = emulator.post_callback_query(person.chat, person.user, message, data)
    answer = await emulator.wait_until(lambda: record.answer, timeout=5)
    assert answer is not None, person.transcript()
    return answer


async def customer_with_a_cart(emulator: Emulator, name: str) -> Person:
    """An English-speaking customer with a bag of nem chua in the cart."""
    person = emulator.person(name, language_code="en")
    await start(person)
    pork = f"Nem chua fermented pork · {format_vnd(100_000, 'en')}"
    await search_and_add(person, "nem chua", pork, "en")
    return person


async def checkout_to_the_review(person: Person) -> ChatMessage:
    """From the cart, through the checkout, up to the review."""
    await open_checkout(person, "en")
    steps = (
        ("Hà Nội", "The address in Hà Nội"),
        ("Phường Tây Hồ", "House number"),
        ("3 Quảng An", "Who receives the parcel?"),
        ("Lê Chi 0912345678", "How will you pay?"),
    )
    await answer_in_turn(person, steps)
    await person.press("💵 Cash on delivery")
    await person.wait_for(lambda m: "Your order" in m.text)
    review = person.last_bot_message
    assert review is not None
    return review


async def customer_at_the_review(emulator: Emulator, name: str) -> tuple[Person, ChatMessage]:
    """An English-speaking customer who has filled the cart and the checkout up to the review."""
    person = await customer_with_a_cart(emulator, name)
    return person, await checkout_to_the_review(person)


async def test_forged_and_stale_buttons_are_refused_politely(
    emulator: Emulator, bot_process: BotProcess, shop: Shop
) -> None:
    eve = await greeted(emulator, "Eve", "en")
    [(oil_id,)] = query(shop, "SELECT id FROM products WHERE sku = 'BABE-SA-10'")

    unknown = await forge(emulator, eve, "p:a:999999:1:h:0:0")
    assert unknown.text == "This product is no longer available."
    negative = await forge(emulator, eve, f"p:a:{oil_id}:-3:h:0:0")
    assert negative.text == "That is not allowed."
    garbage = await forge(emulator, eve, "p:zz:1")
    assert garbage.text == "This menu has expired. Send /start for a fresh one."
    category = await forge(emulator, eve, "n:c:4242:0")
    assert category.text == "This is no longer available."
    confirm = await forge(emulator, eve, "k:ok:0:deadbeefdeadbeef")
    assert confirm.text == "This summary is out of date. Open the cart to order."
    assert query(shop, "SELECT COUNT(*) FROM cart_lines") == query(
        shop, "SELECT COUNT(*) FROM cart_lines"
    )


async def test_another_customers_order_is_not_shown(
    emulator: Emulator, bot_process: BotProcess, shop: Shop
) -> None:
    chi, _review = await customer_at_the_review(emulator, "Chi")
    await chi.press("✅ Confirm order")
    await chi.wait_callback_answer()
    [(order_id,)] = query(shop, "SELECT id FROM orders WHERE user_id = ?", chi.id)

    eve = await greeted(emulator, "Eve", "en")
    peek = await forge(emulator, eve, f"o:s:{order_id}:0")
    assert peek.text == "That is not allowed."
    cancel = await forge(emulator, eve, f"o:cy:{order_id}:0")
    assert cancel.text == "That is not allowed."
    assert "Lê Chi" not in eve.transcript()
    assert query(shop, "SELECT status FROM orders WHERE id = ?", order_id) == [("new",)]


async def test_a_double_tap_on_confirm_places_one_order(
    emulator: Emulator, bot_process: BotProcess, shop: Shop
) -> None:
    dung, review = await customer_at_the_review(emulator, "Dũng")
    button = review.inline_button("✅ Confirm order")
    assert button is not None
    first = emulator.post_callback_query(dung.chat, dung.user, review, button["callback_data"])
    second = emulator.post_callback_query(dung.chat, dung.user, review, button["callback_data"])
    answers = await asyncio.gather(
        emulator.wait_until(lambda: first.answer, timeout=5),
        emulator.wait_until(lambda: second.answer, timeout=5),
    )
    assert [a.text for a in answers if a] == [
        "Thank you! Your order is placed.",
        "This order has already been placed.",
    ]
    assert query(shop, "SELECT COUNT(*) FROM orders WHERE user_id = ?", dung.id) == [(1,)]


async def test_stray_text_long_text_and_stickers_get_an_answer(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    lan = await greeted(emulator, "Lan", "vi")
    await lan.send("🙂" * 10 + "<b>&amp;" + "x" * 4000)
    reply = await lan.next_message()
    assert reply.text.startswith("Không tìm thấy gì cho")
    await lan.send("   ")
    assert "Vui lòng gõ từ cần tìm." in (await lan.next_message()).text
    await lan.send_location(21.0, 105.8)
    assert "Mình chưa hiểu ý bạn" in (await lan.next_message()).text


async def test_a_cart_changed_after_the_review_is_shown_again_before_ordering(
    emulator: Emulator, bot_process: BotProcess, shop: Shop
) -> None:
    giang = await customer_with_a_cart(emulator, "Giang")
    # A cart opened before the one whose Checkout turns into the checkout's first question:
    # it stays on screen, its buttons alive, while the checkout goes on.
    card = giang.last_bot_message
    assert card is not None
    await giang.press("🛒 Cart", on=card)
    cart = await giang.wait_for(lambda m: "🛒 Your cart" in m.text)
    # The product card (a photo) gives way to the cart: then the menu's Cart opens another.
    assert await emulator.wait_until(lambda: not giang.buttons(card) or None, timeout=5)
    review = await checkout_to_the_review(giang)
    await giang.press("➕", on=cart)
    await giang.wait_callback_answer()
    confirm = review.inline_button("✅ Confirm order")
    assert confirm is not None
    record = emulator.post_callback_query(giang.chat, giang.user, review, confirm["callback_data"])
    answer = await emulator.wait_until(lambda: record.answer, timeout=5)
    assert answer is not None
    assert answer.text == "Your cart or a price has changed: please check the order again."
    again = await giang.wait_for(lambda m: "Your order" in m.text and "× 2" in m.text)
    assert query(shop, "SELECT COUNT(*) FROM orders WHERE user_id = ?", giang.id) == [(0,)]
    await giang.press("✅ Confirm order")
    assert (await giang.wait_callback_answer()).text == "Thank you! Your order is placed."
    assert query(shop, "SELECT total FROM orders WHERE user_id = ?", giang.id) == [(200_000,)]
    assert again.message_id != review.message_id


async def test_a_price_changed_between_review_and_confirm_shows_the_review_again(
    emulator: Emulator, bot_process: BotProcess, shop: Shop, admin: Person
) -> None:
    hieu, review = await customer_at_the_review(emulator, "Hiếu")
    assert format_vnd(100_000, "en") in review.text
    await admin.send("/price HOANGLONG-NEM-20 120000")
    await admin.next_message()

    await hieu.press("✅ Confirm order")
    answer = await hieu.wait_callback_answer()
    assert answer.text == "Your cart or a price has changed: please check the order again."
    again = await hieu.wait_for(
        lambda m: "Your order" in m.text and m.message_id != review.message_id
    )
    assert format_vnd(120_000, "en") in again.text
    assert query(shop, "SELECT COUNT(*) FROM orders WHERE user_id = ?", hieu.id) == [(0,)]
    await hieu.press("✅ Confirm order")
    assert (await hieu.wait_callback_answer()).text == "Thank you! Your order is placed."
    assert query(shop, "SELECT total FROM orders WHERE user_id = ?", hieu.id) == [(120_000,)]
