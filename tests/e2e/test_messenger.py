"""Customers on Facebook Messenger: the real bot against the Telegram and Messenger emulators
(``pytest -k messenger``), in Vietnamese and English — browsing carousels, a card, the cart,
a checkout with the phone quick reply and a typed ward, the VietQR picture, the producer's
Telegram group told it is a Messenger order, and the customer's news on Messenger, within
the 24-hour window, after it (waiting for the next message, or by utility template); and the
webhook's guards: a bad signature, a duplicate ``mid``, an old button."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from support.botprocess import BotProcess, Shop
from support.journeys import StaffedGroup
from support.messenger import APP_SECRET
from support.messenger_shop import (
    choose,
    connect_page,
    free_port,
    messenger_env,
    running_meta,
    until,
)

from emulators.messenger import MessengerEmulator, MessengerPerson, meta_json, signature
from emulators.telegram import Emulator

pytestmark = pytest.mark.asyncio(loop_scope="module")

BOT_TOML = """
[outbox]
lease_seconds = 2
poll_seconds = 0.5
[messenger]
page_username = "ocopshop"
utility_templates = { en = "order_update:en_US" }
"""

LABELS = {
    "vi": {
        "catalog": "🛍 Danh mục",
        "by_producer": "🏡 Theo cơ sở sản xuất",
        "view": "🔍 Xem",
        "add": "🛒 Thêm 1 vào giỏ",
        "cart": "🛒 Giỏ hàng",
        "checkout": "✅ Đặt hàng",
        "no_note": "⏭ Không ghi chú",
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
        "no_note": "⏭ No note",
        "bank": "🏦 Bank transfer (VietQR)",
        "confirm": "✅ Confirm order",
        "accept": "✅ Accept",
    },
}
QUANG_VINH = {"vi": "Gốm sứ Quang Vinh", "en": "Quang Vinh Ceramics"}
TEA_SET = {"vi": "Bộ ấm chén hoa sen", "en": "Lotus tea set"}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def meta() -> AsyncIterator[MessengerEmulator]:
    async for emulator in running_meta():
        emulator.add_utility_template(
            "order_update", "Order {{1}}: {{2}}", language="en_US"
        )
        yield emulator


@pytest.fixture(scope="module")
def webhook_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def bot_env(meta: MessengerEmulator, webhook_port: int) -> dict[str, str]:
    return messenger_env(meta, webhook_port)


@pytest_asyncio.fixture(scope="module", loop_scope="module", autouse=True)
async def page_connected(
    meta: MessengerEmulator, bot_process: BotProcess, webhook_port: int
) -> AsyncIterator[None]:
    await connect_page(meta, webhook_port)
    yield
    # The window's refusals are expected (the shop learns of a closed window from them);
    # nothing else may have been refused.
    refused = [e for e in meta.errors if (e.code, e.subcode) != (10, 2018278)]
    assert not refused, refused


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


async def shop_to_review(person: MessengerPerson, language: str) -> None:
    """Catalog → producers → Quang Vinh's products → the tea set's card → cart → checkout."""
    labels = LABELS[language]
    await choose(person, labels["catalog"])
    await person.next_message()
    await choose(person, labels["by_producer"])
    producers = await person.wait_for(lambda m: len(m.elements) > 3)
    producer = next(e.title for e in producers.elements if e.title.startswith(QUANG_VINH[language]))
    await choose(person, producer)
    carousel = await person.wait_for(lambda m: any(e.title == TEA_SET[language] for e in m.elements))
    card = carousel.element(TEA_SET[language])
    assert card.subtitle is not None and "⭐" in card.subtitle
    await person.tap_button(labels["view"], element=TEA_SET[language])
    photo = await person.next_message()
    assert photo.content.kind == "image" and photo.content.attachment_id, person.explain()
    caption = await person.next_message()
    assert TEA_SET[language] in (caption.text or "")
    assert "<b>" not in (caption.text or "")
    await choose(person, labels["add"])
    await person.next_message()
    await person.tap_menu(labels["cart"])
    await person.wait_for(lambda m: any(TEA_SET[language] in e.title for e in m.elements))
    await choose(person, labels["checkout"])


# What the checkout asks, and the answers a customer gives, in each language.
CHECKOUT = {
    "vi": {
        "name": "Ai nhận hàng?",
        "phone": "Số điện thoại",
        "province": "Tỉnh, thành phố",
        "province_typed": "Hà Nội",
        "ward": "Phường hoặc xã",
        "ward_typed": "phuong cua nam",
        "street": "Số nhà",
        "note": "Ghi chú",
        "payment": "thanh toán",
        "review": "Đơn hàng của bạn",
        "placed": "Đơn hàng đã được đặt",
        "recipient": "Phạm Thu <Hà> & 🧪",
    },
    "en": {
        "name": "Who receives the parcel?",
        "phone": "A phone number for the delivery",
        "province": "Provinces and cities",
        "province_typed": "ha noi",
        "ward": "Ward or commune",
        "ward_typed": "Phường Cửa Nam",
        "street": "House number and street",
        "note": "A note for the producer",
        "payment": "How will you pay?",
        "review": "Your order",
        "placed": "Your order is placed",
        "recipient": "Mary <Smith> & co",
    },
}


async def check_out(person: MessengerPerson, language: str) -> None:
    """From the checkout's first question to the review: a typed name, the phone quick reply,
    a typed province and ward, a street, no note, bank transfer."""
    asks = CHECKOUT[language]
    await until(person, asks["name"])
    await person.send(asks["recipient"])
    await until(person, asks["phone"])
    assert "user_phone_number" in person.quick_replies
    await person.share_phone()
    await until(person, asks["province"])
    await person.send(asks["province_typed"])
    await until(person, asks["ward"])
    await person.send(asks["ward_typed"])
    await until(person, asks["street"])
    await person.send("8 Tràng Thi")
    await until(person, asks["note"])
    await choose(person, LABELS[language]["no_note"])
    await until(person, asks["payment"])
    await choose(person, LABELS[language]["bank"])


@pytest.mark.parametrize("language", ["vi", "en"])
async def test_a_messenger_customer_orders_from_a_carousel_and_the_producer_accepts_it(
    meta: MessengerEmulator,
    emulator: Emulator,
    bot_process: BotProcess,
    shop: Shop,
    staffed_group: StaffedGroup,
    language: str,
) -> None:
    asks = CHECKOUT[language]
    staff, group = await staffed_group("Vinh", "Gốm Quang Vinh", "Quang Vinh Ceramics")
    lan = await started(meta, "Lan", language)
    await shop_to_review(lan, language)
    await check_out(lan, language)
    review = await until(lan, asks["review"])
    assert f"👤 {asks['recipient']}" in (review.text or "")
    assert "📞 0912 345 678" in (review.text or "")
    assert "📍 8 Tràng Thi, Phường Cửa Nam, Hà Nội" in (review.text or "")
    await choose(lan, LABELS[language]["confirm"])
    placed = await until(lan, asks["placed"])
    [(order_id, channel, user_id)] = query(
        shop, "SELECT id, channel, user_id FROM orders ORDER BY id DESC LIMIT 1"
    )
    assert (channel, user_id) == (
        "messenger",
        query(shop, "SELECT id FROM users WHERE external_id = ?", lan.psid)[0][0],
    )
    number = f"DH{order_id:05d}"
    assert number in (placed.text or "")
    # The VietQR code has no public address: it arrives uploaded, by attachment id.
    qr = await lan.wait_for(lambda m: m.content.kind == "image")
    assert qr.content.attachment_id is not None
    transfer = await lan.wait_for(lambda m: f"OCOP {number}" in (m.text or ""))
    assert "<code>" not in (transfer.text or "")

    alert = await emulator.wait_until(
        lambda: next((m for m in group.bot_messages if number in m.text), None), 10
    )
    assert "Messenger" in alert.text  # the group knows where the customer is
    await staff.press(LABELS["vi"]["accept"], chat=group)
    news = await lan.wait_for(lambda m: number in (m.text or "") and "👍" in (m.text or ""), 10)
    assert news.messaging_type == "UPDATE"  # news inside the 24-hour window
    assert "Quang Vinh" in (news.text or "")
    if language == "en":
        assert "accepted your order" in (news.text or "")


async def test_a_bad_signature_is_refused_and_changes_nothing(
    meta: MessengerEmulator, webhook_port: int, shop: Shop
) -> None:
    lan = meta.person("Kẻ giả mạo")
    body = meta_json(
        {
            "object": "page",
            "entry": [
                {
                    "id": meta.page.id,
                    "time": 1,
                    "messaging": [
                        {
                            "sender": {"id": lan.psid},
                            "recipient": {"id": meta.page.id},
                            "timestamp": 1,
                            "message": {"mid": "m_forged", "text": "xin chào"},
                        }
                    ],
                }
            ],
        }
    )
    url = f"http://127.0.0.1:{webhook_port}/messenger/webhook"
    async with aiohttp.ClientSession() as session:
        for headers in (
            {},
            {"X-Hub-Signature-256": signature("0" * 32, body)},
            {"X-Hub-Signature-256": signature(APP_SECRET, body + b" ")},
        ):
            async with session.post(url, data=body, headers=headers) as reply:
                assert reply.status == 403
    assert query(shop, "SELECT count(*) FROM messenger_inbound WHERE key = 'm_forged'") == [(0,)]
    assert query(shop, "SELECT count(*) FROM users WHERE external_id = ?", lan.psid) == [(0,)]
    assert lan.messages == []


async def test_a_duplicate_mid_is_handled_once(meta: MessengerEmulator) -> None:
    lan = await started(meta, "Lan Anh", "vi")
    await lan.send("bat trang", duplicate=True)
    await meta.webhook.settled()
    await lan.wait_for(lambda m: bool(m.elements))
    await meta.wait_until(lambda: None, 1.0)  # time for a second answer, were there one
    results = [m for m in lan.messages if "Kết quả cho “bat trang”" in (m.text or "")]
    assert len(results) == 1, lan.explain()
