"""Producers' staff on Zalo: the real bot against both emulators (Telegram's and Zalo's)."""

from __future__ import annotations

import dataclasses
import re
import signal
from collections.abc import AsyncIterator
from datetime import date

import pytest
import pytest_asyncio
from support import ordering
from support.botprocess import BotProcess, Shop, link_group_through_the_bot
from support.ordering import place_orders
from support.zalo import running_zalo

from catalog import rules
from catalog.db import create_engine, create_session_factory
from catalog.models import Order, OrderStatus, Producer, Product
from catalog.services import cart
from catalog.services.orders import DeliveryDetails
from catalog.uow import UnitOfWork
from emulators.telegram import Emulator, Person
from emulators.zalo import ZaloEmulator, ZaloPerson

pytestmark = pytest.mark.asyncio(loop_scope="module")

ZALO_TOKEN = "2800000001:zalo-e2e-secret"
BOT_TOML = "[outbox]\nlease_seconds = 2\npoll_seconds = 0.5\n[zalo]\npolling_timeout = 2\n"
DETAILS = dataclasses.replace(ordering.DETAILS, recipient_name="Nguyễn Thị Khách")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def zalo() -> AsyncIterator[ZaloEmulator]:
    async with running_zalo(ZALO_TOKEN) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def bot_env(zalo: ZaloEmulator) -> dict[str, str]:
    return {"ZALO_BOT_TOKEN": ZALO_TOKEN, "ZALO_API_BASE": zalo.base_url}


@pytest_asyncio.fixture(scope="module", loop_scope="module", autouse=True)
async def zalo_answers_every_call_it_can(zalo: ZaloEmulator) -> AsyncIterator[None]:
    """Besides the Telegram checks of every module: no call the Zalo emulator refused."""
    yield
    assert not zalo.errors, zalo.errors


async def link_on_zalo(admin: Person, staff: ZaloPerson, producer_label: str) -> None:
    """What an admin and a staff member do: /linkzalo in Telegram, the code to the Zalo bot."""
    await admin.send("/linkzalo")
    await admin.wait_for(lambda m: "Whose staff member" in m.text)
    await admin.press(producer_label)
    message = await admin.wait_for(lambda m: "Zalo link code" in m.text)
    code = re.search(r"code for .*?: ([A-Z0-9]{8})", message.text)
    assert code is not None, message.text
    await staff.send(code.group(1))
    await staff.wait_for(lambda m: m.text.startswith("✅"))
    staff.skip_read()
    # The admins are told (so the admin's chat is quiet again before the next step).
    await admin.wait_for(lambda m: f"{staff.display_name} linked their Zalo" in m.text, 10)


async def place_order(
    shop: Shop, customer: int, sku: str, details: DeliveryDetails = DETAILS
) -> int:
    """The id of the order the customer places (for one ``sku`` and what else is in the cart)."""
    (number,) = await place_orders(shop.database_url, customer, 1, sku, details)
    return number


async def order_status(shop: Shop, order_id: int) -> OrderStatus:
    engine = create_engine(shop.database_url)
    try:
        async with UnitOfWork(create_session_factory(engine)) as uow:
            order = await uow.session.get(Order, order_id)
            assert order is not None
            return order.status
    finally:
        await engine.dispose()


async def test_zalo_alert_reaches_staff_and_nhan_accepts_it_telling_the_telegram_customer(
    emulator: Emulator, zalo: ZaloEmulator, bot_process: BotProcess, shop: Shop, admin: Person
) -> None:
    staff = zalo.person("Hoa Gốm")
    await staff.send("xin chào")
    assert "mã liên kết" in (await staff.next_message()).text  # how to link, in Vietnamese
    await link_on_zalo(admin, staff, "Quang Vinh Ceramics")
    # The shop's Telegram group of the same producer, to see what happens on Zalo.
    group_staff = emulator.person("Vinh", language_code="vi")
    group = emulator.group("Gốm Quang Vinh")
    await link_group_through_the_bot(emulator, admin, group, group_staff, "Quang Vinh Ceramics")

    customer = emulator.person("Lan", language_code="vi")
    await customer.send("/start")
    await customer.next_message()
    order = await place_order(shop, customer.user.id, "QUANGVINH-SEN-AC")
    number = f"DH{order:05d}"

    alert = await staff.wait_for(lambda m: number in m.text, timeout=15)
    assert "Nguyễn Thị Khách" in alert.text
    assert "<b>" not in alert.text
    assert "&amp;" not in alert.text
    assert f"nhan {number}" in alert.text  # the command to act on it, in Vietnamese

    # Delivered before anyone accepted it: refused, saying to accept it first (not that a
    # colleague has handled it).
    await staff.send(f"xong {number}")
    refused = await staff.wait_for(lambda m: "Chưa được" in m.text, timeout=10)
    assert refused.text == (
        f"Chưa được: đơn {number} đang ở trạng thái 🆕 Mới; cần chuyển sang 👍 Đã xác nhận "
        f"trước.\nNhận đơn: nhan {number}"
    )
    await staff.send(f"Nhận {number.lower()}")
    done = await staff.wait_for(lambda m: "Hoa Gốm" in m.text and number in m.text, timeout=10)
    assert "Đã xác nhận bởi Hoa Gốm" in done.text
    told = await customer.wait_for(lambda m: number in m.text and "👍" in m.text, timeout=10)
    assert "Quang Vinh" in told.text
    assert await order_status(shop, order) == OrderStatus.accepted
    # The Telegram group sees the change, with the buttons for the next step.
    card = await emulator.wait_until(
        lambda: next(
            (m for m in group.bot_messages if "Zalo" in m.text and number in m.text), None
        ),
        10,
    )
    assert card is not None, group.transcript()

    # ...and the other way round: shipped from the Telegram group is told on Zalo.
    await group_staff.press("🚚 Đã gửi hàng", chat=group)
    shipped = await staff.wait_for(lambda m: number in m.text and "Telegram" in m.text, 10)
    assert "xong" in shipped.text  # what to type when it has arrived


