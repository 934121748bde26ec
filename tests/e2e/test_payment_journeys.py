"""Payments end to end: ``ocop-bot run`` with its receiver, the Telegram emulator and the
payment emulators (a bank that mangles contents, SePay, Casso, payOS), on SQLite and on
PostgreSQL. A customer pays by transfer and is told, with the producer's group, within
2 s; a repeat changes nothing; part- and over-payments are told; a wrong key gets 401 and
nothing; a transfer to one producer naming another's order pays nothing; payOS's link and
its test call; a payOS link that cannot be made leaves a plain VietQR."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
import zxingcpp
from PIL import Image
from support.botprocess import BotProcess, Shop, link_group_through_the_bot
from support.journeys import (
    HANOI_DELIVERY_VI,
    answer_in_turn,
    greeted,
    open_checkout,
    search_and_add,
)
from support.payments_shop import (
    PAYOS,
    Providers,
    postgres_shop,
    query,
    transfer_order,
    watch_accounts,
)
from support.postgres import _free_port

from catalog.money import format_vnd
from catalog.payments.payos import data_signature
from catalog.vietqr import parse_payload
from emulators.payments import Mangle, PaymentsEmulator
from emulators.telegram import ChatMessage, Emulator, Group, Person

pytestmark = pytest.mark.asyncio(loop_scope="module")

BOT_TOML = """
[outbox]
poll_seconds = 0.5
[payments]
check_seconds = 0.5
reconcile_minutes = 0
"""
TOLD_WITHIN = 2.0  # seconds: the promise to customers and producers
BANK = "🏦 Chuyển khoản (VietQR)"
REVIEW = "Đơn hàng của bạn"
CONFIRM = "✅ Xác nhận đặt hàng"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def payments(database: str) -> AsyncIterator[PaymentsEmulator]:
    """The providers, anew with each database (payOS refuses an order code twice)."""
    emulator = PaymentsEmulator(allow_private_webhooks=True, response_timeout=10.0)
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture(scope="module")
def providers(payments: PaymentsEmulator) -> Providers:
    return watch_accounts(payments, _free_port())


@pytest_asyncio.fixture(
    scope="module",
    loop_scope="module",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
async def database(
    request: pytest.FixtureRequest, shop: Shop, demo_template: tuple[Path, Path]
) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield shop.database_url
        return
    async with postgres_shop(request.getfixturevalue("postgres_server"), demo_template[1]) as url:
        yield url


@pytest.fixture(scope="module")
def bot_env(providers: Providers, database: str) -> dict[str, str]:
    return {**providers.environment(), "DATABASE_URL": database}


Staffed = tuple[Person, Group]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def groups(emulator: Emulator, bot_process: BotProcess, admin: Person) -> dict[str, Staffed]:
    """The producers' groups and a staff member in each, linked as they link them."""
    linked = {}
    for code, label in (
        ("BABE", "Ba Be Turmeric Starch Workshop"),
        ("QUANGVINH", "Quang Vinh Ceramics"),
        ("TANTHINH", "Tan Thinh Pottery Cooperative"),
        ("MYDUC", "My Duc Mulberry Silk"),
    ):
        staff = emulator.person(f"Thợ {code}", language_code="vi")
        group = emulator.group(f"Nhóm {code}")
        await link_group_through_the_bot(emulator, admin, group, staff, label)
        # The admins are told; the next /linkgroup's answer comes after that notice.
        await admin.wait_for(lambda m, name=label: "is linked" in m.text and name in m.text)
        linked[code] = (staff, group)
    return linked


async def customer(emulator: Emulator, name: str = "Hà") -> Person:
    return await greeted(emulator, name, "vi")


async def checkout_by_transfer(person: Person, words: str, label: str) -> ChatMessage:
    """The customer orders one product by bank transfer; the VietQR message."""
    await search_and_add(person, words, label, "vi")
    await open_checkout(person, "vi")
    await answer_in_turn(person, HANOI_DELIVERY_VI)
    await person.press(BANK)
    await person.wait_for(lambda m: REVIEW in m.text)
    await person.press(CONFIRM)
    return await person.wait_for(lambda m: m.photo is not None and "DH" in m.text)


def decoded(message: ChatMessage) -> dict[str, str]:
    assert message.photo is not None
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(message.photo)).convert("L"))
    return parse_payload(code.text)


