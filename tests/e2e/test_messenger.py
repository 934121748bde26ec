"""Customers on Facebook Messenger: the real bot against the Telegram and Messenger emulators
(``pytest -k messenger``), in Vietnamese and English — browsing carousels, a card, the cart,
a checkout with the phone quick reply and a typed ward, the VietQR picture, the producer's
Telegram group told it is a Messenger order, and the customer's news on Messenger, within
the 24-hour window, after it (waiting for the next message, or by utility template); the
webhook's guards: a bad signature, a duplicate ``mid``, an old button; and Messenger in the
shop's metrics and JSON log lines."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from io import BytesIO
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
import zxingcpp
from PIL import Image
from prometheus_client.parser import text_string_to_metric_families
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
from support.ordering import DETAILS

from catalog.db import create_engine, create_session_factory
from catalog.models import OrderStatus, PaymentMethod
from catalog.services import cart as cart_service
from catalog.services import orders as order_service
from catalog.uow import UnitOfWork
from emulators.messenger import MessengerEmulator, MessengerPerson, meta_json, signature
from emulators.telegram import Emulator
from emulators.telegram import Person as TelegramPerson

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
        emulator.add_utility_template("order_update", "Order {{1}}: {{2}}", language="en_US")
        yield emulator


@pytest.fixture(scope="module")
def webhook_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def metrics_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def bot_env(meta: MessengerEmulator, webhook_port: int, metrics_port: int) -> dict[str, str]:
    return {
        **messenger_env(meta, webhook_port),
        "METRICS_PORT": str(metrics_port),
        "LOG_FORMAT": "json",
    }


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
    producer = next(
        e.title for e in producers.elements if e.title.startswith(QUANG_VINH[language])
    )
    await choose(person, producer)
    carousel = await person.wait_for(
        lambda m: any(e.title == TEA_SET[language] for e in m.elements)
    )
    card = carousel.element(TEA_SET[language])
    assert "⭐" in (card.subtitle or "")
    await person.tap_button(labels["view"], element=TEA_SET[language])
    photo = await person.next_message()
    assert photo.content.kind == "image", person.explain()
    assert photo.content.attachment_id, person.explain()
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


async def test_an_old_button_after_the_cart_changed_gets_a_clear_answer(
    meta: MessengerEmulator, shop: Shop
) -> None:
    hoa = await started(meta, "Hoa", "vi")
    await shop_to_review(hoa, "vi")
    cart = next(
        m
        for m in reversed(hoa.messages)
        if m.elements and "➕" in [b.title for b in m.elements[0].buttons]
    )
    await check_out(hoa, "vi")
    review = await until(hoa, CHECKOUT["vi"]["review"])
    # The cart's "➕", on a message sent before the review: the cart changes.
    await hoa.tap_button("➕", element=cart.elements[0].title, message=cart)
    await hoa.wait_for(lambda m: any("× 2" in e.title for e in m.elements))
    # The review's "Confirm" is out of date now: it says so, and shows the order again.
    await hoa.tap_button(LABELS["vi"]["confirm"], message=review)
    changed = await until(hoa, "Giỏ hàng hoặc giá vừa thay đổi")
    assert changed.from_page
    again = await until(hoa, CHECKOUT["vi"]["review"])
    assert "× 2" in (again.text or "")
    orders = (
        "SELECT count(*) FROM orders WHERE user_id = (SELECT id FROM users WHERE external_id = ?)"
    )
    assert query(shop, orders, hoa.psid) == [(0,)]
    # The old cart's "🗑", then its "➕": the line is gone, and the answer says so.
    await hoa.tap_button("🗑", element=cart.elements[0].title, message=cart)
    await hoa.wait_for(lambda m: "trống" in (m.text or ""))
    await hoa.tap_button("➕", element=cart.elements[0].title, message=cart)
    await until(hoa, "Sản phẩm này không còn trong giỏ hàng.")


async def test_a_sticker_gets_an_answer_not_silence(meta: MessengerEmulator) -> None:
    an = await started(meta, "An", "vi")
    await an.send_sticker()
    answer = await an.next_message()
    assert "Mình chưa hiểu ý bạn" in (answer.text or "")
    assert "🛍 Danh mục" in answer.quick_replies


async def order_for(meta: MessengerEmulator, shop: Shop, person: MessengerPerson) -> int:
    """An order of ``person``'s, placed as a checkout on Messenger would place it."""
    [(user_id,)] = query(shop, "SELECT id FROM users WHERE external_id = ?", person.psid)
    engine = create_engine(shop.database_url)
    factory = create_session_factory(engine)
    try:
        [(product_id,)] = query(shop, "SELECT id FROM products WHERE sku = 'QUANGVINH-SEN-AC'")
        await cart_service.add_to_cart(UnitOfWork(factory), user_id=user_id, product_id=product_id)
        placed = await order_service.place_order(
            UnitOfWork(factory),
            user_id=user_id,
            details=DETAILS,
            payment=PaymentMethod.cod,
            idempotency_key=f"window-{person.psid}",
            channel="messenger",
        )
    finally:
        await engine.dispose()
    return placed.orders[0].id