async def test_zalo_command_from_an_unlinked_user_or_for_another_producers_order_changes_nothing(
    emulator: Emulator, zalo: ZaloEmulator, bot_process: BotProcess, shop: Shop, admin: Person
) -> None:
    staff = zalo.person("Tuấn Lụa")
    await link_on_zalo(admin, staff, "Vun ART Cooperative")
    stranger = zalo.person("Người lạ")
    customer = emulator.person("Minh", language_code="vi")
    await customer.send("/start")
    await customer.next_message()
    order = await place_order(shop, customer.user.id, "TAMHUNG-GAO-5KG")
    number = f"DH{order:05d}"

    await stranger.send(f"nhan {number}")
    refused = await stranger.next_message(10)
    assert "mã liên kết" in refused.text
    await staff.send(f"/accept {number}")
    other = await staff.next_message(10)
    assert other.text.startswith("Không được phép")
    assert await order_status(shop, order) == OrderStatus.new
    assert not [m for m in customer.chat.live_messages() if number in m.text and "👍" in m.text]


async def test_zalo_alert_of_3000_characters_arrives_in_parts(
    emulator: Emulator, zalo: ZaloEmulator, bot_process: BotProcess, shop: Shop, admin: Person
) -> None:
    staff = zalo.person("Bà Bé")
    await link_on_zalo(admin, staff, "Ba Be Turmeric Starch Workshop")
    engine = create_engine(shop.database_url)
    factory = create_session_factory(engine)
    try:
        async with UnitOfWork(factory) as uow:
            producer = await uow.session.scalar(
                Producer.__table__.select()
                .with_only_columns(Producer.id)
                .where(Producer.code == "BABE")
            )
            category = await uow.session.scalar(
                Product.__table__.select()
                .with_only_columns(Product.category_id)
                .where(Product.producer_id == producer)
            )
            for n in range(25):
                uow.session.add(
                    Product(
                        sku=f"BABE-LONG-{n:02d}",
                        producer_id=producer,
                        category_id=category,
                        name_vi=f"Tinh bột nghệ nếp đỏ nguyên chất loại đặc biệt hũ thủy tinh {n}",
                        name_en=f"Pure red turmeric starch, special grade, glass jar {n}",
                        unit_vi="hũ",
                        unit_en="jar",
                        price=250_000 + n,
                        stock=10,
                        ocop_stars=4,
                        ocop_granted=date(2024, 1, 1),
                    )
                )
            await uow.commit()
        customer = 70_001
        # As many lines as one order may hold (rules.MAX_CART_LINES), the last one added
        # by place_order.
        for n in range(rules.MAX_CART_LINES - 1):
            async with UnitOfWork(factory) as uow:
                product_id = await uow.session.scalar(
                    Product.__table__.select()
                    .with_only_columns(Product.id)
                    .where(Product.sku == f"BABE-LONG-{n:02d}")
                )
            assert product_id is not None
            await cart.add_to_cart(UnitOfWork(factory), user_id=customer, product_id=product_id)
    finally:
        await engine.dispose()
    details = dataclasses.replace(
        DETAILS,
        recipient_name="Công ty TNHH Thương mại và Dịch vụ Quà tặng Doanh nghiệp " * 3,
        street="Tầng 12, Tòa nhà Văn phòng Hồ Gươm, số 40 Phố Cát Linh, ngõ 15 ngách 7 " * 3,
        note="Gọi trước khi giao. " * 45,
    )
    order = await place_order(shop, customer, "BABE-LONG-24", details)
    number = f"DH{order:05d}"

    first = await staff.wait_for(lambda m: number in m.text, timeout=15)
    assert first.text.startswith("(1/")
    count = int(first.text.split("/")[1].split(")")[0])
    assert count >= 2
    await staff.wait_for(lambda m: m.text.startswith(f"({count}/{count})"), timeout=15)
    parts = [m.text for m in staff.bot_messages if re.match(r"\(\d+/\d+\) ", m.text)]
    assert len(parts) == count
    assert all(len(part) <= 2000 for part in parts)
    whole = "\n".join(part.split(") ", 1)[1] for part in parts)
    assert len(whole) >= 3000
    assert whole.count("Tinh bột nghệ nếp đỏ") == rules.MAX_CART_LINES
    assert "Gọi trước khi giao." in whole