async def order_of(database: str, user_id: int) -> tuple[int, int, str, int]:
    [row] = await query(
        database,
        "SELECT id, total, payment_status, amount_paid FROM orders WHERE user_id = :u",
        u=user_id,
    )
    return int(row[0]), int(row[1]), str(row[2]), int(row[3])


async def test_a_transfer_mangled_by_the_bank_pays_the_order_and_everyone_is_told_once(
    emulator: Emulator,
    payments: PaymentsEmulator,
    providers: Providers,
    groups: dict[str, Staffed],
    database: str,
) -> None:
    ha = await customer(emulator)
    oil = f"Tinh dầu sả chanh · {format_vnd(75_000, 'vi')}"
    qr = await checkout_by_transfer(ha, "sả chanh", oil)
    order_id, total, status, _paid = await order_of(database, ha.user.id)
    number = f"DH{order_id:05d}"
    fields = decoded(qr)
    assert (fields["38.01.01"], fields["54"], fields["62.08"]) == (
        "1500205012345", str(total), f"OCOP {number}",
    )  # fmt: skip
    assert "tự nhận biết" in qr.text
    assert status == "awaiting"
    staff, group = groups["BABE"]
    await staff.wait_for(lambda m: number in m.text and "Chờ chuyển khoản" in m.text, chat=group)
    ha.mark_action(ha.chat)
    staff.mark_action(group.chat)

    # As MB Bank shows it: MBVCB.8765.OCOP.DH000 12.CT tu 0881… NGUYEN VAN A
    tx = await payments.pay("1500205012345", total, f"OCOP {number}", mangling=Mangle.WORST)

    assert number[:5] + " " + number[5:] in tx.content
    [delivery] = payments.deliveries("sepay")[-1:]
    assert delivery.last.status == 200
    assert delivery.last.answer_json() == {"success": True}
    told = await ha.wait_for(lambda m: "Đã nhận thanh toán" in m.text, timeout=TOLD_WITHIN)
    assert number in told.text
    assert format_vnd(total, "vi") in told.text
    paid = await staff.wait_for(
        lambda m: "Đã thanh toán" in m.text and number in m.text, timeout=TOLD_WITHIN, chat=group
    )
    assert "💰" in paid.text
    assert (await order_of(database, ha.user.id))[2:] == ("paid", total)

    again = await payments.send_again(delivery)
    assert again.last.status == 200
    await payments.send_again(delivery)
    assert (await order_of(database, ha.user.id))[2:] == ("paid", total)
    notices = await query(
        database,
        "SELECT count(*) FROM outbox WHERE kind = 'payment_notice' AND user_id = :u",
        u=ha.user.id,
    )
    assert notices[0][0] == 1
    [stored] = await query(
        database, "SELECT count(*) FROM payment_notifications WHERE order_id = :o", o=order_id
    )
    assert stored[0] == 1


async def test_a_part_payment_then_an_over_payment_are_each_told(
    emulator: Emulator,
    payments: PaymentsEmulator,
    providers: Providers,
    groups: dict[str, Staffed],
    database: str,
) -> None:
    lan = await customer(emulator, "Lan")
    order_id, total = await transfer_order(database, lan.user.id, "TANTHINH-SN-HU")
    number = f"DH{order_id:05d}"
    account = providers.accounts["TANTHINH"]
    staff, group = groups["TANTHINH"]

    await payments.transfer(account, total - 100_000, f"OCOP {number}", mangling=Mangle.DOTS)
    part = await lan.wait_for(lambda m: "còn thiếu" in m.text and number in m.text)
    assert format_vnd(100_000, "vi") in part.text
    await staff.wait_for(lambda m: "còn thiếu" in m.text and number in m.text, chat=group)

    await payments.transfer(account, 150_000, f"OCOP {number}", mangling=Mangle.MBVCB)
    over = await lan.wait_for(lambda m: "nhiều hơn tổng đơn" in m.text)
    assert format_vnd(50_000, "vi") in over.text
    alert = await staff.wait_for(lambda m: "nhiều hơn tổng đơn" in m.text, chat=group)
    assert f"/refunded {number}" in alert.text
    assert (await order_of(database, lan.user.id))[2:] == ("over_paid", total + 50_000)


