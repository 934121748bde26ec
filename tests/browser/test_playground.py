"""The offline playground in a real headless Chromium: people click the page as they would."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from browser_support import PlaygroundProcess, api
from page_actions import add_to_cart, bot_says, check_out, pane, press
from playwright.sync_api import Locator, Page, expect

from catalog.money import format_vnd

Shot = Callable[[Page, str], None]
PHONE = {"width": 390, "height": 844}


def item(name: str, price: int, locale: str) -> str:
    return f"{name} · {format_vnd(price, locale)}"


def in_view(locator: Locator) -> None:
    """Wholly visible to the person: inside the viewport and not scrolled out of its chat."""
    expect(locator).to_be_in_viewport(ratio=1)


def minutes(clock: str) -> int:
    hours, mins = clock.split(":")
    return int(hours) * 60 + int(mins)


def same_minute(a: str, b: str) -> bool:
    """Two HH:MM readings of one moment (a message may be sent in the next minute)."""
    return (minutes(b) - minutes(a)) % 1440 in (0, 1)


def test_a_customer_browses_adds_a_product_and_orders_cash_on_delivery(
    page: Page, customer_name: str, shot: Shot
) -> None:
    customer = pane(page, "customer")
    shot(page, "empty-chats")
    customer.get_by_role("button", name="BẮT ĐẦU · START").click()
    bot_says(customer, f"Xin chào, {customer_name.split(maxsplit=1)[0]}")
    expect(customer.locator(".start-bar")).to_be_hidden()
    shot(page, "greeting-and-menu")

    press(customer, "🛍 Danh mục")
    bot_says(customer, "Danh mục OCOP")
    press(customer, "🗂 Theo nhóm hàng")
    bot_says(customer, "Nhóm hàng")
    # The catalog message was edited in place, not sent again.
    expect(customer.locator(".msg.in .meta").filter(has_text="đã sửa")).not_to_have_count(0)
    press(customer, "Dược liệu và sản phẩm từ dược liệu (6)")
    press(customer, item("Tinh dầu sả chanh", 75_000, "vi"))
    card = customer.locator(".msg.in").filter(has=page.locator("img.photo")).last
    expect(card).to_contain_text("Tinh dầu sả chanh")
    expect(card.locator("img.photo")).to_have_js_property("complete", True)
    assert card.locator("img.photo").evaluate("img => img.naturalWidth") > 0
    # The bot's HTML is rendered from entities: the product name is bold.
    expect(card.locator(".body b").first).to_have_text("Tinh dầu sả chanh")
    shot(page, "product-card")

    press(customer, "🛒 Thêm 1 vào giỏ")
    expect(customer.locator(".toast")).to_contain_text("Đã thêm vào giỏ")
    shot(page, "added-toast")

    press(customer, "🛒 Giỏ hàng")
    bot_says(customer, "Tổng cộng: 75.000")
    press(customer, "✅ Đặt hàng")
    # The cart pressed became the first question, with the provinces under it.
    bot_says(customer, "Bước 1/4 · Giao hàng đến đâu?")
    expect(customer.locator(".msg.in .body").filter(has_text="Tổng cộng: 75.000")).to_have_count(0)
    press(customer, "Hà Nội")
    bot_says(customer, "Địa chỉ ở Hà Nội")
    composer = customer.locator(".composer .text")
    composer.fill("Phường Hoàn Kiếm")
    composer.press("Enter")
    expect(composer).to_have_value("")
    bot_says(customer, "Số nhà, ngõ, đường")
    composer.fill("12 <Hàng Gai> & 🏮")
    customer.get_by_role("button", name="Gửi · Send").click()
    # Text the customer typed comes back as text, never as markup.
    bot_says(customer, "📍 12 <Hàng Gai> & 🏮, Phường Hoàn Kiếm, Hà Nội")
    bot_says(customer, "Bước 3/4 · Ai nhận hàng?")
    # With the phone shared, the parcel goes to the person's own name.
    bot_says(customer, f"Nếu chỉ gõ số, người nhận là {customer_name}.")
    shot(page, "share-phone-keyboard")
    press(customer, "📱 Gửi số điện thoại của tôi")
    expect(customer.locator(".msg.out .contact").last).to_contain_text("+8491234")
    bot_says(customer, f"👤 {customer_name} · 📞 0912 34")
    bot_says(customer, "Bước 4/4 · Bạn muốn thanh toán thế nào?")
    # Payment and review take inline buttons; under the typing field stay only the share key
    # (a number shared again changes the recipient) and the way out, until the order is placed.
    expect(customer.locator(".reply-keyboard").get_by_role("button")).to_have_text(
        ["📱 Gửi số điện thoại của tôi", "✖️ Hủy đặt hàng"]
    )
    # No note: the note's question, opened in place of the payment's, goes back to it.
    press(customer, "📝 Thêm ghi chú cho cơ sở sản xuất")
    bot_says(customer, "Ghi chú cho cơ sở sản xuất?")
    paying = customer.locator(".msg.in .body").filter(has_text="Bạn muốn thanh toán thế nào?")
    expect(paying).to_have_count(0)
    press(customer, "⬅️ Không ghi chú")
    expect(customer.get_by_role("button", name="⬅️ Không ghi chú")).to_have_count(0)
    expect(paying).to_have_count(1)
    expect(customer.get_by_role("button", name="⏭ Không ghi chú")).to_have_count(0)
    press(customer, "💵 Thanh toán khi nhận hàng (COD)")
    bot_says(customer, "Đơn hàng của bạn")
    # Text the customer typed comes back as text, never as markup.
    review = customer.locator(".msg.in .body").filter(has_text="Đơn hàng của bạn").last
    expect(review).to_contain_text("12 <Hàng Gai> & 🏮, Phường Hoàn Kiếm, Hà Nội")
    shot(page, "order-review")

    press(customer, "✅ Xác nhận đặt hàng")
    expect(customer.locator(".toast")).to_contain_text("Cảm ơn bạn! Đơn hàng đã được đặt.")
    bot_says(customer, "Đơn hàng đã được đặt")
    bot_says(customer, "Cơ sở sản xuất tinh bột nghệ Bà Bé")
    # The thanks stays in view above the main menu, which came back with it.
    placed = customer.locator(".msg.in").filter(has_text="Đơn hàng đã được đặt").last
    menu = customer.locator(".reply-keyboard")
    expect(menu.get_by_role("button", name="🛍 Danh mục", exact=True)).to_be_visible()
    in_view(placed.locator(".meta"))
    expect(customer.locator(".new-marker")).to_be_hidden()
    shot(page, "order-placed")


def test_the_newest_buttons_stay_in_view_unless_the_person_scrolled_up(
    page: Page, shot: Shot
) -> None:
    page.set_viewport_size({"width": 1280, "height": 620})
    customer = pane(page, "customer")
    customer.get_by_role("button", name="BẮT ĐẦU · START").click()
    bot_says(customer, "Xin chào")
    press(customer, "🛍 Danh mục")
    press(customer, "🗂 Theo nhóm hàng")
    customer.get_by_role("button", name=re.compile(r"^Thủ công mỹ nghệ \(\d+\)$")).click()
    expect(customer.get_by_role("button", name="Trang 1/2")).to_be_visible()
    press(customer, "▶️")
    expect(customer.get_by_role("button", name="Trang 2/2")).to_be_visible()
    press(customer, "◀️")
    # The list was edited in place and grew: its pager and Back are still in view.
    in_view(customer.get_by_role("button", name="Trang 1/2"))
    in_view(customer.get_by_role("button", name="▶️").last)
    in_view(customer.get_by_role("button", name="⬅️ Quay lại").last)
    shot(page, "paged-back")

    # Scrolled up to read: new messages do not pull the page down, a marker says they came.
    messages = customer.locator(".messages")
    messages.evaluate("node => { node.scrollTop = 0; }")
    expect(customer.locator(".msg").first).to_be_in_viewport()
    press(customer, "❓ Trợ giúp")
    marker = customer.locator(".new-marker")
    expect(marker).to_be_visible()
    expect(customer.locator(".msg").first).to_be_in_viewport()
    shot(page, "new-messages-marker")
    marker.click()
    expect(marker).to_be_hidden()
    in_view(customer.locator(".msg.in .meta").last)
    expect(customer.locator(".msg.in .body").last).to_contain_text("Cách mua hàng")


def test_switching_the_customer_to_english_changes_the_menu(page: Page, shot: Shot) -> None:
    customer = pane(page, "customer")
    customer.get_by_role("button", name="BẮT ĐẦU · START").click()
    expect(customer.get_by_role("button", name="🛍 Danh mục", exact=True)).to_be_visible()
    shot(page, "vietnamese-menu")

    customer.get_by_role("button", name="en", exact=True).click()
    expect(customer.get_by_role("button", name="en", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    start = customer.get_by_role("button", name="BẮT ĐẦU · START")
    start.click()
    bot_says(customer, "Welcome to the OCOP shop")
    expect(customer.get_by_role("button", name="🛍 Catalog", exact=True)).to_be_visible()
    expect(customer.get_by_role("button", name="🛍 Danh mục", exact=True)).to_have_count(0)
    expect(customer.locator(".subtitle")).to_contain_text("(en)")
    shot(page, "english-menu")

    customer.get_by_role("button", name="vi", exact=True).click()
    customer.get_by_role("button", name="BẮT ĐẦU · START").click()
    expect(customer.get_by_role("button", name="🛍 Danh mục", exact=True)).to_be_visible()


def test_at_phone_width_every_chat_is_reachable_as_a_tab(page: Page, shot: Shot) -> None:
    page.set_viewport_size(PHONE)
    tabs = page.get_by_role("tab")
    expect(tabs).to_have_count(5)
    for role, tab in (
        ("customer", "Khách hàng"),
        ("messenger", "Messenger"),
        ("group", "Nhà sản xuất"),
        ("admin", "Quản trị"),
        ("zalo", "Zalo"),
    ):
        page.get_by_role("tab", name=tab).click()
        expect(pane(page, role)).to_be_visible()
        expect(pane(page, role).locator(".composer .text")).to_be_visible()
        others = [r for r in ("customer", "messenger", "group", "admin", "zalo") if r != role]
        for other in others:
            expect(pane(page, other)).to_be_hidden()
        box = pane(page, role).bounding_box()
        assert box is not None
        assert box["width"] <= PHONE["width"]
        shot(page, f"phone-{role}")
    group = pane(page, "group")
    page.get_by_role("tab", name="Nhà sản xuất").click()
    expect(group.locator(".title")).to_have_text("Gốm sứ Quang Vinh")
    # The group meets the bot for the first time: a welcome, not "hello again".
    bot_says(group, "Nhóm này từ nay nhận đơn hàng của Gốm sứ Quang Vinh")
    expect(group.locator(".body").filter(has_text="lần nữa")).to_have_count(0)
    page.get_by_role("tab", name="Khách hàng").click()
    pane(page, "customer").get_by_role("button", name="BẮT ĐẦU · START").click()
    bot_says(pane(page, "customer"), "Xin chào")
    shot(page, "phone-customer-started")


def test_at_phone_width_a_tab_counts_what_arrives_while_another_is_shown(
    page: Page, playground: PlaygroundProcess, shot: Shot
) -> None:
    page.set_viewport_size(PHONE)
    page.get_by_role("tab", name="Quản trị").click()
    expect(pane(page, "admin")).to_be_visible()
    api(playground.url, "/api/chats/customer/send", {"text": "/start"})
    badge = page.locator('.tabs button[data-tab="customer"] .unread')
    expect(badge).to_have_text(re.compile(r"^[1-9]\d*$"))
    expect(page.get_by_role("tab", name=re.compile("tin mới · new"))).to_have_count(1)
    expect(page.locator('.tabs button[data-tab="admin"] .unread')).to_be_hidden()
    shot(page, "phone-unread-badge")
    page.get_by_role("tab", name="Khách hàng").click()
    expect(badge).to_be_hidden()
    in_view(pane(page, "customer").locator(".msg.in .meta").last)
    bot_says(pane(page, "customer"), "Xin chào")


def test_an_error_the_bot_gets_from_telegram_is_shown_in_the_chat(page: Page, shot: Shot) -> None:
    customer = pane(page, "customer")
    add_to_cart(customer, "tinh dau sa chanh", item("Tinh dầu sả chanh", 75_000, "vi"))
    expect(customer.locator(".toast")).to_contain_text("Đã thêm vào giỏ")
    press(customer, "🛒 Giỏ hàng")
    bot_says(customer, "Tổng cộng: 75.000")
    # Showing the same cart again: Telegram refuses an edit that changes nothing.
    press(customer, "Tinh dầu sả chanh × 1")
    error = customer.locator(".system.error").last
    expect(error).to_contain_text("400: Bad Request: message is not modified")
    expect(error).to_contain_text("editMessageText")
    shot(page, "api-error")


def test_the_page_follows_a_reset_of_the_shop(
    page: Page, playground: PlaygroundProcess, shot: Shot
) -> None:
    customer = pane(page, "customer")
    customer.get_by_role("button", name="BẮT ĐẦU · START").click()
    bot_says(customer, "Xin chào")
    page.get_by_role("button", name="⟲ Đặt lại · Reset").click()
    expect(page.locator("#status")).to_have_attribute("data-state", "live", timeout=30_000)
    expect(customer.locator(".msg")).to_have_count(0)
    expect(customer.get_by_role("button", name="BẮT ĐẦU · START")).to_be_visible()
    shot(page, "after-reset")
    # The page still works after the reset: the new customer talks to the restarted bot.
    customer.get_by_role("button", name="BẮT ĐẦU · START").click()
    bot_says(customer, "Xin chào")
    state = api(playground.url, "/api/state")
    assert state["ready"] is True


def order_the_lotus_tea_set(customer: Locator, customer_name: str) -> None:
    """The customer orders Quang Vinh's lotus tea set, cash on delivery."""
    add_to_cart(customer, "am chen hoa sen", item("Bộ ấm chén hoa sen", 980_000, "vi"))
    check_out(customer, customer_name, "💵 Thanh toán khi nhận hàng (COD)")
    bot_says(customer, "Đơn hàng đã được đặt")