async def test_news_after_25_silent_hours_waits_for_the_next_message_or_goes_by_template(
    meta: MessengerEmulator, emulator: Emulator, shop: Shop, staffed_group: StaffedGroup
) -> None:
    staff, group = await staffed_group("Vinh", "Gốm Quang Vinh 2", "Quang Vinh Ceramics")
    lan = await started(meta, "Lan Chi", "vi")  # no utility template in Vietnamese
    mary = await started(meta, "Mary", "en")  # one in English
    numbers = {}
    for person in (lan, mary):
        order_id = await order_for(meta, shop, person)
        numbers[person.psid] = f"DH{order_id:05d}"
        await emulator.wait_until(
            lambda n=numbers[person.psid]: next(
                (m for m in group.bot_messages if n in m.text), None
            ),
            10,
        )
    meta.clock.advance(hours=25)
    # The shop's own record of Mary's window says it is closed too (Lan's does not: the
    # shop learns it from Meta's refusal).
    moved = "UPDATE messenger_inbound SET received_at = datetime(received_at, '-25 hours')"
    query(shop, moved + " WHERE psid = ?", mary.psid)
    for person in (lan, mary):
        await staff.send(f"/accept {numbers[person.psid]}", chat=group)

    # By the utility template, outside the window.
    news = await mary.wait_for(lambda m: numbers[mary.psid] in (m.text or ""), 10)
    assert news.messaging_type == "UTILITY"
    assert news.content.template_name == "order_update"
    assert "accepted your order" in (news.text or "")
    assert meta.errors_for(mary.psid) == []  # no message tried that was sure to be refused

    # Without one, the news waits: nothing is sent, nothing is lost...
    await meta.wait_until(lambda: None, 2.0)
    assert not [m for m in lan.messages if numbers[lan.psid] in (m.text or "")]
    waiting = (
        "SELECT status FROM messenger_outbox"
        " WHERE user_id = (SELECT id FROM users WHERE external_id = ?)"
    )
    assert query(shop, waiting, lan.psid) == [("pending",)]
    # ...until the customer writes again.
    await lan.send("chào shop")
    news = await lan.wait_for(lambda m: numbers[lan.psid] in (m.text or ""), 10)
    assert news.messaging_type == "UPDATE"
    assert "đã nhận đơn" in (news.text or "")
    await meta.wait_until(lambda: None, 1.0)
    assert query(shop, waiting, lan.psid) == [("sent",)]
    assert len([m for m in lan.messages if numbers[lan.psid] in (m.text or "")]) == 1


async def test_an_m_me_link_from_qr_opens_the_card_for_new_and_returning_people(
    meta: MessengerEmulator, admin: TelegramPerson, shop: Shop
) -> None:
    await admin.send("/qr QUANGVINH-SEN-AC messenger")
    png = await admin.wait_for(lambda m: m.document is not None)
    assert png.document is not None
    image = Image.open(BytesIO(png.document.data)).convert("L")
    [url] = [code.text for code in zxingcpp.read_barcodes(image)]
    assert url == "https://m.me/ocopshop?ref=pp_QUANGVINH-SEN-AC"

    newcomer = meta.person("Thu")
    await newcomer.open_link(url)  # a new thread: Get Started, with the link's ref
    welcome = await newcomer.next_message()
    assert (welcome.text or "").startswith("Xin chào! 👋 Chào mừng bạn đến cửa hàng OCOP")
    await newcomer.wait_for(lambda m: m.content.kind == "image")
    card = await until(newcomer, "Bộ ấm chén hoa sen")
    assert "980.000" in (card.text or "")

    returning = await started(meta, "Bình", "en")
    await returning.open_link(url)  # an existing thread: a referral event
    card = await until(returning, "Lotus tea set")
    assert "₫980,000" in (card.text or "")
    visits = (
        "SELECT source FROM link_visits WHERE user_id IN "
        "(SELECT id FROM users WHERE external_id IN (?, ?))"
    )
    assert query(shop, visits, newcomer.psid, returning.psid) == [("product",), ("product",)]


