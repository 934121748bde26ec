"""QR codes, posters, deep links and inline mode, as people use them, against the real bot."""

import io
import sqlite3

import pypdfium2
import pytest
import zxingcpp
from PIL import Image
from support.botprocess import BotProcess, Shop
from support.journeys import add_to_cart, greeted, open_checkout

from catalog.links import LinkSource, parse_payload, producer_link, product_link
from catalog.money import format_vnd
from emulators.telegram import ChatMessage, Emulator, Person

pytestmark = pytest.mark.asyncio(loop_scope="module")

BOT = "ocop_shop_bot"  # the emulator's bot
OIL = "BABE-SA-10"  # Tinh dầu sả chanh, Bà Bé (BABE)


def query(shop: Shop, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(shop.database) as db:
        return db.execute(sql, args).fetchall()


def scan(image: Image.Image) -> list[str]:
    """What a phone's camera reads from a picture of printed codes."""
    return [code.text for code in zxingcpp.read_barcodes(image.convert("L"))]


async def document(person: Person) -> ChatMessage:
    message = await person.next_message(timeout=20)
    assert message.document is not None, person.transcript()
    return message


async def test_a_product_qr_code_opens_its_card_for_new_customers_in_their_language(
    emulator: Emulator, bot_process: BotProcess, admin: Person, shop: Shop
) -> None:
    await admin.send(f"/qr {OIL}")
    png = await document(admin)
    svg = await document(admin)
    assert png.document is not None
    assert svg.document is not None
    assert (png.document.file_name, svg.document.file_name) == (f"qr-{OIL}.png", f"qr-{OIL}.svg")
    assert "Lemongrass essential oil" in svg.document.data.decode("utf-8")
    [url] = scan(Image.open(io.BytesIO(png.document.data)))
    assert url == product_link(OIL, LinkSource.product).url(BOT)
    assert url in png.text

    lan = emulator.person("Lan", language_code="vi")
    await lan.open_link(url)
    welcome = await lan.next_message()
    assert welcome.text.startswith("Xin chào Lan! 👋 Chào mừng bạn đến cửa hàng OCOP")
    assert lan.reply_keyboard[0] == ["🛍 Danh mục", "🔎 Tìm kiếm"]
    card = await lan.next_message()
    assert card.photo is not None
    assert card.text.startswith(f"Tinh dầu sả chanh\n💰 {format_vnd(75_000, 'vi')} / lọ 10 ml")
    assert ["📤 Chia sẻ"] in lan.buttons(card)
    await lan.press("🛒 Thêm 1 vào giỏ")
    assert (await lan.wait_callback_answer()).text.startswith("Đã thêm vào giỏ.")

    mary = emulator.person("Mary", language_code="en-GB")
    await mary.open_link(url)
    assert (await mary.next_message()).text.startswith("Hello, Mary! 👋 Welcome to the OCOP")
    card = await mary.next_message()
    assert card.text.startswith("Lemongrass essential oil\n💰 ₫75,000 / 10 ml bottle")
    await mary.press("⬅️ Back")  # from a link, "Back" leads to the producer's shop
    shop_list = await mary.next_message()
    assert shop_list.text.startswith("🏡 Ba Be Turmeric Starch Workshop")

    rows = query(
        shop,
        "SELECT u.source, v.source, v.first_contact FROM users u "
        "JOIN link_visits v ON v.user_id = u.id WHERE u.id IN (?, ?)",
        lan.id,
        mary.id,
    )
    assert rows == [("product", "product", 1), ("product", "product", 1)]

    # A customer who already knows the shop gets the card without a second welcome.
    await lan.open_link(url)
    assert (await lan.next_message()).photo is not None
    assert query(shop, "SELECT source FROM users WHERE id = ?", lan.id) == [("product",)]
    assert not [e.describe() for e in emulator.api_errors()]


async def test_a_producer_link_opens_its_shop_and_bad_links_get_the_catalog(
    emulator: Emulator, bot_process: BotProcess, admin: Person
) -> None:
    binh = emulator.person("Bình", language_code="vi")
    await binh.open_link(producer_link("QUANGVINH", LinkSource.producer).url(BOT))
    await binh.next_message()  # welcome
    shop_list = await binh.next_message()
    assert shop_list.text.startswith("🏡 Gốm sứ Quang Vinh\n📍 Xã Bát Tràng")
    assert any("Bộ ấm chén hoa sen" in row[0] for row in binh.buttons(shop_list))

    for bad in ("pp_NO-SUCH-SKU", "zz_BABE"):
        await binh.open_link(f"https://t.me/{BOT}?start={bad}")
        messages = [await binh.next_message() for _ in range(3)]
        assert messages[0].text.startswith("Xin chào, Bình!")
        assert messages[1].text.startswith("Liên kết này không dẫn tới")
        assert ["🗂 Theo nhóm hàng"] in binh.buttons(messages[2])
    # A parameter Telegram does not allow never reaches the bot: a plain /start.
    await binh.open_link(f"https://t.me/{BOT}?start=bad%20link!")
    assert (await binh.next_message()).text.startswith("Xin chào, Bình!")

    await admin.send("/hide BABE-BUOI-10")
    await admin.next_message()
    await binh.open_link(product_link("BABE-BUOI-10", LinkSource.product).url(BOT))
    hidden = await binh.next_message()
    assert hidden.text == "Tinh dầu vỏ bưởi hiện đang tạm ngừng bán. Mời bạn xem danh mục:"
    assert ["🗂 Theo nhóm hàng"] in binh.buttons(await binh.next_message())
    await admin.send("/show BABE-BUOI-10")
    await admin.next_message()


async def test_inline_mode_lists_products_and_a_shared_result_opens_the_card(
    emulator: Emulator, bot_process: BotProcess, shop: Shop
) -> None:
    chi = emulator.person("Chi", language_code="vi")
    friend = emulator.person("Dũng", language_code="vi")
    chat = emulator.group("Hội yêu gốm")  # the bot is not a member: inline works anywhere

    answer = await chi.inline_query("gốm bát tràng", chat=chat)
    assert "Bộ ấm chén hoa sen" in answer.titles
    assert all(result["type"] == "article" for result in answer.results)
    everything = await chi.inline_query("", chat=chat)
    assert len(everything.results) == 20
    assert everything.next_offset == "20"
    seen = [r["id"] for r in everything.results]
    while chi._last_inline and chi._last_inline.answer and chi._last_inline.answer.next_offset:
        seen += [r["id"] for r in (await chi.more_results()).results]
    [(active,)] = query(shop, "SELECT count(*) FROM products WHERE active")
    assert len(seen) == len(set(seen)) == active

    answer = await chi.inline_query("am chen sen", chat=chat)
    sent = await chi.choose_result("Bộ ấm chén hoa sen")
    assert sent.via_bot is not None
    assert sent.text.startswith("Bộ ấm chén hoa sen\n💰")
    await friend.press("🛍 Mở trong cửa hàng", chat=chat)
    await friend.next_message()  # welcome
    card = await friend.next_message()
    assert card.text.startswith("Bộ ấm chén hoa sen\n")
    assert query(shop, "SELECT source FROM users WHERE id = ?", friend.id) == [("share",)]

    # The card's share button gives the link, and sends the product to a chat.
    await friend.press("📤 Chia sẻ")
    shared = await friend.next_message()
    link = shared.text.splitlines()[1]
    assert link == product_link("QUANGVINH-SEN-AC", LinkSource.share).url(BOT)
    answer = await friend.switch_inline("📤 Gửi vào cuộc trò chuyện", to=chat)
    # Its photo was sent with the card, so Telegram has it: the result is that photo.
    [result] = answer.results
    assert (result["type"], result["title"]) == ("photo", "Bộ ấm chén hoa sen")
    posted = await friend.choose_result("Bộ ấm chén hoa sen")
    assert posted.photo is not None

    # Chosen in one's own chat with the bot, it is not taken for a search.
    await chi.inline_query("tinh dau sa")
    own = await chi.choose_result("Tinh dầu sả chanh")
    await chi.send("/help")
    assert (await chi.next_message()).text.startswith("Cách mua hàng")
    after = [m for m in chi.bot_messages() if m.message_id > own.message_id]
    assert [m.text.split("\n")[0] for m in after] == ["Cách mua hàng"], chi.transcript()


async def test_an_order_after_a_poster_scan_counts_under_posters_in_stats(
    emulator: Emulator, bot_process: BotProcess, admin: Person, shop: Shop
) -> None:
    await admin.send("/poster BABE")
    poster = await document(admin)
    assert poster.document is not None
    assert poster.document.file_name == "poster-BABE.pdf"
    pdf = pypdfium2.PdfDocument(poster.document.data)
    page = pdf[0].render(scale=200 / 72).to_pil()
    text = " ".join(pdf[0].get_textpage().get_text_range().split())  # lines joined
    pdf.close()
    assert "Ba Be Turmeric Starch Workshop" in text
    [(on_sale,)] = query(
        shop,
        "SELECT count(*) FROM products p JOIN producers r ON r.id = p.producer_id "
        "WHERE r.code = 'BABE' AND p.active",
    )
    links = [parse_payload(url.split("start=")[1]) for url in scan(page)]
    assert len(links) == on_sale + 1
    assert all(link is not None and link.source == LinkSource.poster for link in links)
    oil = next(url for url in scan(page) if url.endswith(OIL))

    hoa = emulator.person("Hoa", language_code="vi", phone="+84912345602")
    await hoa.open_link(oil)
    await hoa.next_message()
    await hoa.next_message()
    await add_to_cart(hoa, "vi")
    await open_checkout(hoa, "vi")
    await hoa.press("Hà Nội")
    await hoa.wait_for(lambda m: "Địa chỉ ở Hà Nội" in m.text)
    await hoa.send("Phường Hoàn Kiếm")
    await hoa.wait_for(lambda m: "Số nhà" in m.text)
    await hoa.send("12 Hàng Gai")
    await hoa.wait_for(lambda m: "Ai nhận hàng?" in m.text)
    await hoa.share_contact()
    await hoa.wait_for(lambda m: m.inline_button("💵 Thanh toán khi nhận hàng (COD)") is not None)
    await hoa.press("💵 Thanh toán khi nhận hàng (COD)")
    await hoa.wait_for(lambda m: "Đơn hàng của bạn" in m.text)
    await hoa.press("✅ Xác nhận đặt hàng")
    assert (await hoa.wait_callback_answer()).text == "Cảm ơn bạn! Đơn hàng đã được đặt."
    assert query(shop, "SELECT source FROM orders WHERE user_id = ?", hoa.id) == [("poster",)]

    await admin.send("/stats")
    stats = (await admin.next_message()).text
    assert "🔗 Orders by source" in stats
    assert f"• Posters: 1 order, {format_vnd(75_000, 'en')} · opened 1 time" in stats


async def test_printing_is_for_staff_and_explains_mistakes(
    emulator: Emulator, bot_process: BotProcess, admin: Person
) -> None:
    customer = await greeted(emulator, "Khách", "vi")
    for command in (f"/qr {OIL}", "/poster BABE"):
        await customer.send(command)
        assert (await customer.next_message()).text == "Thao tác này không được phép."
    # A producer's manager prints their own producer's material, and only that.
    manager = await greeted(emulator, "Quản lý Bà Bé", "en")
    await admin.send(f"/managers add {manager.id} BABE")
    await admin.next_message()
    await manager.send("/poster")
    poster = await document(manager)
    assert poster.document is not None
    assert poster.document.file_name == "poster-BABE.pdf"
    assert poster.text.startswith("Poster of Ba Be Turmeric Starch Workshop: 6 products, 1 × A4")
    for command in ("/poster QUANGVINH", "/qr QUANGVINH-SEN-AC", "/qr QUANGVINH"):
        await manager.send(command)
        assert (await manager.next_message()).text == "That is not allowed."
    await manager.send("/qr BABE")
    label = await document(manager)
    assert label.document is not None
    assert scan(Image.open(io.BytesIO(label.document.data))) == [
        producer_link("BABE", LinkSource.producer).url(BOT)
    ]
    await document(manager)  # its SVG

    for command, answer in (
        ("/qr", "Usage: /qr SKU | /qr PRODUCER_CODE"),
        ("/qr NOPE-1", "No product or producer has the code NOPE-1."),
        ("/poster NOPE", "No producer has the code NOPE."),
    ):
        await admin.send(command)
        assert (await admin.next_message()).text.startswith(answer)


async def test_an_admin_picks_the_producer_of_a_poster_from_a_list(admin: Person) -> None:
    await admin.send("/poster")
    question = await admin.next_message()
    assert question.text == "Whose poster do you want to print?"
    assert ["Ba Be Turmeric Starch Workshop"] in admin.buttons(question)
    await admin.press("Ba Be Turmeric Starch Workshop")
    poster = await document(admin)
    assert poster.document is not None
    assert poster.document.file_name == "poster-BABE.pdf"
    assert poster.text.startswith("Poster of Ba Be Turmeric Starch Workshop: 6 products")
    # The list stays for the next producer's poster.
    assert admin.buttons(question)