def test_the_producer_group_gets_the_order_alert_and_accepting_notifies_the_customer(
    page: Page, customer_name: str, shot: Shot
) -> None:
    customer, group = pane(page, "customer"), pane(page, "group")
    order_the_lotus_tea_set(customer, customer_name)
    bot_says(group, "Bộ ấm chén hoa sen")
    shot(page, "producer-alert")
    # One clock: the alert's time (Vietnam time, named so) is the time on its bubble and on
    # the customer's, and it is Vietnam's, not the machine's UTC.
    alert = group.locator(".msg.in").filter(has_text="Bộ ấm chén hoa sen").last
    found = re.search(r"(\d{2}:\d{2}) \(giờ Việt Nam\)", alert.locator(".body").inner_text())
    assert found is not None
    bubble = alert.locator(".meta").inner_text()[-5:]
    placed = customer.locator(".msg.in").filter(has_text="Đơn hàng đã được đặt").last
    customer_bubble = placed.locator(".meta").inner_text()[-5:]
    assert same_minute(found.group(1), bubble), (found.group(1), bubble)
    assert same_minute(found.group(1), customer_bubble), (found.group(1), customer_bubble)
    vietnam = datetime.now(UTC) + timedelta(hours=7)
    assert same_minute(found.group(1), f"{vietnam:%H:%M}") or same_minute(
        f"{vietnam:%H:%M}", found.group(1)
    )
    assert "Vietnam time (UTC+7)" in (alert.locator(".meta").get_attribute("title") or "")
    press(group, "✅ Nhận đơn")
    bot_says(customer, "đã nhận")
    shot(page, "customer-notice")


