"""Alerts always arrive: within Telegram's group limit (digests), and across a SIGKILL."""

import re
import signal
import sqlite3

import pytest
from support import ordering
from support.botprocess import ADMIN_ID, BotProcess, Shop, link_group_through_the_bot
from support.journeys import StaffedGroup, greeted

from catalog.db import create_engine, create_session_factory
from catalog.models import OrderStatus
from catalog.services import orders
from catalog.uow import UnitOfWork
from emulators.telegram import Emulator, FloodLimits, Group, Person

pytestmark = pytest.mark.asyncio(loop_scope="module")

# Telegram's real limits in the emulator; a short lease so a killed sender's claim expires fast.
FLOOD = FloodLimits()
BOT_TOML = "[outbox]\nlease_seconds = 2\npoll_seconds = 0.5\n"


async def place_orders(shop: Shop, first_customer: int, count: int, sku: str) -> list[int]:
    """Customers ordering at the same moment, straight through the shop's services."""
    return await ordering.place_orders(shop.database_url, first_customer, count, sku)


def delivered_order_ids(group: Group) -> set[int]:
    return {int(n) for m in group.bot_messages for n in re.findall(r"DH(\d{5})", m.text)}


async def wait_delivered(
    emulator: Emulator, group: Group, wanted: set[int], within: float
) -> None:
    done = await emulator.wait_until(
        lambda: True if wanted <= delivered_order_ids(group) else None, within
    )
    assert done, f"missing alerts: {sorted(wanted - delivered_order_ids(group))}"


async def test_sixty_orders_in_a_minute_all_reach_the_group_without_a_429_loop(
    emulator: Emulator, bot_process: BotProcess, shop: Shop, staffed_group: StaffedGroup
) -> None:
    _staff, group = await staffed_group(
        "Lan", "HTX Nông nghiệp Tam Hưng", "Tam Hung Agricultural Cooperative"
    )
    ordered = await place_orders(shop, 10_000, 60, "TAMHUNG-GAO-5KG")
    await wait_delivered(emulator, group, set(ordered), within=60)
    assert len(ordered) == 60
    assert any("đơn mới" in m.text for m in group.bot_messages)
    assert group.flood_429s == 0
    assert len(group.bot_messages) <= 20


async def test_alerts_pending_when_the_bot_is_killed_arrive_after_a_restart(
    emulator: Emulator, bot_process: BotProcess, shop: Shop, staffed_group: StaffedGroup
) -> None:
    _staff, group = await staffed_group("Hùng", "HTX Hoàng Long", "Hoang Long Cooperative")

    first = await place_orders(shop, 20_000, 3, "HOANGLONG-NEM-20")
    await wait_delivered(emulator, group, {first[0]}, within=20)
    assert await bot_process.stop(signal.SIGKILL) == -signal.SIGKILL
    second = await place_orders(shop, 20_100, 5, "HOANGLONG-NEM-20")
    await bot_process.start()
    await wait_delivered(emulator, group, set(first + second), within=30)


def alerts_left(shop: Shop, producer: str) -> list[tuple[str, int]]:
    """(status, count) of the producer's Telegram rows not sent yet."""
    with sqlite3.connect(shop.database) as db:
        return db.execute(
            "SELECT o.status, COUNT(*) FROM outbox o JOIN producers p ON p.id = o.producer_id "
            "WHERE p.code = ? AND o.status != 'sent' GROUP BY o.status",
            (producer,),
        ).fetchall()


async def accept_as_admin(shop: Shop, order_id: int) -> None:
    engine = create_engine(shop.database_url)
    try:
        await orders.change_order_status(
            UnitOfWork(create_session_factory(engine)), order_id=order_id,
            new_status=OrderStatus.accepted, actor_id=ADMIN_ID, chat_id=None, is_admin=True,
            actor_name="Quản trị",
        )  # fmt: skip
    finally:
        await engine.dispose()


async def test_a_backlog_that_waited_for_a_group_comes_as_a_digest_within_telegrams_limits(
    emulator: Emulator, bot_process: BotProcess, shop: Shop, admin: Person
) -> None:
    tea, producer = "THANGLONG-SADU-20", "Thang Long High-Tech Agriculture JSC"
    early = await greeted(emulator, "Ngân", "vi")
    [moved_on] = await place_orders(shop, early.id, 1, tea)
    backlog = await place_orders(shop, 50_000, 120, tea)
    await admin.wait_for(lambda m: "no linked group" in m.text and producer in m.text, 20)
    # One of them is accepted meanwhile: its state is what matters now, not its alert.
    await accept_as_admin(shop, moved_on)
    await early.wait_for(lambda m: "đã nhận đơn" in m.text)

    staff, group = emulator.person("Thọ", language_code="vi"), emulator.group("Trà Thăng Long")
    await link_group_through_the_bot(emulator, admin, group, staff, producer)
    settled = await emulator.wait_until(lambda: not alerts_left(shop, "THANGLONG") or None, 40)
    assert settled, alerts_left(shop, "THANGLONG")

    digest = [m for m in group.bot_messages if "đơn mới" in m.text]
    buttons = [label for m in digest for row in m.inline_labels for label in row]
    # Every order in full, once (no part sent twice), oldest first, a button each; the
    # accepted one left out.
    assert buttons == [f"📋 DH{order:05d}" for order in backlog]
    assert all(len(m.text) <= 4096 for m in digest)
    assert not [m for m in group.bot_messages if f"DH{moved_on:05d}" in m.text]
    assert group.flood_429s == 0