async def test_zalo_duplicate_message_is_handled_once(
    emulator: Emulator, zalo: ZaloEmulator, bot_process: BotProcess, shop: Shop, admin: Person
) -> None:
    staff = zalo.person("Hùng Nem")
    await link_on_zalo(admin, staff, "Hoang Long Cooperative")
    customer = emulator.person("Hà", language_code="en")
    await customer.send("/start")
    await customer.next_message()
    order = await place_order(shop, customer.user.id, "HOANGLONG-NEM-20")
    number = f"DH{order:05d}"
    await staff.wait_for(lambda m: number in m.text, timeout=15)
    staff.skip_read()

    await staff.send(f"nhan {number}", twice=True)
    await staff.send("giup")
    await staff.wait_for(lambda m: "don —" in m.text and m is staff.bot_messages[-1], 10)
    replies = staff.bot_messages[-2:]
    assert "Hùng Nem" in replies[0].text
    assert not [m for m in staff.bot_messages if "Already done" in m.text or "Đã xong" in m.text]
    notices = [m for m in customer.chat.live_messages() if number in m.text and "👍" in m.text]
    assert len(notices) == 1


async def test_zalo_alerts_pending_when_the_bot_is_killed_arrive_after_a_restart(
    emulator: Emulator, zalo: ZaloEmulator, bot_process: BotProcess, shop: Shop, admin: Person
) -> None:
    staff = zalo.person("Thọ Trà")
    await link_on_zalo(admin, staff, "Thang Long High-Tech Agriculture JSC")
    first = await place_order(shop, 80_001, "THANGLONG-PHUC-20")
    await staff.wait_for(lambda m: f"DH{first:05d}" in m.text, timeout=15)
    assert await bot_process.stop(signal.SIGKILL) == -signal.SIGKILL
    later = [await place_order(shop, 80_100 + n, "THANGLONG-PHUC-20") for n in range(4)]
    await bot_process.start()
    for order in later:
        await staff.wait_for(lambda m, o=order: f"DH{o:05d}" in m.text, timeout=30)


async def test_zalo_staff_choose_english_and_unlink_from_either_side(
    emulator: Emulator, zalo: ZaloEmulator, bot_process: BotProcess, shop: Shop, admin: Person
) -> None:
    first, second = zalo.person("Ngọc Gốm"), zalo.person("Phúc Gốm")
    await link_on_zalo(admin, first, "Tan Thinh Pottery Cooperative")
    await link_on_zalo(admin, second, "Tan Thinh Pottery Cooperative")
    await first.send("language en")
    assert (await first.next_message(10)).text == "Messages here are now in English."
    order = await place_order(shop, 90_001, "TANTHINH-SN-BINH35")
    number = f"DH{order:05d}"
    english = await first.wait_for(lambda m: number in m.text, timeout=15)
    assert f"/accept {number}" in english.text
    vietnamese = await second.wait_for(lambda m: number in m.text, timeout=15)
    assert f"nhan {number}" in vietnamese.text
    first.skip_read()
    second.skip_read()

    # The staff member leaves from Zalo...
    await first.send("Hủy liên kết")
    assert "no longer get the orders" in (await first.next_message(10)).text
    # ...and an admin releases the other from Telegram.
    await admin.send("/zalostaff")
    listing = await admin.wait_for(lambda m: "Phúc Gốm" in m.text)
    assert "Ngọc Gốm" not in listing.text
    assert second.id in listing.text
    await admin.send(f"/unlinkzalo {second.id}")
    await admin.wait_for(lambda m: "no longer gets orders" in m.text)
    await admin.send(f"/unlinkzalo {second.id}")
    await admin.wait_for(lambda m: "Nobody with that Zalo id" in m.text)

    later = await place_order(shop, 90_002, "TANTHINH-SN-BINH35")
    for person in (first, second):
        await person.send(f"nhan DH{later:05d}")
        assert "mã liên kết" in (await person.next_message(10)).text
    assert not [m for m in first.bot_messages + second.bot_messages if f"DH{later:05d}" in m.text]
    assert await order_status(shop, later) == OrderStatus.new


async def test_a_stranger_is_answered_once_a_day_however_much_they_write(
    emulator: Emulator, zalo: ZaloEmulator, bot_process: BotProcess, shop: Shop, admin: Person
) -> None:
    stranger = zalo.person("Người tò mò")
    for text in ("xin chào", "alo alo", "nhan DH00001", "K7MX2QPA", "/help"):
        await stranger.send(text)
    first = await stranger.next_message(10)
    assert "mã liên kết" in first.text  # how to link, once
    # Staff linking after them is answered (so every message before was handled)...
    staff = zalo.person("Mai Lụa")
    await link_on_zalo(admin, staff, "My Duc Mulberry Silk")
    # ...and the stranger got nothing more: the month's messages are for the producers.
    assert [m.text for m in stranger.bot_messages] == [first.text]
