"""The month's last Zalo messages are kept for order news: answers to people (help, refusals,
lists) stop above the reserve, while alerts and the answer to an order moved go on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from support.ordering import place_orders
from support.zalo import running_zalo

from bot.config import OutboxSettings, ZaloSettings
from bot.i18n import build_i18n
from bot.zalo.client import ZaloClient
from bot.zalo.sender import RESERVE_KEPT, ZaloSender
from catalog import outbox
from catalog.db import create_session_factory
from catalog.demo.seed import seed_demo_catalog
from catalog.models import OutboxStatus, ZaloOutboxMessage, ZaloUsage, utcnow
from catalog.outbox import OutboxKind, OutboxSignal
from catalog.services import zalo_staff
from catalog.services.zalo_usage import month_of
from catalog.uow import UnitOfWork
from emulators.zalo import ZaloEmulator

TOKEN = "1234567890:zalo-reserve"


@pytest.fixture
async def zalo() -> AsyncIterator[ZaloEmulator]:
    async with running_zalo(TOKEN) as emulator:
        yield emulator


async def test_answers_stop_before_the_reserve_and_order_news_may_use_it(
    uow: UnitOfWork, engine: AsyncEngine, database_url: str, zalo: ZaloEmulator, media_dir: Path
) -> None:
    await seed_demo_catalog(uow, media_dir)
    hoa = zalo.person("Hoa")
    await hoa.send("chào")  # Zalo lets the bot write only to people who wrote first
    await zalo_staff.link_zalo_staff(
        uow, producer_code="HOANGLONG", zalo_id=hoa.id, display_name="Hoa"
    )
    async with uow:
        # 303 messages left this month, 300 of them the reserve: room for three answers.
        uow.session.add(ZaloUsage(month=month_of(utcnow()), messages=2697))
        for n in range(1, 6):
            outbox.to_zalo_user(uow, OutboxKind.zalo_reply, hoa.id, text=f"Trợ giúp {n}")
        outbox.to_zalo_user(
            uow, OutboxKind.zalo_reply, hoa.id, text="Đã nhận đơn", order_news=True
        )
        await uow.commit()
    [order] = await place_orders(database_url, 600, 1, "HOANGLONG-NEM-20")

    client = ZaloClient(TOKEN, zalo.base_url)
    sender = ZaloSender(
        client, create_session_factory(engine), build_i18n("vi"),
        ZaloSettings(token=TOKEN, api_base=zalo.base_url, monthly_quota=3000, quota_reserve=300),
        OutboxSettings(), OutboxSignal(),
    )  # fmt: skip
    try:
        await sender.deliver_due()
        await sender.deliver_due()  # the alert, spread to Hoa in the first round
    finally:
        await client.close()

    texts = [m.text for m in hoa.bot_messages]
    assert texts[:4] == ["Trợ giúp 1", "Trợ giúp 2", "Trợ giúp 3", "Đã nhận đơn"]
    assert len(texts) == 5
    assert f"DH{order:05d}" in texts[4]
    async with uow.reading():
        left_out = list(
            await uow.session.execute(
                select(ZaloOutboxMessage.payload, ZaloOutboxMessage.last_error).where(
                    ZaloOutboxMessage.status == OutboxStatus.failed
                )
            )
        )
    assert [(payload["text"], error) for payload, error in left_out] == [
        ("Trợ giúp 4", RESERVE_KEPT),
        ("Trợ giúp 5", RESERVE_KEPT),
    ]