def test_the_staff_member_on_zalo_gets_the_alert_and_nhan_accepts_the_order(
    page: Page, customer_name: str, shot: Shot
) -> None:
    customer, zalo = pane(page, "customer"), pane(page, "zalo")
    expect(zalo.locator(".title")).to_contain_text("Zalo")
    # She said hello when the shop opened; the bot told her what she can type.
    expect(zalo.locator(".msg.in .body").filter(has_text="nhan DH00012")).to_have_count(1)
    alerts = zalo.locator(".msg.in .body").filter(has_text="Bộ ấm chén hoa sen")
    before = alerts.count()
    order_the_lotus_tea_set(customer, customer_name)
    expect(alerts).to_have_count(before + 1)
    alert = alerts.last
    number = re.search(r"DH\d{5}", alert.inner_text())
    assert number is not None
    # Plain text: no markup, and the command to accept it is spelled out.
    expect(alert).to_contain_text(f"nhan {number.group(0)}")
    assert "<b>" not in alert.inner_text()
    shot(page, "zalo-alert")
    composer = zalo.locator(".composer .text")
    composer.fill(f"nhan {number.group(0)}")
    composer.press("Enter")
    expect(zalo.locator(".msg.out .body").last).to_have_text(f"nhan {number.group(0)}")
    expect(
        zalo.locator(".msg.in .body").filter(has_text="Đã xác nhận bởi Mai Nguyễn").last
    ).to_be_visible()
    bot_says(customer, "đã nhận")
    # The producer's Telegram group hears that it was accepted on Zalo.
    bot_says(pane(page, "group"), "Đã đổi trên Zalo")
    shot(page, "zalo-accepted")