async def test_a_customer_who_blocked_the_page_and_a_restricted_page_are_handled_without_fuss(
    meta: MessengerEmulator,
    emulator: Emulator,
    admin: TelegramPerson,
    bot_process: BotProcess,
    shop: Shop,
    staffed_group: StaffedGroup,
) -> None:
    staff, group = await staffed_group("Vinh", "Gốm Quang Vinh 3", "Quang Vinh Ceramics")
    gone = await started(meta, "Hùng", "vi")
    number = f"DH{await order_for(meta, shop, gone):05d}"
    gone.block_page()
    await staff.send(f"/accept {number}", chat=group)
    news = (
        "SELECT status FROM messenger_outbox"
        " WHERE user_id = (SELECT id FROM users WHERE external_id = ?)"
    )
    assert await meta.wait_until(lambda: query(shop, news, gone.psid) == [("failed",)] or None, 10)
    assert [(e.code, e.subcode) for e in meta.errors_for(gone.psid)] == [(551, 1545041)]
    [line] = log_lines(bot_process, "is not available (blocked the Page?)")
    assert (line["channel"], line["person"], line["order"]) == ("messenger", gone.psid, number)

    kept = await started(meta, "Mai", "vi")
    number = f"DH{await order_for(meta, shop, kept):05d}"
    meta.page.restricted = True
    try:
        await staff.send(f"/accept {number}", chat=group)
        told = await admin.wait_for(lambda m: "Facebook" in m.text, 10)
        assert "restricted" in told.text
        assert query(shop, news, kept.psid) == [("pending",)]  # tried again later
        # The customer writes meanwhile: the answer is refused too, and nobody told again.
        refused = len(meta.errors_for(kept.psid))
        await kept.send("shop ơi?")
        assert await meta.wait_until(lambda: len(meta.errors_for(kept.psid)) > refused or None, 10)
    finally:
        meta.page.restricted = False
    # Lifted: the next answer gets through, the admins are told it is over (once), and the
    # news held back goes out.
    await kept.send("chào shop")
    over = await admin.wait_for(lambda m: m.text.startswith("✅") and "Messenger" in m.text, 10)
    assert "sends Messenger messages again" in over.text
    await kept.wait_for(lambda m: number in (m.text or ""), 10)
    assert await meta.wait_until(lambda: query(shop, news, kept.psid) == [("sent",)] or None, 5)
    assert len([m for m in admin.bot_messages() if "Facebook" in m.text]) == 1
    assert len([m for m in admin.bot_messages() if m.text == over.text]) == 1
    meta.errors.clear()  # the refusals were the point of this test


def log_lines(bot_process: BotProcess, words: str) -> list[dict[str, Any]]:
    """The bot's JSON log lines whose message holds ``words``."""
    lines = [json.loads(line) for line in bot_process.log_text().splitlines() if line[:1] == "{"]
    return [line for line in lines if words in line["message"]]


async def scrape(port: int) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/metrics") as reply,
    ):
        assert reply.status == 200
        body = await reply.text()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


async def test_messenger_is_counted_in_the_metrics_and_named_in_its_log_lines(
    meta: MessengerEmulator, shop: Shop, bot_process: BotProcess, metrics_port: int
) -> None:
    def key(name: str, **labels: str) -> tuple[str, frozenset[tuple[str, str]]]:
        return name, frozenset(labels.items())

    moving = [
        key("ocop_updates_total", channel="messenger", kind="postback"),
        key("ocop_updates_total", channel="messenger", kind="message"),
        key("ocop_update_seconds_count", channel="messenger", kind="message"),
        key("ocop_api_calls_total", channel="messenger", method="send", code="200"),
        key("ocop_outbox_messages_total", queue="messenger", outcome="sent"),
    ]
    before = await scrape(metrics_port)
    hanh = await started(meta, "Hạnh", "vi")  # Get Started: a postback
    await hanh.send("bat trang", duplicate=True)  # a message, posted twice
    await hanh.wait_for(lambda m: bool(m.elements))
    order_id = await order_for(meta, shop, hanh)
    engine = create_engine(shop.database_url)
    try:
        await order_service.change_order_status(
            UnitOfWork(create_session_factory(engine)), order_id=order_id,
            new_status=OrderStatus.accepted, actor_id=1, chat_id=None, is_admin=True,
        )  # fmt: skip
    finally:
        await engine.dispose()
    number = f"DH{order_id:05d}"
    await hanh.wait_for(lambda m: number in (m.text or ""), 10)
    after = before
    for _ in range(50):
        after = await scrape(metrics_port)
        if all(after.get(k, 0.0) > before.get(k, 0.0) for k in moving):
            break
        await asyncio.sleep(0.2)
    assert [k for k in moving if after.get(k, 0.0) <= before.get(k, 0.0)] == []
    assert key("ocop_outbox_waiting_messages", queue="messenger") in after
    # The message Meta posted again: its log line names it, the channel and the person.
    [again] = [
        line
        for line in log_lines(bot_process, "delivered again; handled once")
        if line.get("person") == hanh.psid
    ]
    assert (again["channel"], again["chat"]) == ("messenger", hanh.psid)
    assert again["update_id"][:40] in again["message"]
