"""A flood of people tapping at once, with Telegram's flood limits on in the emulator.

Every press is answered exactly once, nothing ends in a traceback, carts and orders are
exactly what the people's committed taps imply, and the bot answers normally afterwards.
"""

import asyncio
import random
import sqlite3
from collections import Counter

import pytest
from support.botprocess import BotProcess, Shop

from emulators.telegram import CallbackQueryRecord, ChatMessage, Emulator, FloodLimits, Person
from storefront.actions import Browse, OpenProduct, ProductAction

pytestmark = pytest.mark.asyncio(loop_scope="module")

# Telegram's limits, as the emulator enforces them: the bot paces itself to them (a 429 that
# came anyway would be honoured, but none should).
FLOOD = FloodLimits()
TOLERATED_ERRORS = (429,)
PEOPLE = 20
UPDATES_EACH = 50
BUYERS = 4
# Seconds a person waits for a screen: replies queue behind Telegram's limits in a flood.
WAIT = 30.0


@pytest.fixture(scope="module")
def shop(shop: Shop) -> Shop:
    """Plenty of everything, so that every add to cart is a committed one."""
    with sqlite3.connect(shop.database) as db:
        db.execute("UPDATE products SET stock = 10000")
    return shop


def query(shop: Shop, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(shop.database) as db:
        return db.execute(sql, args).fetchall()


def callback_data(message: ChatMessage) -> list[str]:
    return [
        str(button["callback_data"])
        for row in message.inline_keyboard
        for button in row
        if "callback_data" in button
    ]


def unpack_product(data: str) -> OpenProduct | None:
    try:
        return OpenProduct.unpack(data)
    except (TypeError, ValueError):
        return None


class Tapper:
    """A person who taps without waiting for the screens, on old keyboards and new."""

    def __init__(self, emulator: Emulator, person: Person, rng: random.Random) -> None:
        self.emulator, self.person, self.rng = emulator, person, rng
        self.presses: list[CallbackQueryRecord] = []
        self.added: Counter[int] = Counter()  # product id -> units the add presses asked for
        self.updates = 0

    def press(self, message: ChatMessage, data: str) -> None:
        self.presses.append(
            self.emulator.post_callback_query(self.person.chat, self.person.user, message, data)
        )
        self.updates += 1
        product = unpack_product(data)
        if product is not None and product.action == ProductAction.add:
            self.added[product.id] += product.qty

    async def send(self, text: str) -> None:
        await self.person.send(text)
        self.updates += 1

    async def settle(self) -> None:
        """Until every press so far is answered and the bot has drawn what it will."""
        answered = await self.emulator.wait_until(
            lambda: all(record.answer for record in self.presses) or None, timeout=WAIT * 2
        )
        assert answered, f"unanswered presses\n{self.person.transcript()}"

    async def open_catalog(self) -> ChatMessage:
        await self.send(self.person.reply_keyboard[0][0])
        return await self.person.next_message(timeout=WAIT)

    async def flood(self) -> None:
        await self.send("/start")
        await self.person.next_message(timeout=WAIT)
        home = await self.open_catalog()
        # Rapid taps on the catalog's first screen: each one a newer screen than the last.
        lists = [d for d in callback_data(home) if Browse.unpack(d).view.value != "qp"]
        for _ in range(12):
            self.press(home, self.rng.choice(lists))
        await self.settle()
        # Then to a product card, properly, and a burst of adds and steppers on it.
        card = await self.reach_card()
        buttons = callback_data(card)
        adds = [d for d in buttons if (cb := unpack_product(d)) and cb.action == "a"]
        steppers = [d for d in buttons if (cb := unpack_product(d)) and cb.action in "lm"]
        for number in range(16):
            self.press(card, adds[0] if number % 3 != 2 else self.rng.choice(steppers))
            await asyncio.sleep(0)
        # Typed searches and a shared contact while the presses are still being handled.
        for text in ("bat trang", "gốm <sen> & 🏺", "tinh dau", "lua", "che", "gao nep"):
            await self.send(text)
        await self.person.send_contact()
        await self.person.send_contact()
        self.updates += 2
        # More taps on the old catalog keyboard (its message is still there).
        for _ in range(UPDATES_EACH - 1 - self.updates):
            self.press(home, self.rng.choice(lists))
        await self.settle()
        # A press can be answered before its turn comes; an update's reply comes after every
        # earlier update of the same person is handled.
        await self.send("/help")
        await self.person.wait_for(lambda m: "How to shop here" in m.text, timeout=WAIT * 2)

    async def reach_card(self) -> ChatMessage:
        home = await self.open_catalog()
        self.press(home, Browse(view="cs").pack())  # type: ignore[arg-type]
        categories = await self.person.wait_for(
            lambda m: m.message_id == home.message_id, timeout=WAIT
        )
        await self.settle()
        category = next(d for d in callback_data(categories) if d.startswith("n:c:"))
        self.press(categories, category)
        await self.settle()
        listing = await self.person.wait_for(
            lambda m: any(d.startswith("p:s:") for d in callback_data(m)), timeout=WAIT
        )
        shown = next(d for d in callback_data(listing) if d.startswith("p:s:"))
        self.press(listing, shown)
        await self.settle()
        return await self.person.wait_for(
            lambda m: any(d.startswith("p:a:") for d in callback_data(m)), timeout=WAIT
        )


async def check_out_twice(person: Person) -> None:
    """The whole checkout, with a double tap on Confirm."""
    await person.press("🛒 Cart")
    await person.wait_for(
        lambda m: any(b["text"] == "✅ Checkout" for row in m.inline_keyboard for b in row)
    )
    await person.press("✅ Checkout")
    await person.wait_for(lambda m: "Where shall we deliver?" in m.text)
    await person.press("Hà Nội")
    await person.wait_for(lambda m: "The address in Hà Nội" in m.text)
    await person.send("Phường Tây Hồ")
    await person.wait_for(lambda m: "House number" in m.text)
    await person.send("3 Quảng An")
    await person.wait_for(lambda m: "Who receives the parcel?" in m.text)
    await person.share_contact()
    await person.wait_for(lambda m: "How will you pay?" in m.text)
    await person.press("💵 Cash on delivery")
    review = await person.wait_for(lambda m: "Your order" in m.text)
    [confirm] = [d for d in callback_data(review) if d.startswith("k:ok")]
    emulator = person.emulator
    first = emulator.post_callback_query(person.chat, person.user, review, confirm)
    second = emulator.post_callback_query(person.chat, person.user, review, confirm)
    await person.wait_for(lambda m: "Thank you! Your order is placed." in m.text, timeout=30)
    assert await emulator.wait_until(lambda: first.answer and second.answer, timeout=30)


async def test_a_flood_of_taps_is_answered_once_each_and_loses_nothing(
    emulator: Emulator, bot_process: BotProcess, shop: Shop
) -> None:
    rng = random.Random(6)
    tappers = [
        Tapper(emulator, emulator.person(f"Khách {n}", language_code="en"), rng)
        for n in range(PEOPLE)
    ]
    await asyncio.gather(*(tapper.flood() for tapper in tappers))
    assert sum(tapper.updates for tapper in tappers) >= PEOPLE * UPDATES_EACH

    presses = [record for tapper in tappers for record in tapper.presses]
    assert all(record.answer is not None for record in presses)
    # Answered exactly once: a second answer would have been refused by the emulator.
    # And none refused for flood control: the bot counts its messages as Telegram does.
    assert not [e.describe() for e in emulator.api_errors()]
    for tapper in tappers:
        in_cart = dict(
            query(
                shop,
                "SELECT l.product_id, l.quantity FROM cart_lines l "
                "JOIN carts c ON c.id = l.cart_id WHERE c.user_id = ?",
                tapper.person.id,
            )
        )
        assert in_cart == dict(tapper.added), tapper.person.transcript()

    buyers = tappers[:BUYERS]
    await asyncio.gather(*(check_out_twice(tapper.person) for tapper in buyers))
    for tapper in buyers:
        lines = query(
            shop,
            "SELECT l.product_id, l.quantity FROM order_lines l "
            "JOIN orders o ON o.id = l.order_id WHERE o.user_id = ?",
            tapper.person.id,
        )
        assert dict(lines) == dict(tapper.added)  # one order, exactly the cart
        assert query(shop, "SELECT COUNT(*) FROM checkouts WHERE user_id = ?", tapper.person.id)[
            0
        ] == (1,)

    # Afterwards the bot answers as usual, the flooders and a newcomer alike.
    for person in (tappers[-1].person, emulator.person("Sau cơn mưa", language_code="en")):
        await person.send("/start")
        greeting = await person.next_message(timeout=15)
        assert greeting.text.startswith("Hello")
    assert "Traceback" not in bot_process.log_text()
