"""Big carts: at most 20 different products, shown a page at a time, and every screen about
them (cart, review, placed order, My orders, the producer's alert) within Telegram's limits
however long the names are."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from support.botprocess import Shop
from support.journeys import StaffedGroup, Tap, answer_in_turn, start

from emulators.telegram import ChatMessage, Emulator, Person

pytestmark = pytest.mark.asyncio(loop_scope="module")

CAP = 20
STEPS_EN = (
    ("Hà Nội", "The address in Hà Nội"),
    ("Phường Cửa Nam", "House number"),
    ("8 Trang Thi", "Who receives the parcel?"),
    ("Pham Thu Ha 0912 345 678", "How will you pay?"),
    (Tap("📝 Add a note for the producer"), "A note for the producer?"),
    ("Office hours please", "How will you pay?"),
)
TEXT_LIMIT, BUTTON_LIMIT = 4096, 100


def query(shop: Shop, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(shop.database) as db:
        return db.execute(sql, args).fetchall()


def token(number: int) -> str:
    return f"Item{number:02d}"


@pytest.fixture(scope="module", autouse=True)
def long_names(shop: Shop) -> list[int]:
    """Before the bot starts: 25 products renamed to names of the longest kind the shop
    takes (200 characters, with & and <), each with a word to find it by, and in stock."""
    rows = query(
        shop,
        "SELECT id FROM products WHERE active ORDER BY producer_id, id LIMIT 25",
    )
    ids = [int(str(row[0])) for row in rows]
    assert len(ids) == 25
    with sqlite3.connect(shop.database) as db:
        for number, product_id in enumerate(ids):
            tail = "Celadon & <crackle> vase, thrown by hand in Bát Tràng; glazed twice " * 4
            db.execute(
                "UPDATE products SET name_en = ?, name_vi = ?, stock = 500, "
                "search_text = ? || ' ' || search_text WHERE id = ?",
                (
                    f"{token(number)} {tail}"[:200],
                    f"{token(number)} Bình men rạn & <gốm> Bát Tràng " * 6,
                    token(number).lower(),
                    product_id,
                ),
            )
    return ids


def inline_buttons(person: Person, message: ChatMessage) -> int:
    return sum(len(row) for row in person.buttons(message))


async def add(person: Person, number: int) -> str:
    """Find a product by its word, open it, add one: the answer to "Add 1 to cart"."""
    await person.send(token(number).lower())
    listing = await person.next_message()
    [label] = [
        text for row in person.buttons(listing) for text in row if text.startswith(token(number))
    ]
    await person.press(label)
    await person.next_message()
    await person.press("🛒 Add 1 to cart")
    return (await person.wait_callback_answer()).text or ""


async def test_a_cart_of_twenty_long_names_pages_orders_and_is_read_back_within_limits(
    emulator: Emulator, shop: Shop, staffed_group: StaffedGroup, long_names: list[int]
) -> None:
    [(producer,)] = query(
        shop,
        "SELECT p.name_en FROM producers p JOIN products x ON x.producer_id = p.id WHERE x.id = ?",
        long_names[0],
    )
    _staff, group = await staffed_group("Quang", "Xưởng gốm", str(producer))
    lan = emulator.person("Lan", language_code="en")
    await start(lan)
    for number in range(CAP):
        assert "You have 1 of this product" in await add(lan, number)
    refused = await add(lan, CAP)
    assert "already holds 20 different products" in refused, lan.transcript()

    await lan.press("🛒 Cart")
    cart = await lan.wait_for(lambda m: "Your cart" in m.text)
    assert "20 products · page 1/4" in cart.text
    assert "Total:" in cart.text
    assert inline_buttons(lan, cart) <= 27
    await lan.press("▶️")
    cart = await lan.wait_for(lambda m: "page 2/4" in m.text)
    assert token(5) in cart.text
    assert token(0) not in cart.text
    await lan.press("➕")  # the first line of page 2
    cart = await lan.wait_for(lambda m: "page 2/4" in m.text and " × 2 — " in m.text)
    assert "Total:" in cart.text

    await lan.press("✅ Checkout")
    await lan.wait_for(lambda m: "Where shall we deliver?" in m.text)
    await answer_in_turn(lan, STEPS_EN)
    await lan.press("💵 Cash on delivery")
    review = await lan.wait_for(lambda m: "Your order" in m.text)
    assert len(review.text) <= TEXT_LIMIT
    assert all(token(number) in review.text for number in range(CAP)), review.text
    assert "more line" not in review.text
    await lan.press("✅ Confirm order")
    placed = await lan.wait_for(lambda m: "Your order is placed" in m.text, timeout=10)
    numbers = [word for word in placed.text.split() if word.startswith("DH")]
    assert numbers, placed.text
    assert len(placed.text) <= TEXT_LIMIT

    await lan.press("📦 My orders")
    orders = await lan.next_message()
    await lan.press(lan.buttons(orders)[0][0])
    shown = await lan.wait_for(lambda m: "Order DH" in m.text and "Total:" in m.text)
    assert len(shown.text) <= TEXT_LIMIT

    alert = await emulator.wait_until(
        lambda: next((m for m in group.bot_messages if "🛎" in m.text), None), timeout=10
    )
    assert alert is not None, group.transcript()
    assert len(alert.text) <= TEXT_LIMIT
    assert "more line" not in alert.text


async def test_a_cart_filled_before_the_cap_opens_page_by_page_and_empties(
    emulator: Emulator, shop: Shop, long_names: list[int]
) -> None:
    minh = emulator.person("Minh", language_code="en")
    await start(minh)
    now = datetime.now(UTC)
    with sqlite3.connect(shop.database) as db:
        db.execute("INSERT INTO carts (user_id, updated_at) VALUES (?, ?)", (minh.id, now))
        [(cart_id,)] = db.execute("SELECT id FROM carts WHERE user_id = ?", (minh.id,))
        db.executemany(
            "INSERT INTO cart_lines (cart_id, product_id, quantity, added_at) VALUES (?, ?, 1, ?)",
            [
                (cart_id, product, now + timedelta(seconds=n))
                for n, product in enumerate(long_names)
            ],
        )

    await minh.press("🛒 Cart")
    cart = await minh.wait_for(lambda m: "Your cart" in m.text)
    assert "25 products · page 1/5" in cart.text, minh.transcript()
    assert inline_buttons(minh, cart) <= BUTTON_LIMIT
    await minh.press("✅ Checkout")
    answer = await minh.wait_callback_answer()
    assert answer.show_alert
    assert "at most 20 different products" in (answer.text or "")
    await minh.press("🧹 Empty the cart")
    await minh.wait_for(lambda m: "Your cart is empty" in m.text)
