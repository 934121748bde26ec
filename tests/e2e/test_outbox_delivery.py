"""Alerts always arrive: within Telegram's group limit (digests), and across a SIGKILL."""

import re
import signal

import pytest
from support import ordering
from support.botprocess import BotProcess, Shop
from support.journeys import StaffedGroup

from emulators.telegram import Emulator, FloodLimits, Group

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
