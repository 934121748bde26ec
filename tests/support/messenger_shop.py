"""The shop on Messenger, end to end: the Messenger emulator with the shop's Page, the bot's
settings for it, and what a Messenger customer does in the shop's conversation (starting, the
checkout's answers in Vietnamese and English)."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import AsyncIterator

from emulators.messenger import Limits, MessengerEmulator, MessengerPerson, ThreadMessage
from support.botprocess import Shop
from support.messenger import APP_SECRET, VERIFY_TOKEN

PAGE_ID = "101010101010101"
PAGE_USERNAME = "ocopshop"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def running_meta() -> AsyncIterator[MessengerEmulator]:
    emulator = MessengerEmulator(app_secret=APP_SECRET, limits=Limits(send_per_second=None))
    emulator.add_page("OCOP Shop", page_id=PAGE_ID, username=PAGE_USERNAME)
    await emulator.start()
    yield emulator
    await emulator.stop()


def messenger_env(meta: MessengerEmulator, port: int) -> dict[str, str]:
    return {
        "MESSENGER_PAGE_ID": PAGE_ID,
        "MESSENGER_PAGE_TOKEN": meta.page.token,
        "MESSENGER_APP_SECRET": APP_SECRET,
        "MESSENGER_VERIFY_TOKEN": VERIFY_TOKEN,
        "MESSENGER_API_BASE": meta.base_url,
        "MESSENGER_WEBHOOK_PORT": str(port),
    }


async def connect_page(meta: MessengerEmulator, port: int) -> None:
    """What the Page's admin does once in the App Dashboard: the callback URL, verified; and
    waits for the shop to have subscribed the Page and set its profile at start-up."""
    url = f"http://127.0.0.1:{port}/messenger/webhook"
    await meta.webhook.subscribe(url, VERIFY_TOKEN)
    page = meta.page
    ready = await meta.wait_until(
        lambda: True if "get_started" in page.profile and page.subscribed_fields else None, 10
    )
    assert ready, (page.profile, page.subscribed_fields, meta.errors)


def choice_of(message: ThreadMessage, label: str) -> tuple[str, str | None] | None:
    """(button title, card) to tap for the choice ``label`` on ``message``: a button with the
    label as its title, or a card titled with the label (its button's title may be cut)."""
    if label in message.buttons:
        return label, None
    for element in message.elements:
        titles = [button.title for button in element.buttons]
        if label in titles:
            return label, element.title
        if element.title == label and len(titles) == 1:
            return titles[0], element.title
    return None


def _shown(person: MessengerPerson, label: str) -> tuple[str, str | None, ThreadMessage] | None:
    for message in reversed(person.messages):
        found = choice_of(message, label)
        if found is not None:
            return (*found, message)
    return None


async def choose(person: MessengerPerson, label: str, timeout: float = 5.0) -> None:  # noqa: ASYNC109
    """Choose ``label`` as a person reads it: a quick reply under the latest message, or a
    button (or card) on the newest message that shows it — waiting for it to arrive."""

    def probe() -> bool | tuple[str, str | None, ThreadMessage] | None:
        if label in person.quick_replies:
            return True
        return _shown(person, label)

    found = await person.emulator.wait_until(probe, timeout, chat_id=person.psid)
    if found is None:
        raise AssertionError(f"no choice {label!r} is shown\n{person.explain()}")
    if found is True:
        await person.tap_quick_reply(label)
        return
    assert isinstance(found, tuple)
    title, card, message = found
    await person.tap_button(title, element=card, message=message)


async def until(person: MessengerPerson, text: str, timeout: float = 5.0) -> ThreadMessage:  # noqa: ASYNC109
    """The Page's message, since the person's latest action, whose text holds ``text``."""
    return await person.wait_for(lambda m: text in (m.text or ""), timeout)


LABELS = {
    "vi": {
        "catalog": "🛍 Danh mục",
        "by_producer": "🏡 Theo cơ sở sản xuất",
        "view": "🔍 Xem",
        "add": "🛒 Thêm 1 vào giỏ",
        "cart": "🛒 Giỏ hàng",
        "checkout": "✅ Đặt hàng",
        "bank": "🏦 Chuyển khoản (VietQR)",
        "confirm": "✅ Xác nhận đặt hàng",
        "accept": "✅ Nhận đơn",
    },
    "en": {
        "catalog": "🛍 Catalog",
        "by_producer": "🏡 By producer",
        "view": "🔍 View",
        "add": "🛒 Add 1 to cart",
        "cart": "🛒 Cart",
        "checkout": "✅ Checkout",
        "bank": "🏦 Bank transfer (VietQR)",
        "confirm": "✅ Confirm order",
        "accept": "✅ Accept",
    },
}


def query(shop: Shop, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(shop.database) as db:
        return db.execute(sql, args).fetchall()


async def started(meta: MessengerEmulator, name: str, language: str) -> MessengerPerson:
    """Someone who pressed Get Started, and chose English if ``language`` is en."""
    person = meta.person(name, locale="vi_VN" if language == "vi" else "en_US")
    await person.get_started()
    greeting = await person.next_message()
    assert (greeting.text or "").startswith("Xin chào! 👋"), person.explain()
    if language == "en":
        await choose(person, "🌐 Ngôn ngữ")
        await person.next_message()
        await choose(person, "🇬🇧 English")
        await until(person, "Here is the menu.")
    return person


# What the checkout asks, and the answers a customer gives, in each language.
CHECKOUT = {
    "vi": {
        "province": "Giao hàng đến đâu?",
        "province_typed": "Hà Nội",
        "ward": "Địa chỉ ở Hà Nội",
        "ward_typed": "phuong cua nam",
        "street": "Số nhà",
        "recipient_question": "Ai nhận hàng?",
        "payment": "thanh toán",
        "review": "Đơn hàng của bạn",
        "placed": "Đơn hàng đã được đặt",
        "recipient": "Phạm Thu <Hà> & 🧪",
    },
    "en": {
        "province": "Where shall we deliver?",
        "province_typed": "ha noi",
        "ward": "The address in Hà Nội",
        "ward_typed": "Phường Cửa Nam",
        "street": "House number and street",
        "recipient_question": "Who receives the parcel?",
        "payment": "How will you pay?",
        "review": "Your order",
        "placed": "Your order is placed",
        "recipient": "Mary <Smith> & co",
    },
}


async def check_out(person: MessengerPerson, language: str) -> None:
    """From the checkout's first question to the review: a typed province, ward and street,
    the recipient's name typed with the number (the phone quick reply is offered), bank
    transfer."""
    asks = CHECKOUT[language]
    await until(person, asks["province"])
    await person.send(asks["province_typed"])
    await until(person, asks["ward"])
    await person.send(asks["ward_typed"])
    await until(person, asks["street"])
    await person.send("8 Tràng Thi")
    await until(person, asks["recipient_question"])
    assert "user_phone_number" in person.quick_replies
    await person.send(f"{asks['recipient']} 0912 345 678")
    await until(person, asks["payment"])
    await choose(person, LABELS[language]["bank"])