async def test_a_casso_notification_signed_with_escaped_json_pays_the_order(
    emulator: Emulator,
    payments: PaymentsEmulator,
    providers: Providers,
    groups: dict[str, Staffed],
    database: str,
) -> None:
    mai = await customer(emulator, "Mai")
    order_id, total = await transfer_order(database, mai.user.id, "QUANGVINH-SEN-AC")
    number = f"DH{order_id:05d}"

    await payments.transfer(
        providers.accounts["QUANGVINH"], total, f"Thanh toán đơn {number} – gốm Bát Tràng"
    )

    await mai.wait_for(lambda m: "Đã nhận thanh toán" in m.text and number in m.text)
    [delivery] = payments.deliveries("casso")[-1:]
    assert delivery.last.status == 200
    assert "\\u" in delivery.body.decode() or "Bát" in delivery.body.decode()
    assert (await order_of(database, mai.user.id))[2] == "paid"


async def test_a_notification_with_a_wrong_key_gets_401_and_changes_nothing(
    emulator: Emulator, payments: PaymentsEmulator, providers: Providers, database: str
) -> None:
    tuan = await customer(emulator, "Tuấn")
    order_id, total = await transfer_order(database, tuan.user.id, "HOANGLONG-GIO-500")
    before = await query(database, "SELECT count(*) FROM payment_notifications")

    await payments.transfer(
        providers.accounts["HOANGLONG"], total, f"OCOP DH{order_id:05d}", mangling=Mangle.MBVCB
    )

    [delivery] = payments.deliveries("sepay")[-1:]
    assert delivery.last.status == 401
    assert delivery.state == "pending"  # SePay tries again, and is refused again
    assert await query(database, "SELECT count(*) FROM payment_notifications") == before
    assert (await order_of(database, tuan.user.id))[2:] == ("awaiting", 0)
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            delivery.url, data=delivery.body, headers={"Content-Type": "application/json"}
        ) as unsigned,
    ):
        assert unsigned.status == 401


async def test_a_transfer_to_one_producers_account_naming_anothers_order_pays_nothing(
    emulator: Emulator,
    payments: PaymentsEmulator,
    providers: Providers,
    groups: dict[str, Staffed],
    database: str,
) -> None:
    hoa = await customer(emulator, "Hoa")
    order_id, total = await transfer_order(database, hoa.user.id, "QUANGVINH-LP-AC")
    number = f"DH{order_id:05d}"
    staff, group = groups["BABE"]
    staff.mark_action(group.chat)

    await payments.transfer(providers.accounts["BABE"], total, f"OCOP {number}")

    waiting = await staff.wait_for(lambda m: "không khớp đơn nào" in m.text, chat=group)
    assert number in waiting.text
    assert "chủ thể khác" in waiting.text
    assert format_vnd(total, "vi") in waiting.text
    assert (await order_of(database, hoa.user.id))[2:] == ("awaiting", 0)


async def test_a_payos_producers_order_is_paid_through_its_link_and_the_test_call_gets_2xx(
    emulator: Emulator,
    payments: PaymentsEmulator,
    providers: Providers,
    groups: dict[str, Staffed],
    database: str,
) -> None:
    client, api_key, checksum = PAYOS
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{payments.payos.base_url}/confirm-webhook",
            json={"webhookUrl": f"{providers.url}/payos"},
            headers={"x-client-id": client, "x-api-key": api_key},
        ) as reply,
    ):
        confirmed = await reply.json()
    assert confirmed["code"] == "00", confirmed
    assert payments.deliveries("payos")[-1].last.status == 200

    thu = await customer(emulator, "Thu")
    pillow = f"Gối tơ tằm · {format_vnd(950_000, 'vi')}"
    qr = await checkout_by_transfer(thu, "goi to tam", pillow)
    order_id, total, _status, _paid = await order_of(database, thu.user.id)
    number = f"DH{order_id:05d}"
    [link] = [link for link in payments.payos.links if link.order_code == order_id]
    assert (link.description, link.amount) == (number, total)
    assert decoded(qr)["62.08"] == number
    assert f"<code>{number}</code>" in (qr.html or "") or number in qr.text

    await payments.pay(providers.accounts["MYDUC"].number, total, number)

    await thu.wait_for(lambda m: "Đã nhận thanh toán" in m.text and number in m.text)
    assert (await order_of(database, thu.user.id))[2] == "paid"
    data = payments.deliveries("payos")[-1].payload["data"]
    assert payments.deliveries("payos")[-1].payload["signature"] == data_signature(data, checksum)


