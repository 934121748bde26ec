"""Alerts wait for their group: a group that takes away the bot's right to post, or that the
bot was removed from while it was away, loses no order, and the admins are warned once (and
told when it clears)."""

import sqlite3

import pytest
from support.botprocess import BotProcess, Shop, link_group_through_the_bot
from support.journeys import StaffedGroup
from support.ordering import place_orders

from emulators.telegram import Emulator, Group, Person

pytestmark = pytest.mark.asyncio(loop_scope="module")

BOT_TOML = "[outbox]\nlease_seconds = 2\npoll_seconds = 0.5\n"
# The groups here refuse the bot on purpose; each test checks which errors it met.
TOLERATED_ERRORS = (400, 403)


def group_of(shop: Shop, code: str) -> object:
    with sqlite3.connect(shop.database) as db:
        [(chat_id,)] = db.execute("SELECT group_chat_id FROM producers WHERE code = ?", (code,))
        return chat_id


def warnings_about(admin: Person, producer: str) -> list[str]:
    """What the admin was warned of about the producer (⚠️), in order."""
    return [
        m.text
        for m in admin.chat.live_messages()
        if m.from_bot and m.text.startswith("⚠️") and producer in m.text
    ]


async def wait_for_orders(staff: Person, group: Group, orders: list[int]) -> None:
    for order in orders:
        await staff.wait_for(lambda m, o=order: f"DH{o:05d}" in m.text, chat=group, timeout=30)


async def test_a_group_that_takes_away_the_right_to_post_gets_its_alerts_once_it_gives_it_back(
    emulator: Emulator,
    bot_process: BotProcess,
    shop: Shop,
    admin: Person,
    staffed_group: StaffedGroup,
) -> None:
    producer = "Tam Hung Agricultural Cooperative"
    staff, group = await staffed_group("Lan", "HTX Nông nghiệp Tam Hưng", producer)
    await group.let_members_send(by=staff, allowed=False)

    ordered = await place_orders(shop.database_url, 30_000, 2, "TAMHUNG-GAO-5KG")
    notice = await admin.wait_for(lambda m: "may not post in the group" in m.text, timeout=15)
    assert producer in notice.text
    # Tried again meanwhile (and refused again), without telling the admins twice.
    await emulator.wait_until(lambda: len(group.api_errors) >= 2 or None, 15)
    await group.let_members_send(by=staff, allowed=True)

    await wait_for_orders(staff, group, ordered)
    # The warning clears once an alert gets through.
    await admin.wait_for(lambda m: m.text.startswith("✅") and producer in m.text, timeout=15)
    assert {e.description for e in group.api_errors} == {
        "Bad Request: not enough rights to send text messages to the chat"
    }
    assert warnings_about(admin, producer) == [notice.text]
    assert group_of(shop, "TAMHUNG") == group.id


async def test_alerts_for_a_group_the_bot_was_removed_from_while_away_wait_for_the_next_link(
    emulator: Emulator,
    bot_process: BotProcess,
    shop: Shop,
    admin: Person,
    staffed_group: StaffedGroup,
) -> None:
    producer = "Hoang Long Cooperative"
    staff, group = await staffed_group("Hùng", "HTX Hoàng Long", producer)
    await bot_process.stop()
    await group.remove_bot(by=staff)
    # The bot stays away for over a day: Telegram forgets the update that told of it, so the
    # bot learns it only when an alert is refused.
    assert emulator.expire_updates() == 1
    first = await place_orders(shop.database_url, 40_000, 1, "HOANGLONG-NEM-20")
    await bot_process.start()

    notice = await admin.wait_for(lambda m: "refuses to reach the group" in m.text, timeout=15)
    assert producer in notice.text
    await emulator.wait_until(lambda: group_of(shop, "HOANGLONG") is None or None, 10)
    # Another order while no group is linked: it waits too, and nobody is told again.
    later = await place_orders(shop.database_url, 40_100, 1, "HOANGLONG-NEM-20")

    await link_group_through_the_bot(emulator, admin, group, staff, producer)
    await wait_for_orders(staff, group, first + later)
    assert {e.description for e in group.api_errors} == {
        "Forbidden: bot was kicked from the group chat"
    }
    assert warnings_about(admin, producer) == [notice.text]
