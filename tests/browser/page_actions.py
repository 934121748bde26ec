"""What a person does on the playground's page in Chromium, and what they wait to see."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


def pane(page: Page, role: str) -> Locator:
    return page.locator(f"#pane-{role}")


def press(chat: Locator, label: str) -> None:
    """Tap the newest button with exactly this label (inline or reply keyboard)."""
    chat.get_by_role("button", name=label, exact=True).last.click()


def bot_says(chat: Locator, text: str) -> None:
    expect(chat.locator(".msg.in .body").filter(has_text=text).last).to_be_visible()


def add_to_cart(customer: Locator, query: str, product: str) -> None:
    """Start the bot, search for ``query``, open ``product`` (its button label), add one."""
    customer.get_by_role("button", name="BẮT ĐẦU · START").click()
    composer = customer.locator(".composer .text")
    composer.fill(query)
    composer.press("Enter")
    press(customer, product)
    press(customer, "🛒 Thêm 1 vào giỏ")


def check_out(customer: Locator, customer_name: str, payment: str) -> None:
    """From the cart to the placed order: Hà Nội, 12 Hàng Gai in Hoàn Kiếm typed as one
    address, the shared phone number (the parcel goes to the Telegram name), ``payment``
    and the confirmation."""
    composer = customer.locator(".composer .text")
    press(customer, "🛒 Giỏ hàng")
    press(customer, "✅ Đặt hàng")
    press(customer, "Hà Nội")
    bot_says(customer, "Địa chỉ ở Hà Nội")
    composer.fill("12 Hàng Gai, Phường Hoàn Kiếm")
    composer.press("Enter")
    bot_says(customer, customer_name)
    press(customer, "📱 Gửi số điện thoại của tôi")
    press(customer, payment)
    press(customer, "✅ Xác nhận đặt hàng")
