"""Operating the shop, against the real bot process: its metrics read over HTTP as
Prometheus reads them, its readiness, the admins warned of a stuck outbox (once) and told
when it clears (once), and a restore refused while the shop runs."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from support import ordering
from support.botprocess import OCOP_BOT, BotProcess, Shop
from support.journeys import (
    HANOI_DELIVERY_VI,
    StaffedGroup,
    answer_in_turn,
    greeted,
    open_checkout,
    search_and_add,
)
from support.postgres import _free_port

from catalog.money import format_vnd
from emulators.telegram import Emulator, Person

pytestmark = pytest.mark.asyncio(loop_scope="module")

METRICS_PORT = _free_port()
STUCK_AFTER = 5
BOT_TOML = f"""
[outbox]
poll_seconds = 0.5
[health]
outbox_stuck_seconds = {STUCK_AFTER}
check_seconds = 0.5
"""
# The group's outage below: Telegram answering 502 Bad Gateway.
TOLERATED_ERRORS = (502,)
STUCK = "Messages to producers' groups are stuck"
FLOWING = "Messages to producers' groups are going out again."

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return {"METRICS_PORT": str(METRICS_PORT)}


async def get(path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{METRICS_PORT}{path}") as reply,
    ):
        return reply.status, await reply.text()


async def scrape() -> Samples:
    status, body = await get("/metrics")
    assert status == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def sample(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def eventually(check: Callable[[], Any], within: float = 20.0) -> Any:
    for _ in range(int(within / 0.2)):
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.2)
    return await check()


async def ready() -> tuple[int, dict[str, Any]]:
    status, body = await get("/health/ready")
    return status, json.loads(body)


async def checkout(person: Person) -> None:
    await open_checkout(person, "vi")
    await answer_in_turn(person, HANOI_DELIVERY_VI)
    await person.press("💵 Thanh toán khi nhận hàng (COD)")
    await person.wait_for(lambda m: "Đơn hàng của bạn" in m.text)
    await person.press("✅ Xác nhận đặt hàng")
    await person.wait_callback_answer()


async def test_the_metrics_move_as_a_customer_checks_out_and_the_alert_goes_out(
    emulator: Emulator, bot_process: BotProcess, shop: Shop, staffed_group: StaffedGroup
) -> None:
    staff, group = await staffed_group("Bé", "Cơ sở Bà Bé", "Ba Be Turmeric Starch Workshop")
    before = await scrape()
    buyer = await greeted(emulator, "Khánh", "vi")
    oil = f"Tinh dầu sả chanh · {format_vnd(75_000, 'vi')}"
    await search_and_add(buyer, "tinh dau sa chanh", oil, "vi")
    await checkout(buyer)
    with sqlite3.connect(shop.database) as db:
        [(order_id,)] = db.execute("SELECT id FROM orders WHERE user_id = ?", (buyer.id,))
    await staff.wait_for(lambda m: f"DH{order_id:05d}" in m.text, chat=group)
    # The order took stock: the next look at the catalog reads that product again.
    await buyer.send("tinh dau sa chanh")
    await buyer.next_message()

    def moved(name: str, **labels: str) -> Callable[[], Any]:
        async def check() -> bool:
            now = await scrape()
            return sample(now, name, **labels) > sample(before, name, **labels)

        return check

    for name, labels in [
        ("ocop_updates_total", {"channel": "telegram", "kind": "message"}),
        ("ocop_updates_total", {"channel": "telegram", "kind": "callback_query"}),
        ("ocop_update_seconds_count", {"channel": "telegram", "kind": "callback_query"}),
        ("ocop_api_calls_total", {"channel": "telegram", "method": "sendMessage", "code": "200"}),
        (
            "ocop_api_calls_total",
            {"channel": "telegram", "method": "answerCallbackQuery", "code": "200"},
        ),
        ("ocop_outbox_messages_total", {"queue": "groups", "outcome": "sent"}),
        ("ocop_catalog_reloads_total", {"scope": "products"}),
    ]:
        assert await eventually(moved(name, **labels)), (name, labels)
    after = await scrape()
    assert sample(after, "ocop_orders_total", event="placed") == (
        sample(before, "ocop_orders_total", event="placed") + 1
    )
    assert sample(after, "ocop_orders_total", event="cancelled") == sample(
        before, "ocop_orders_total", event="cancelled"
    )
    for queue in ("groups", "customers", "admins", "zalo", "messenger"):
        assert ("ocop_outbox_waiting_messages", frozenset({("queue", queue)})) in after


async def test_a_stuck_outbox_fails_readiness_and_warns_the_admins_once_then_once_resolved(
    emulator: Emulator,
    bot_process: BotProcess,
    shop: Shop,
    admin: Person,
    staffed_group: StaffedGroup,
) -> None:
    staff, group = await staffed_group("Lan", "HTX Tam Hưng", "Tam Hung Agricultural Cooperative")
    assert (await ready())[0] == 200
    group.fail_sends()  # Telegram answers 502 Bad Gateway for this group
    [order_id] = await ordering.place_orders(shop.database_url, 30_000, 1, "TAMHUNG-GAO-5KG")

    warning = await admin.wait_for(lambda m: STUCK in m.text, timeout=STUCK_AFTER + 20)
    assert "1 waiting" in warning.text
    status, body = await ready()
    assert status == 503
    assert body["checks"]["outbox"]["stuck"] == ["groups"]
    assert body["checks"]["database"]["ok"]
    await asyncio.sleep(3)  # six more looks at the outbox, still stuck
    assert [m.text for m in admin.bot_messages() if STUCK in m.text] == [warning.text]

    group.restore_sends()
    await staff.wait_for(lambda m: f"DH{order_id:05d}" in m.text, chat=group, timeout=40)
    await admin.wait_for(lambda m: FLOWING in m.text, timeout=10)
    status, _body = await eventually(lambda: _ready_with(200))
    assert status == 200
    await asyncio.sleep(2)
    assert [m.text for m in admin.bot_messages() if FLOWING in m.text] == ["✅ " + FLOWING]
    assert len([m for m in admin.bot_messages() if STUCK in m.text]) == 1


async def _ready_with(status: int) -> tuple[int, dict[str, Any]] | None:
    answer = await ready()
    return answer if answer[0] == status else None


async def test_readiness_fails_while_the_database_is_gone(
    bot_process: BotProcess, shop: Shop
) -> None:
    assert (await ready())[0] == 200
    away = shop.database.with_name("shop.db.away")
    os.replace(shop.database, away)
    # A directory where the file was: nothing can open (or create) a database there.
    shop.database.mkdir()
    try:
        status, body = await ready()
    finally:
        shop.database.rmdir()
        os.replace(away, shop.database)
    assert status == 503
    assert body["ready"] is False
    assert body["checks"]["database"]["ok"] is False
    assert "outbox" not in body["checks"]
    assert (await ready())[0] == 200
    live_status, live = await get("/health")
    assert (live_status, live) == (200, "ok")


async def test_a_restore_over_the_running_shop_is_refused(
    bot_process: BotProcess, shop: Shop
) -> None:
    target = shop.root / "backups"
    backup = await ocop_bot(shop, "db", "backup", str(target))
    assert backup.returncode == 0, backup.stderr
    [archive] = target.glob("ocop-*.tar.gz")
    before = shop.database.stat().st_ino
    refused = await ocop_bot(shop, "db", "restore", str(archive))
    assert refused.returncode == 1
    assert "a shop is running on" in refused.stderr
    assert "--force" in refused.stderr
    assert shop.database.stat().st_ino == before
    assert (await ready())[0] == 200


class Finished:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


async def ocop_bot(shop: Shop, *args: str) -> Finished:
    process = await asyncio.create_subprocess_exec(
        str(OCOP_BOT), "--config", str(shop.config), *args,
        cwd=shop.root, env={**os.environ, "DATABASE_URL": shop.database_url},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return Finished(process.returncode, out.decode(), err.decode())