async def test_a_payos_link_that_cannot_be_made_leaves_the_plain_vietqr(
    emulator: Emulator, groups: dict[str, Staffed], database: str
) -> None:
    an = await customer(emulator, "An")
    tote = f"Túi tote chắp vá lụa · {format_vnd(320_000, 'vi')}"
    qr = await checkout_by_transfer(an, "tui tote", tote)
    order_id, total, status, _paid = await order_of(database, an.user.id)

    assert "chưa tạo được link thanh toán" in qr.text
    fields = decoded(qr)
    assert (fields["38.01.01"], fields["54"], fields["62.08"]) == (
        "257600123", str(total), f"OCOP DH{order_id:05d}",
    )  # fmt: skip
    assert status == "awaiting"


def shows(message: ChatMessage, label: str) -> bool:
    return any(button.get("text") == label for row in message.inline_keyboard for button in row)


async def test_an_unpaid_transfer_order_ships_only_when_the_producer_says_so_and_paid_by_hand(
    emulator: Emulator, groups: dict[str, Staffed], database: str
) -> None:
    staff, group = groups["BABE"]
    vy = await customer(emulator, "Vy")
    order_id, total = await transfer_order(database, vy.user.id, "BABE-NGHE-500")
    number = f"DH{order_id:05d}"
    await staff.wait_for(lambda m: number in m.text and shows(m, "✅ Nhận đơn"), chat=group)
    await staff.press("✅ Nhận đơn", chat=group)
    await staff.wait_for(lambda m: number in m.text and shows(m, "🚚 Đã gửi hàng"), chat=group)

    await staff.press("🚚 Đã gửi hàng", chat=group)

    refused = await staff.wait_callback_answer()
    assert refused.text is not None
    assert "chưa về" in refused.text
    assert refused.show_alert
    await staff.wait_for(lambda m: shows(m, "🚚 Vẫn giao khi chưa thanh toán"), chat=group)
    [(status,)] = await query(database, "SELECT status FROM orders WHERE id = :o", o=order_id)
    assert status == "accepted"

    await staff.send(f"/paid {number} {total - 5_000}", chat=group)
    recorded = await staff.wait_for(lambda m: "Đã ghi nhận" in m.text, chat=group)
    assert "còn thiếu" in recorded.text
    await vy.wait_for(lambda m: "còn thiếu" in m.text and number in m.text)
    # The group gets the card anew with its money; shipping still asks.
    await staff.wait_for(
        lambda m: "⚠️" in m.text and number in m.text and shows(m, "🚚 Đã gửi hàng"), chat=group
    )
    await staff.press("🚚 Đã gửi hàng", chat=group)
    await staff.wait_for(lambda m: shows(m, "🚚 Vẫn giao khi chưa thanh toán"), chat=group)
    await staff.press("🚚 Vẫn giao khi chưa thanh toán", chat=group)

    await vy.wait_for(lambda m: "đang trên đường giao" in m.text and number in m.text)
    [(status, reason)] = await query(
        database,
        "SELECT new_status, reason FROM order_status_changes WHERE order_id = :o "
        "ORDER BY id DESC LIMIT 1",
        o=order_id,
    )
    assert (status, reason) == ("shipped", "shipped_unpaid")
    [(actor,)] = await query(
        database, "SELECT actor_id FROM payment_changes WHERE order_id = :o", o=order_id
    )
    assert actor == staff.user.id


async def test_an_admin_gives_a_producer_its_bank_checked_against_the_vietqr_list(
    emulator: Emulator, admin: Person, database: str
) -> None:
    await admin.send("/bank TAMHUNG 123456 0123456789 HTX TAM HUNG")
    assert "VietQR" in (await admin.next_message()).text
    await admin.send("/bank TAMHUNG MB 0123-456-789 HTX Tam Hưng")
    done = await admin.wait_for(lambda m: "MBBank" in m.text)
    assert "0123456789" in done.text
    assert "HTX TAM HUNG" in done.text
    [(bin_, account)] = await query(
        database, "SELECT bank_bin, bank_account FROM producers WHERE code = 'TAMHUNG'"
    )
    assert (bin_, account) == ("970422", "0123456789")
