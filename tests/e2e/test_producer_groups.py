"""Producers' groups: linking, alerts for their own orders only, status changes told."""

import sqlite3

import pytest
from support.botprocess import BotProcess, Shop, link_group_through_the_bot
from support.journeys import (
    HANOI_DELIVERY_VI,
    StaffedGroup,
    answer_in_turn,
    greeted,
    open_checkout,
    search_and_add,
)
from support.ordering import place_orders

from catalog.db import create_engine, create_session_factory
from catalog.money import format_vnd
from catalog.services import orders
from catalog.uow import UnitOfWork
from emulators.telegram import Emulator, Group, Person

pytestmark = pytest.mark.asyncio(loop_scope="module")


def shows(group: Group, label: str) -> bool:
    """True when the group's newest bot message has a button labelled ``label``."""
    message = group.last_bot_message
    return message is not None and any(label in row for row in message.inline_labels)


def query(shop: Shop, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(shop.database) as db:
        return db.execute(sql, args).fetchall()


async def checkout(person: Person) -> None:
    await open_checkout(person, "vi")
    await answer_in_turn(person, HANOI_DELIVERY_VI)
    await person.press("💵 Thanh toán khi nhận hàng (COD)")
    await person.wait_for(lambda m: "Đơn hàng của bạn" in m.text)
    await person.press("✅ Xác nhận đặt hàng")
    await person.wait_callback_answer()


async def test_each_group_gets_only_its_producers_part_and_moves_it_along(
    emulator: Emulator, bot_process: BotProcess, shop: Shop, admin: Person
) -> None:
    potter = emulator.person("Vinh", language_code="vi")
    weaver = emulator.person("Hằng", language_code="vi")
    ceramics = emulator.group("Gốm sứ Quang Vinh")
    silk = emulator.group("Tơ tằm Mỹ Đức")
    await link_group_through_the_bot(emulator, admin, ceramics, potter, "Quang Vinh Ceramics")
    await link_group_through_the_bot(emulator, admin, silk, weaver, "My Duc Mulberry Silk")

    ha = await greeted(emulator, "Hà", "vi")
    tea_set = f"Bộ ấm chén hoa sen · {format_vnd(980_000, 'vi')}"
    await search_and_add(ha, "am chen sen", tea_set, "vi")
    scarf = f"Khăn lụa tơ tằm Mỹ Đức · {format_vnd(650_000, 'vi')}"
    await search_and_add(ha, "khan lua my duc", scarf, "vi")
    tea_set_stock = query(shop, "SELECT stock FROM products WHERE sku = 'QUANGVINH-SEN-AC'")
    await checkout(ha)
    orders = dict(
        query(shop, "SELECT producer_id, id FROM orders WHERE user_id = ? ORDER BY id", ha.id)
    )
    [(ceramics_id,)] = query(shop, "SELECT id FROM producers WHERE code = 'QUANGVINH'")
    [(silk_id,)] = query(shop, "SELECT id FROM producers WHERE code = 'MYDUC'")
    ceramics_order, silk_order = orders[ceramics_id], orders[silk_id]

    alert = await potter.wait_for(lambda m: f"DH{ceramics_order:05d}" in m.text, chat=ceramics)
    assert "Bộ ấm chén hoa sen × 1" in alert.text
    assert "📞 0912 345 678" in alert.text
    assert "👤 Phạm Thu <Hà>" in alert.text
    assert "📍 8 Tràng Thi, Phường Cửa Nam, Hà Nội" in alert.text
    assert "📝 Giao giờ hành chính" in alert.text
    assert "Khăn lụa" not in ceramics.transcript()
    silk_alert = await weaver.wait_for(lambda m: f"DH{silk_order:05d}" in m.text, chat=silk)
    assert "Bộ ấm chén" not in silk.transcript()
    assert "Khăn lụa tơ tằm Mỹ Đức × 1" in silk_alert.text

    for button, notice in (
        ("✅ Nhận đơn", "đã nhận đơn"),
        ("🚚 Đã gửi hàng", "đang trên đường giao"),
        ("📬 Đã giao", "đã được giao"),
    ):
        # As a person would: press the button once the alert shows it.
        await emulator.wait_until(lambda b=button: shows(ceramics, b) or None, timeout=5)
        await potter.press(button, chat=ceramics)
        assert (await potter.wait_callback_answer()).text == "Xong. Khách hàng đã được thông báo."
        await ha.wait_for(lambda m, n=notice: n in m.text and f"DH{ceramics_order:05d}" in m.text)
    edited = ceramics.last_bot_message
    assert edited is not None
    assert "Đã giao bởi Vinh" in edited.text
    assert [r for (r,) in query(
        shop, "SELECT new_status FROM order_status_changes WHERE order_id = ? ORDER BY id",
        ceramics_order,
    )] == ["new", "accepted", "shipped", "delivered"]  # fmt: skip

    silk_stock = query(shop, "SELECT stock FROM products WHERE sku = 'MYDUC-KHAN'")[0][0]
    await weaver.press("✖️ Hủy", chat=silk)
    await weaver.wait_for(lambda m: ["Hết hàng"] in weaver.buttons(m), chat=silk)
    await weaver.press("Hết hàng", chat=silk)
    await weaver.wait_callback_answer()
    await ha.wait_for(lambda m: "đã hủy đơn" in m.text and "Lý do: Hết hàng" in m.text)
    assert query(shop, "SELECT stock FROM products WHERE sku = 'MYDUC-KHAN'")[0][0] == (
        silk_stock + 1
    )
    assert query(shop, "SELECT stock FROM products WHERE sku = 'QUANGVINH-SEN-AC'") == [
        (tea_set_stock[0][0] - 1,)
    ]


async def test_a_press_from_another_group_or_a_stranger_changes_nothing(
    emulator: Emulator, bot_process: BotProcess, shop: Shop
) -> None:
    [(order_id, status)] = query(
        shop, "SELECT id, status FROM orders WHERE status = 'cancelled' ORDER BY id LIMIT 1"
    ) or [(None, None)]
    [(open_id,)] = query(shop, "SELECT id FROM orders WHERE status = 'delivered' LIMIT 1")
    stranger = emulator.person("Kẻ lạ", language_code="vi")
    other = emulator.group("Nhóm khác")
    await other.add_bot(by=stranger)
    hello = await stranger.wait_for(lambda m: "/linkgroup" in m.text, chat=other)
    for data in (f"s:a:{open_id}::0", f"s:o:{open_id}::0", f"s:cr:{order_id}:other:0"):
        record = emulator.post_callback_query(other.chat, stranger.user, hello, data)
        answer = await emulator.wait_until(lambda r=record: r.answer, timeout=5)
        assert answer is not None
        assert answer.text == "Thao tác này không được phép."
    assert "0912 345 678" not in other.transcript()
    assert query(shop, "SELECT status FROM orders WHERE id = ?", open_id) == [("delivered",)]
    assert status == "cancelled"


async def test_link_codes_are_single_use(emulator: Emulator, bot_process: BotProcess) -> None:
    stranger = emulator.person("Khách", language_code="vi")
    staff = emulator.person("Tư", language_code="vi")
    group = emulator.group("HTX Tam Hưng")
    await group.add_bot(by=staff)
    await staff.send("/link NOPE1234", chat=group)
    refusal = await staff.wait_for(lambda m: "Mã không hợp lệ" in m.text, chat=group)
    assert refusal.text.startswith("Mã không hợp lệ")
    await stranger.send("/linkgroup")
    assert (await stranger.next_message()).text == "Thao tác này không được phép."


async def test_removing_the_bot_from_a_group_unlinks_it_and_tells_the_admins(
    emulator: Emulator,
    bot_process: BotProcess,
    shop: Shop,
    admin: Person,
    staffed_group: StaffedGroup,
) -> None:
    staff, group = await staffed_group(
        "Thịnh", "HTX gốm Tân Thịnh", "Tan Thinh Pottery Cooperative"
    )
    [(linked,)] = query(shop, "SELECT group_chat_id FROM producers WHERE code = 'TANTHINH'")
    assert linked == group.id
    await group.remove_bot(by=staff)
    notice = await admin.wait_for(lambda m: "removed from the group" in m.text)
    assert "The bot was removed from the group of Tan Thinh Pottery Cooperative" in notice.text
    assert query(shop, "SELECT group_chat_id FROM producers WHERE code = 'TANTHINH'") == [(None,)]


async def test_every_button_has_a_text_command_too(
    emulator: Emulator, bot_process: BotProcess, shop: Shop, staffed_group: StaffedGroup
) -> None:
    staff, group = await staffed_group("Bé", "Cơ sở Bà Bé", "Ba Be Turmeric Starch Workshop")
    buyer = await greeted(emulator, "Khánh", "vi")
    oil = f"Tinh dầu sả chanh · {format_vnd(75_000, 'vi')}"
    await search_and_add(buyer, "tinh dau sa chanh", oil, "vi")
    await checkout(buyer)
    [(order_id,)] = query(shop, "SELECT id FROM orders WHERE user_id = ?", buyer.id)
    number = f"DH{order_id:05d}"
    await staff.wait_for(lambda m: number in m.text, chat=group)

    await staff.send("/accept", chat=group)
    assert (await staff.next_message(chat=group)).text.startswith("Cách dùng: /accept ORDER")
    # Delivered before anyone accepted it: refused, saying which step comes first.
    await staff.send(f"/deliver {number}", chat=group)
    assert (await staff.next_message(chat=group)).text == (
        f"Chưa được: đơn {number} đang ở trạng thái 🆕 Mới; cần chuyển sang 👍 Đã xác nhận "
        f"trước. Gửi /accept {number} hoặc bấm ✅ Nhận đơn."
    )
    await staff.send(f"/accept {number.lower()}", chat=group)
    accepted = await staff.next_message(chat=group)
    assert "Đã xác nhận bởi Bé" in accepted.text
    await buyer.wait_for(lambda m: "đã nhận đơn" in m.text and number in m.text)
    # The first card's button, pressed late: it says who did it.
    await staff.press("✅ Nhận đơn", chat=group)
    assert (await staff.wait_callback_answer()).text == (
        f"Đã xử lý rồi: đơn {number} đang ở trạng thái 👍 Đã xác nhận, bởi Bé."
    )
    await staff.send(f"/cancel {order_id} Khách đổi ý <gấp>", chat=group)
    cancelled = await staff.next_message(chat=group)
    assert "Lý do: Khách đổi ý <gấp>" in cancelled.text
    await buyer.wait_for(lambda m: "Lý do: Khách đổi ý <gấp>" in m.text)
    await staff.send(f"/ship {number}", chat=group)
    assert (await staff.next_message(chat=group)).text == (
        f"Đơn {number} không thể chuyển sang 🚚 Đang giao nữa: đơn đang ở trạng thái "
        "✖️ Đã hủy, bởi Bé."
    )
    other = emulator.group("Nhóm lạ")
    await other.add_bot(by=staff)
    await staff.wait_for(lambda m: "/linkgroup" in m.text, chat=other)
    await staff.send(f"/deliver {number}", chat=other)
    assert (await staff.next_message(chat=other)).text == "Thao tác này không được phép."
    assert query(shop, "SELECT status FROM orders WHERE id = ?", order_id) == [("cancelled",)]


async def cancel_as_the_customer(shop: Shop, customer: int, order_id: int) -> None:
    engine = create_engine(shop.database_url)
    try:
        uow = UnitOfWork(create_session_factory(engine))
        await orders.cancel_order_by_customer(uow, user_id=customer, order_id=order_id)
    finally:
        await engine.dispose()


async def test_a_group_that_becomes_a_supergroup_keeps_its_orders_and_its_old_cards_work(
    emulator: Emulator, bot_process: BotProcess, shop: Shop, staffed_group: StaffedGroup
) -> None:
    staff, group = await staffed_group("Quang", "Gốm Quang Vinh", "Quang Vinh Ceramics")
    buyer = await greeted(emulator, "Lụa", "vi")
    [kept] = await place_orders(shop.database_url, buyer.id, 1, "QUANGVINH-SEN-AC")
    [taken_back] = await place_orders(shop.database_url, 91_002, 1, "QUANGVINH-SEN-AC")
    cards = {}
    for order_id in (kept, taken_back):
        number = f"DH{order_id:05d}"
        cards[order_id] = await staff.wait_for(lambda m, n=number: n in m.text, chat=group)

    supergroup = await group.become_supergroup(by=staff)
    followed = await emulator.wait_until(
        lambda: (
            query(shop, "SELECT 1 FROM producers WHERE group_chat_id = ?", supergroup.id) or None
        ),
        10,
    )
    assert followed, "the producer did not follow its group into the supergroup"
    # The supergroup numbers its own messages: make the id of the second card there one of
    # the bot's messages (an /orders list), which no later change may overwrite.
    old_id = cards[taken_back].message_id
    while supergroup.chat.next_message_id < old_id - 1:
        await staff.send("ok", chat=supergroup)  # the bot does not see it (privacy mode)
    await staff.send("/orders", chat=supergroup)
    listing = await staff.wait_for(lambda m: m.message_id == old_id, chat=supergroup)

    # The customer takes the second order back: the supergroup hears of it, and the message
    # with the old card's id is left alone.
    await cancel_as_the_customer(shop, 91_002, taken_back)
    await staff.wait_for(lambda m: "Khách đã hủy đơn" in m.text, chat=supergroup, timeout=10)
    unchanged = supergroup.chat.messages[old_id]
    assert (unchanged.text, unchanged.version) == (listing.text, 0)

    # The first card, posted before, still works: the order moves on and comes afresh in
    # the supergroup with the next step's button.
    await staff.press("✅ Nhận đơn", chat=group, on=cards[kept])
    assert (await staff.wait_callback_answer()).text == "Xong. Khách hàng đã được thông báo."
    number = f"DH{kept:05d}"
    await buyer.wait_for(lambda m: "đã nhận đơn" in m.text and number in m.text)
    fresh = await staff.wait_for(
        lambda m: number in m.text and "Đã xác nhận bởi Quang" in m.text, chat=supergroup
    )
    assert ["🚚 Đã gửi hàng", "✖️ Hủy"] in fresh.inline_labels
    await staff.press("🚚 Đã gửi hàng", chat=supergroup, on=fresh)
    await staff.wait_for(
        lambda m: m.message_id == fresh.message_id and "Đang giao bởi Quang" in m.text,
        chat=supergroup,
    )
    # The second card says why it no longer works.
    await staff.press("✅ Nhận đơn", chat=group, on=cards[taken_back])
    assert (await staff.wait_callback_answer()).text == (
        f"Đơn DH{taken_back:05d} không thể chuyển sang 👍 Đã xác nhận nữa: đơn đang ở "
        "trạng thái ✖️ Đã hủy, bởi khách hàng."
    )
    assert query(shop, "SELECT status FROM orders WHERE id = ?", kept) == [("shipped",)]
