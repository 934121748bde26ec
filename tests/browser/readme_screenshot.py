"""Retake the README's screenshot (docs/playground.png): the playground after a bank-transfer
order, with its VietQR code, the producer's alert accepted and the customer's notice, and a
person on Messenger whose "chốt" under the Page's livestream got a private reply.

    .venv/bin/python tests/browser/readme_screenshot.py [--output docs/playground.png]

It starts its own playground on a free port in a temporary directory, drives Debian's Chromium
as the people would, saves the picture and stops everything again.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from browser_support import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PlaygroundProcess, api
from page_actions import bot_says, check_out, press
from playwright.sync_api import Page, expect, sync_playwright

from catalog.money import format_vnd

ROOT = Path(__file__).resolve().parents[2]
ROLES = ("customer", "group", "admin")


def order_by_bank_transfer(page: Page, customer_name: str) -> None:
    customer, group, admin = (page.locator(f"#pane-{role}") for role in ROLES)
    customer.get_by_role("button", name="BẮT ĐẦU · START").click()
    bot_says(customer, "Xin chào")
    composer = customer.locator(".composer .text")
    composer.fill("am chen hoa sen")
    composer.press("Enter")
    press(customer, f"Bộ ấm chén hoa sen · {format_vnd(980_000, 'vi')}")
    press(customer, "🛒 Thêm 1 vào giỏ")
    expect(customer.locator(".toast")).to_contain_text("Đã thêm vào giỏ")
    check_out(customer, customer_name, "🏦 Chuyển khoản (VietQR)")
    bot_says(customer, "Chuyển khoản cho đơn")
    bot_says(group, "Bộ ấm chén hoa sen")
    # The producer reads the alert before accepting, as a person would: the customer's notice
    # then comes after the transfer code rather than within the same second (a 429).
    page.wait_for_timeout(2_000)
    press(group, "✅ Nhận đơn")
    bot_says(customer, "đã nhận")
    # The producer's staff member on Zalo got the alert as text, and hears it was accepted.
    zalo = page.locator("#pane-zalo")
    expect(zalo.locator(".msg.in .body").filter(has_text="trên Telegram")).to_have_count(1)
    admin.get_by_role("button", name="BẮT ĐẦU · START").click()
    bot_says(admin, "quản trị viên")
    messenger = page.locator("#pane-messenger")
    messenger.get_by_role("button", name="Bắt đầu · Get Started").click()
    bot_says(messenger, "Xin chào! 👋")
    post = messenger.locator(".fb-post")
    post.locator("input").fill("Chốt 1 bộ hoa sen nhé shop")
    post.get_by_role("button", name="Bình luận · Comment").click()
    expect(messenger.locator(".private-reply")).to_have_count(1)
    expect(page.locator("#status")).to_have_attribute("data-state", "live")
    for pane in (customer, messenger, group, admin, zalo):
        expect(pane.locator(".new-marker")).to_be_hidden()
        expect(pane.locator(".toast")).to_be_hidden()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "playground.png")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: run tests/setup/install-chromium.sh", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="ocop-screenshot-") as tmp:
        root = Path(tmp)
        playground = PlaygroundProcess(root, root / "media")
        playground.start()
        try:
            user = api(playground.url, "/api/customer", {"language": "vi"})["customer"]
            assert isinstance(user, dict)
            name = f"{user['first_name']} {user['last_name']}"
            with sync_playwright() as driver:
                browser = driver.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport=DESKTOP, locale="vi-VN")
                page.set_default_timeout(15_000)
                page.goto(playground.url + "/")
                page.wait_for_selector("body[data-ready=true] #pane-customer .start-bar")
                order_by_bank_transfer(page, name)
                page.mouse.move(0, 0)
                args.output.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.output))
                browser.close()
        finally:
            status = playground.stop()
        if status != 0 or "Traceback" in playground.log_text():
            print(playground.log_text(), file=sys.stderr)
            return 1
    print(f"saved {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