def choose(chat: Locator, label: str) -> None:
    """On Messenger: the newest button labelled ``label``, or the button of the newest card
    titled with it (a button's title is cut at 20 characters; the card keeps the label)."""
    card = chat.locator(".card").filter(has=chat.page.get_by_text(label, exact=True))
    button = chat.get_by_role("button", name=label, exact=True)
    button.or_(card.get_by_role("button")).last.click()


def test_a_person_on_messenger_comments_on_the_livestream_and_orders_from_the_private_reply(
    page: Page, shot: Shot
) -> None:
    messenger, group = pane(page, "messenger"), pane(page, "group")
    messenger.get_by_role("button", name="+ Người mới · New person").click()
    expect(messenger.locator(".msg")).to_have_count(0)
    messenger.get_by_role("button", name="Bắt đầu · Get Started").click()
    bot_says(messenger, "Xin chào! 👋")
    expect(messenger.locator(".start-bar")).to_be_hidden()
    quick = messenger.locator(".quick-replies")
    expect(quick.get_by_role("button", name="🛍 Danh mục", exact=True)).to_be_visible()
    shot(page, "messenger-greeting")

    # A search typed in the thread: a carousel of cards; a card's "View" opens the product.
    composer = messenger.locator(".composer .text")
    composer.fill("am chen hoa sen")
    composer.press("Enter")
    card = messenger.locator(".card").filter(has_text="Bộ ấm chén hoa sen").last
    expect(card).to_contain_text(format_vnd(980_000, "vi"))
    card.get_by_role("button", name="🔍 Xem").click()
    photo = messenger.locator(".msg.in img.photo").last
    expect(photo).to_have_js_property("complete", True)
    assert photo.evaluate("img => img.naturalWidth") > 0
    bot_says(messenger, "Bộ ấm chén hoa sen")
    expect(quick.get_by_role("button", name="🛒 Thêm 1 vào giỏ")).to_be_visible()
    shot(page, "messenger-card")

    # "chốt" under the Page's livestream post (tied to its products): one private reply.
    post = messenger.locator(".fb-post")
    expect(post).to_contain_text("Trực tiếp")
    post.locator("input").fill("Chốt 1 bộ nhé shop")
    post.get_by_role("button", name="Bình luận · Comment").click()
    expect(post.locator(".comment")).to_contain_text("Chốt 1 bộ nhé shop")
    reply = messenger.locator(".msg.in").filter(has=page.locator(".private-reply")).last
    expect(reply.locator(".card")).to_have_count(2)
    shot(page, "messenger-private-reply")
    tea = reply.locator(".card").filter(has_text="Bộ ấm chén hoa sen")
    tea.get_by_role("button", name="🛒 Thêm vào giỏ").click()
    bot_says(messenger, "Đã thêm vào giỏ")

    # The Page's menu (☰) has the cart; the checkout as on Telegram, answers typed.
    messenger.get_by_role("button", name="☰").click()
    messenger.locator(".page-menu").get_by_role("button", name="🛒 Giỏ hàng").click()
    choose(messenger, "✅ Đặt hàng")
    bot_says(messenger, "Giao hàng đến đâu?")
    for answer, question in (
        ("Hà Nội", "Địa chỉ ở Hà Nội"),
        ("12 Hàng Gai, Phường Hoàn Kiếm", "Ai nhận hàng?"),
    ):
        composer.fill(answer)
        composer.press("Enter")
        bot_says(messenger, question)
    bot_says(messenger, "📍 12 Hàng Gai, Phường Hoàn Kiếm, Hà Nội")
    # The person's own number is a quick reply away; the parcel is for someone else, so the
    # recipient's name and number are typed together.
    expect(quick.get_by_role("button", name="📞 Số điện thoại của tôi · My phone")).to_be_visible()
    composer.fill("Phạm Thu Thảo 0912 345 678")
    composer.press("Enter")
    bot_says(messenger, "👤 Phạm Thu Thảo · 📞 0912 345 678")
    bot_says(messenger, "Bạn muốn thanh toán thế nào?")
    choose(messenger, "💵 Thanh toán khi nhận hàng (COD)")
    bot_says(messenger, "Đơn hàng của bạn")
    choose(messenger, "✅ Xác nhận đặt hàng")
    bot_says(messenger, "Đơn hàng đã được đặt")
    # The producer's Telegram group gets the alert, marked as an order from Messenger.
    alert = group.locator(".msg.in .body").filter(has_text="Phạm Thu Thảo").last
    expect(alert).to_contain_text("Messenger")
    shot(page, "messenger-order-alert")
    # Accepting it there tells the customer on Messenger, in a new message of the thread.
    group.locator(".msg.in").filter(has_text="Phạm Thu Thảo").last.get_by_role(
        "button", name="✅ Nhận đơn"
    ).click()
    bot_says(messenger, "đã nhận")
    expect(page.locator("#status")).to_have_attribute("data-state", "live")
    shot(page, "messenger-news")


def test_pay_this_order_makes_the_bank_send_a_payment_the_customer_and_group_hear_of(
    page: Page, customer_name: str, shot: Shot
) -> None:
    customer, group = pane(page, "customer"), pane(page, "group")
    add_to_cart(customer, "am chen hoa sen", item("Bộ ấm chén hoa sen", 980_000, "vi"))
    check_out(customer, customer_name, "🏦 Chuyển khoản (VietQR)")
    bot_says(customer, "Chuyển khoản cho đơn")
    bot_says(customer, "tự nhận biết")
    bot_says(group, "Chờ chuyển khoản")
    shot(page, "vietqr-to-pay")

    customer.get_by_role("button", name="🏦 Trả đơn này · Pay this order").click()

    bot_says(customer, "Đã nhận thanh toán")
    bot_says(group, "Đã thanh toán")
    shot(page, "paid-by-transfer")
    customer.get_by_role("button", name="🏦 Trả đơn này · Pay this order").click()
    expect(customer.locator(".toast")).to_contain_text("no order of this customer waits")
