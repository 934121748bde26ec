"""Whole shopping journeys, as customers click them, against the real bot process."""

import sqlite3
from io import BytesIO

import pytest
import zxingcpp
from PIL import Image
from support.botprocess import BotProcess, Shop
from support.journeys import add_to_cart, greeted, open_checkout, search_and_add, start

from catalog.money import format_vnd
from catalog.vietqr import parse_payload
from emulators.telegram import Emulator

pytestmark = pytest.mark.asyncio(loop_scope="module")


def query(shop: Shop, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(shop.database) as db:
        return db.execute(sql, args).fetchall()


def stock(shop: Shop, sku: str) -> int:
    [(value,)] = query(shop, "SELECT stock FROM products WHERE sku = ?", sku)
    assert isinstance(value, int)
    return value


def item(name: str, price: int, locale: str) -> str:
    """A product's button in a list, as the customer sees it."""
    return f"{name} · {format_vnd(price, locale)}"


async def test_browse_add_and_order_with_a_shared_phone_in_vietnamese(
    emulator: Emulator, bot_process: BotProcess, shop: Shop
) -> None:
    an = emulator.person("An", language_code="vi", phone="+84912345601")
    oil_stock = stock(shop, "BABE-SA-10")
    await start(an)

    await an.press("🛍 Danh mục")
    home = await an.next_message()
    assert "Danh mục OCOP" in home.text
    await an.press("🗂 Theo nhóm hàng")
    categories = await an.wait_for(lambda m: m.message_id == home.message_id and m.edited)
    assert "Nhóm hàng" in categories.text
    await an.press("Dược liệu và sản phẩm từ dược liệu (6)")
    await an.wait_for(lambda m: "Dược liệu" in m.text and m.message_id == home.message_id)
    await an.press(item("Tinh dầu sả chanh", 75_000, "vi"))
    card = await an.next_message()
    assert card.photo is not None
    assert card.text.startswith("Tinh dầu sả chanh\n💰 75.000\xa0₫ / lọ 10 ml")
    assert "⭐⭐⭐ OCOP 3 sao, năm 2023" in card.text
    # Granted in 2023 (the day unknown: 1 January), so valid for 36 months to 1 January 2026.
    assert "⚠️ Chứng nhận đã hết hạn: có hiệu lực đến 01/01/2026 (36 tháng)" in card.text
    assert f"✅ Còn hàng: {oil_stock}" in card.text

    await an.press("➕")
    await an.wait_for(lambda m: ["🛒 Thêm 2 vào giỏ"] in an.buttons(m))
    await an.press("🛒 Thêm 2 vào giỏ")
    answer = await an.wait_callback_answer()
    assert answer.text == "Đã thêm vào giỏ. Giỏ của bạn có 2 sản phẩm này."

    await an.press("🛒 Giỏ hàng")
    cart = await an.next_message()
    assert "• Tinh dầu sả chanh × 2 — 150.000\xa0₫" in cart.text
    assert "Tổng cộng: 150.000\xa0₫" in cart.text

    await an.press("✅ Đặt hàng")
    # The cart pressed becomes the first question, and each list pressed the next one: no new
    # message for a press.
    await an.wait_for(lambda m: m.message_id == cart.message_id and "Giao hàng đến đâu?" in m.text)
    await an.press("Hà Nội")
    ward = await an.wait_for(lambda m: "Địa chỉ ở Hà Nội" in m.text)
    assert ward.message_id == cart.message_id
    assert ward.text.startswith("Tỉnh, thành phố: Hà Nội\n")
    await an.send("Phường Hoàn Kiếm")
    assert "Số nhà" in (await an.next_message()).text
    await an.send("12 <Hàng Gai> & 🏮")
    assert "Ai nhận hàng?" in (await an.next_message()).text
    phone_keys = [["📱 Gửi số điện thoại của tôi"], ["✖️ Hủy đặt hàng"]]
    assert an.reply_keyboard == phone_keys
    await an.share_contact()
    payment = await an.wait_for(lambda m: "thanh toán" in m.text)
    # A shared phone: the parcel is addressed to the person's own (Telegram) name.
    assert payment.text.startswith("👤 An · 📞 0912 345 601\n")
    # Payment and review take inline buttons; under the typing field stay only the phone's
    # share button (a number shared again changes the recipient) and the way out, until the
    # order is placed.
    assert an.reply_keyboard == phone_keys
    await an.press("💵 Thanh toán khi nhận hàng (COD)")
    review = await an.wait_for(lambda m: "Đơn hàng của bạn" in m.text)
    assert an.reply_keyboard == phone_keys
    assert "👤 An" in review.text
    assert "📞 0912 345 601" in review.text
    assert "📍 12 <Hàng Gai> & 🏮, Phường Hoàn Kiếm, Hà Nội" in review.text
    assert "&lt;" in review.html

    await an.press("✅ Xác nhận đặt hàng")
    assert (await an.wait_callback_answer()).text == "Cảm ơn bạn! Đơn hàng đã được đặt."
    placed = await an.wait_for(lambda m: "Đơn hàng đã được đặt" in m.text and not m.edited)
    [(order_id, number_total, status)] = query(
        shop, "SELECT id, total, status FROM orders WHERE user_id = ?", an.id
    )
    number = f"DH{order_id:05d}"
    assert f"📦 {number} — Cơ sở sản xuất tinh bột nghệ Bà Bé: 150.000\xa0₫" in placed.text
    assert (number_total, status) == (150_000, "new")
    assert stock(shop, "BABE-SA-10") == oil_stock - 2
    alerts = "SELECT kind FROM outbox WHERE json_extract(payload, '$.order_id') = ?"
    assert query(shop, alerts, order_id) == [("order_alert",)]
    assert an.reply_keyboard[0] == ["🛍 Danh mục", "🔎 Tìm kiếm"]

    await an.press("📦 Đơn của tôi")
    await an.next_message()
    await an.press(f"{number} · 150.000\xa0₫ · 🆕 Mới")
    detail = await an.wait_for(lambda m: f"Đơn hàng {number}" in m.text)
    assert "Trạng thái: 🆕 Mới" in detail.text
    await an.press("✖️ Hủy đơn này")
    await an.wait_for(lambda m: ["Có, hủy đơn", "Không, giữ lại"] in an.buttons(m))
    await an.press("Có, hủy đơn")
    assert (await an.wait_callback_answer()).text == f"Đơn {number} đã được hủy."
    assert stock(shop, "BABE-SA-10") == oil_stock


async def test_search_order_from_two_producers_and_pay_by_bank_transfer_in_english(
    emulator: Emulator, bot_process: BotProcess, shop: Shop
) -> None:
    mary = await greeted(emulator, "Mary", "en")
    await mary.press("🔎 Search")
    await mary.next_message()
    await mary.send("am chen bat trang sen")
    results = await mary.next_message()
    assert results.text.startswith("🔎 Results for “am chen bat trang sen”")
    await mary.press(item("Lotus tea set", 980_000, "en"))
    await mary.next_message()
    await add_to_cart(mary, "en")

    await search_and_add(
        mary, "khan lua van phuc", item("Van Phuc silk scarf", 450_000, "en"), "en"
    )
    await mary.press("🛒 Cart")
    cart = await mary.next_message()
    assert "Total: ₫1,430,000" in cart.text
    assert "one order per producer" in cart.text

    await mary.press("✅ Checkout")
    await mary.wait_for(lambda m: "Where shall we deliver?" in m.text)
    await mary.send("ha noi")
    assert "The address in Hà Nội" in (await mary.next_message()).text
    await mary.send("Phường Ba Đình")
    assert "House number and street" in (await mary.next_message()).text
    await mary.send("x" * 301)
    assert "at most 300 characters" in (await mary.next_message()).text
    await mary.next_message()
    await mary.send("5 Phan Đình Phùng")
    assert "Who receives the parcel?" in (await mary.next_message()).text
    await mary.send("12345")
    refusal = await mary.next_message()
    assert "is not a phone number we can call" in refusal.text
    assert "Who receives the parcel?" in (await mary.next_message()).text
    await mary.send("Mary <Smith> & co +84 912.345.678")
    payment = await mary.wait_for(lambda m: "How will you pay?" in m.text)
    assert payment.text.startswith("👤 Mary <Smith> & co · 📞 0912 345 678\n")
    await mary.press("📝 Add a note for the producer")
    await mary.wait_for(lambda m: "A note for the producer?" in m.text)
    await mary.send("Please call before 😊")
    noted = await mary.next_message()
    assert noted.text.startswith("📝 Note: Please call before 😊\n\n")
    assert "How will you pay?" in noted.text
    await mary.send("bank please")
    assert (await mary.next_message()).text == "Please answer with the buttons below."
    await mary.press("🏦 Bank transfer (VietQR)")
    review = await mary.wait_for(lambda m: "Your order" in m.text)
    assert "👤 Mary <Smith> & co" in review.text
    assert "📝 Please call before 😊" in review.text
    await mary.press("✅ Confirm order")
    await mary.wait_callback_answer()

    orders = query(shop, "SELECT id, total FROM orders WHERE user_id = ? ORDER BY id", mary.id)
    assert [total for _, total in orders] == [980_000, 450_000]
    codes = [
        await mary.wait_for(lambda m, n=f"DH{oid:05d}": m.photo is not None and n in m.text)
        for oid, _ in orders
    ]
    for (order_id, total), code in zip(orders, codes, strict=True):
        assert code.photo is not None
        [barcode] = zxingcpp.read_barcodes(Image.open(BytesIO(code.photo)))
        fields = parse_payload(barcode.text)  # raises on a wrong CRC
        assert fields["54"] == str(total)
        assert fields["62.08"] == f"OCOP DH{order_id:05d}"
        assert fields["53"] == "704"


async def test_the_checkout_survives_a_restart_and_a_language_switch(
    emulator: Emulator, bot_process: BotProcess, shop: Shop
) -> None:
    binh = await greeted(emulator, "Bình", "vi")
    await search_and_add(binh, "gio lua", item("Giò lụa", 120_000, "vi"), "vi")
    await open_checkout(binh, "vi")
    await binh.send("Bắc Ninh")
    assert "Địa chỉ ở Bắc Ninh" in (await binh.next_message()).text

    await bot_process.restart()
    await binh.send("Phường Kinh Bắc")
    street = await binh.next_message()
    assert "Số nhà" in street.text
    assert "📍 Phường Kinh Bắc, Bắc Ninh\n" in street.text

    await binh.send("/language")
    await binh.next_message()
    await binh.press("🇬🇧 English")
    again = await binh.wait_for(lambda m: "House number and street" in m.text)
    assert "📍 Phường Kinh Bắc, Bắc Ninh\n" in again.text
    await binh.send("5 Lý Thái Tổ")
    recipient = await binh.next_message()
    assert "Who receives the parcel?" in recipient.text
    assert "📍 5 Lý Thái Tổ, Phường Kinh Bắc, Bắc Ninh\n" in recipient.text
    await binh.send("Trần Bình 0987 654 321")
    payment = await binh.next_message()
    assert payment.text.startswith("👤 Trần Bình · 📞 0987 654 321\n")
    assert "How will you pay?" in payment.text


async def test_the_out_of_stock_mark_is_explained_in_the_list_and_the_card(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    hoa = await greeted(emulator, "Hoa", "vi")
    await hoa.send("tinh dau")
    in_stock = await hoa.next_message()
    assert "⛔" not in in_stock.text
    await hoa.send("suoi ngoc")
    results = await hoa.next_message()
    labels = [label for row in hoa.buttons(results) for label in row]
    sold_out = next(label for label in labels if "Bộ ấm chén men Suối Ngọc" in label)
    assert sold_out.startswith("⛔ ")
    assert results.text.endswith("⛔ = tạm hết hàng")
    await hoa.press(sold_out)
    card = await hoa.next_message()
    assert card.text.endswith("⛔ Tạm hết hàng. Mời bạn quay lại sau.")
    assert "🛒 Thêm 1 vào giỏ" not in [label for row in hoa.buttons(card) for label in row]


async def test_a_search_still_turns_its_pages_after_a_checkout_is_started_and_left(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    # The search and the checkout keep their data apart: starting one does not wipe the other.
    lan = emulator.person("Lan", language_code="en")
    await start(lan)
    await lan.send("khan lua van phuc")
    await lan.next_message()
    await lan.press(item("Van Phuc silk scarf", 450_000, "en"))
    await lan.next_message()
    await lan.press("🛒 Add 1 to cart")
    await lan.wait_callback_answer()
    await lan.send("bat trang")
    results = await lan.next_message()
    assert results.text.startswith("🔎 Results for “bat trang”: 11")
    assert ["Page 1/2", "▶️"] in lan.buttons(results)
    await lan.send("/cart")
    await lan.next_message()
    await lan.press("✅ Checkout")
    await lan.wait_for(lambda m: "Where shall we deliver?" in m.text)
    await lan.press("✖️ Cancel")
    assert (await lan.next_message()).text == "Checkout cancelled. Your cart is kept."

    await lan.press("▶️")
    again = await lan.wait_for(
        lambda m: m.message_id == results.message_id and ["◀️", "Page 2/2"] in lan.buttons(m)
    )
    assert again.text.startswith("🔎 Results for “bat trang”: 11")
