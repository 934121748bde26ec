"""Producers' staff on Zalo: linking, acting on orders, and the Zalo outbox (quota, digests,
long messages resumed), against a real database and the Zalo emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from support.zalo import running_zalo

from bot.config import Config, OutboxSettings, ZaloSettings
from bot.i18n import build_i18n
from bot.zalo.client import ZaloClient
from bot.zalo.runner import SECRET_HEADER, WEBHOOK_PATH, ZaloChannel
from bot.zalo.sender import ZaloSender
from catalog.db import create_session_factory
from catalog.demo.seed import seed_demo_catalog
from catalog.errors import NotAllowed
from catalog.models import (
    OrderStatus,
    OutboxMessage,
    OutboxStatus,
    PaymentMethod,
    Producer,
    Product,
    ZaloOutboxMessage,
    ZaloUsage,
    utcnow,
)
from catalog.outbox import AdminEvent, OutboxKind, OutboxSignal
from catalog.services import cart, orders, zalo_staff
from catalog.services.fulfilment import LinkCodeRefused, LinkProblem
from catalog.services.orders import DeliveryDetails, OrderView
from catalog.services.producers import link_group
from catalog.services.warnings import Cause, State
from catalog.services.zalo_usage import month_of
from catalog.uow import UnitOfWork
from emulators.zalo import ZaloEmulator, ZaloPerson

TOKEN = "1234567890:zalo-integration"
DETAILS = DeliveryDetails("Khách Zalo", "+84912345678", "Hà Nội", "Phường Láng", "1 Láng")


async def producer_id(uow: UnitOfWork, code: str) -> int:
    async with uow.reading():
        found = await uow.session.scalar(select(Producer.id).where(Producer.code == code))
    assert found is not None
    return found


async def place(uow: UnitOfWork, customer: int, sku: str) -> int:
    async with uow.reading():
        product = await uow.session.scalar(select(Product.id).where(Product.sku == sku))
    assert product is not None
    await cart.add_to_cart(uow, user_id=customer, product_id=product)
    placed = await orders.place_order(
        uow,
        user_id=customer,
        details=DETAILS,
        payment=PaymentMethod.cod,
        idempotency_key=f"{customer}-{sku}-{utcnow().timestamp()}",
    )
    return placed.orders[0].id


async def link(uow: UnitOfWork, code: str, zalo_id: str, name: str) -> zalo_staff.StaffMember:
    secret = await zalo_staff.create_zalo_link_code(
        uow, producer_id=await producer_id(uow, code), created_by=1
    )
    return await zalo_staff.use_zalo_link_code(
        uow, code=secret.lower(), zalo_id=zalo_id, display_name=name
    )


async def accept_on_zalo(
    uow: UnitOfWork, staff: zalo_staff.StaffMember, order_id: int, actor_name: str = ""
) -> OrderView:
    """What ``nhan DH…`` from a staff member on Zalo does."""
    return await orders.change_order_status(
        uow,
        order_id=order_id,
        new_status=OrderStatus.accepted,
        actor_id=None,
        chat_id=None,
        producer_id=staff.producer_id,
        zalo_actor=staff.zalo_id,
        actor_name=actor_name,
    )


async def test_a_code_links_once_and_only_while_it_is_fresh(
    uow: UnitOfWork, media_dir: Path
) -> None:
    await seed_demo_catalog(uow, media_dir)
    babe = await producer_id(uow, "BABE")
    code = await zalo_staff.create_zalo_link_code(uow, producer_id=babe, created_by=7)
    member = await zalo_staff.use_zalo_link_code(
        uow, code=f" {code.lower()} ", zalo_id="z1", display_name="Hoa"
    )
    assert (member.producer_id, member.code, member.display_name) == (babe, "BABE", "Hoa")
    with pytest.raises(LinkCodeRefused) as used:
        await zalo_staff.use_zalo_link_code(uow, code=code, zalo_id="z2", display_name="Lan")
    assert used.value.problem == LinkProblem.used
    with pytest.raises(LinkCodeRefused) as unknown:
        await zalo_staff.use_zalo_link_code(uow, code="AAAA2222", zalo_id="z2", display_name="")
    assert unknown.value.problem == LinkProblem.unknown
    old = await zalo_staff.create_zalo_link_code(
        uow, producer_id=babe, created_by=7, now=utcnow() - timedelta(minutes=16)
    )
    with pytest.raises(LinkCodeRefused) as expired:
        await zalo_staff.use_zalo_link_code(uow, code=old, zalo_id="z2", display_name="Lan")
    assert expired.value.problem == LinkProblem.expired
    assert await zalo_staff.staff_member(uow, "z2") is None
    async with uow.reading():
        told = list(
            await uow.session.scalars(
                select(OutboxMessage.payload).where(OutboxMessage.kind == OutboxKind.admin_notice)
            )
        )
    assert [p["event"] for p in told] == [AdminEvent.zalo_linked]


async def test_staff_move_only_their_producers_orders_and_both_channels_hear(
    uow: UnitOfWork, media_dir: Path
) -> None:
    await seed_demo_catalog(uow, media_dir)
    await link_group(uow, producer_code="QUANGVINH", chat_id=-500)
    hoa = await link(uow, "QUANGVINH", "z-hoa", "Hoa")
    order = await place(uow, 501, "QUANGVINH-SEN-AC")
    other = await place(uow, 502, "BABE-NGHE-500")
    with pytest.raises(NotAllowed):
        await accept_on_zalo(uow, hoa, other)
    moved = await accept_on_zalo(uow, hoa, order, actor_name="Hoa")
    assert moved.status == OrderStatus.accepted
    async with uow.reading():
        telegram = [
            (row.kind, row.user_id, row.payload.get("zalo_actor"))
            for row in await uow.session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.payload["order_id"].as_integer() == order
                )
            )
        ]
        zalo = [
            (row.kind, row.payload.get("actor"))
            for row in await uow.session.scalars(
                select(ZaloOutboxMessage).where(
                    ZaloOutboxMessage.kind == OutboxKind.status_changed
                )
            )
        ]
    # The customer is told; the Telegram group and the (other) Zalo staff hear of the change.
    assert (OutboxKind.status_notice, 501, None) in telegram
    assert (OutboxKind.status_changed, None, "z-hoa") in telegram
    assert zalo == [(OutboxKind.status_changed, "Hoa")]
    # A press in the Telegram group tells only Zalo, not the group itself again.
    await orders.change_order_status(
        uow,
        order_id=order,
        new_status=OrderStatus.shipped,
        actor_id=9,
        chat_id=None,
        is_admin=True,
        actor_name="Admin",
    )
    async with uow.reading():
        changed = list(
            await uow.session.scalars(
                select(OutboxMessage.id).where(OutboxMessage.kind == OutboxKind.status_changed)
            )
        )
        zalo_changed = list(
            await uow.session.scalars(
                select(ZaloOutboxMessage.id).where(
                    ZaloOutboxMessage.kind == OutboxKind.status_changed
                )
            )
        )
    assert (len(changed), len(zalo_changed)) == (1, 2)


async def test_a_manager_unlinks_only_their_own_producers_staff(
    uow: UnitOfWork, media_dir: Path
) -> None:
    await seed_demo_catalog(uow, media_dir)
    await link(uow, "QUANGVINH", "z-a", "A")
    babe = await producer_id(uow, "BABE")
    assert not await zalo_staff.unlink_zalo(uow, zalo_id="z-a", producer_id=babe)
    assert await zalo_staff.staff_member(uow, "z-a") is not None
    assert await zalo_staff.unlink_zalo(uow, zalo_id="z-a")
    assert await zalo_staff.staff_member(uow, "z-a") is None


@pytest.fixture
async def zalo() -> AsyncIterator[ZaloEmulator]:
    async with running_zalo(TOKEN) as emulator:
        yield emulator


async def sender_for(
    engine: AsyncEngine, zalo: ZaloEmulator, **settings: int
) -> tuple[ZaloSender, ZaloClient]:
    client = ZaloClient(TOKEN, zalo.base_url)
    sender = ZaloSender(
        client,
        create_session_factory(engine),
        build_i18n("vi"),
        ZaloSettings(token=TOKEN, api_base=zalo.base_url, **settings),
        OutboxSettings(),
        OutboxSignal(),
    )
    return sender, client


async def staff_on_zalo(uow: UnitOfWork, zalo: ZaloEmulator, code: str, name: str) -> ZaloPerson:
    person = zalo.person(name)
    await person.send("chào")  # Zalo lets the bot write only to people who wrote first
    await link(uow, code, person.id, name)
    return person


async def hoa_on_zalo_having_sent(
    uow: UnitOfWork, zalo: ZaloEmulator, media_dir: Path, messages: int
) -> ZaloPerson:
    """Hoa, Hoàng Long's staff on Zalo, in a month the bot has sent ``messages`` already."""
    await seed_demo_catalog(uow, media_dir)
    hoa = await staff_on_zalo(uow, zalo, "HOANGLONG", "Hoa")
    async with uow:
        uow.session.add(ZaloUsage(month=month_of(utcnow()), messages=messages))
        await uow.commit()
    return hoa


async def test_near_the_monthly_quota_alerts_are_digested_and_admins_told_once(
    uow: UnitOfWork, engine: AsyncEngine, zalo: ZaloEmulator, media_dir: Path
) -> None:
    hoa = await hoa_on_zalo_having_sent(uow, zalo, media_dir, 2800)
    numbers = [await place(uow, 600 + n, "HOANGLONG-NEM-20") for n in range(3)]
    sender, client = await sender_for(engine, zalo, monthly_quota=3000, quota_reserve=300)
    try:
        await sender.deliver_due()
        await sender.deliver_due()
    finally:
        await client.close()
    texts = [m.text for m in hoa.bot_messages]
    assert len(texts) == 1
    assert "3 đơn mới" in texts[0]
    assert all(f"DH{n:05d}" in texts[0] for n in numbers)
    async with uow.reading():
        usage = await uow.session.get(ZaloUsage, month_of(utcnow()))
        counted = usage.messages if usage else None
        warnings = list(
            await uow.session.scalars(
                select(OutboxMessage.payload).where(OutboxMessage.kind == OutboxKind.admin_notice)
            )
        )
    assert counted == 2801
    quota = [w for w in warnings if w.get("cause") == Cause.zalo_quota]
    assert [(w["event"], w["state"], w["used"]) for w in quota] == [
        (AdminEvent.warning, State.raised, 2800)
    ]


async def test_with_the_quota_spent_messages_wait_for_next_month(
    uow: UnitOfWork, engine: AsyncEngine, zalo: ZaloEmulator, media_dir: Path
) -> None:
    hoa = await hoa_on_zalo_having_sent(uow, zalo, media_dir, 50)
    await place(uow, 700, "HOANGLONG-NEM-20")
    sender, client = await sender_for(engine, zalo, monthly_quota=50, quota_reserve=0)
    try:
        assert await sender.deliver_due() == 0
    finally:
        await client.close()
    assert hoa.bot_messages == []
    async with uow.reading():
        waiting = (
            await uow.session.execute(
                select(ZaloOutboxMessage.status, ZaloOutboxMessage.next_attempt_at).where(
                    ZaloOutboxMessage.zalo_id == hoa.id
                )
            )
        ).all()
    assert [status for status, _ in waiting] == [OutboxStatus.pending]
    assert month_of(waiting[0][1]) != month_of(utcnow())


async def test_a_long_message_cut_short_resumes_with_the_next_part(
    uow: UnitOfWork, engine: AsyncEngine, zalo: ZaloEmulator, media_dir: Path
) -> None:
    await seed_demo_catalog(uow, media_dir)
    hoa = await staff_on_zalo(uow, zalo, "BABE", "Hoa")
    text = "\n".join(f"dòng {n:04d} " + "x" * 60 for n in range(60))  # ~4,100 characters
    async with uow:
        uow.session.add(
            ZaloOutboxMessage(
                kind=OutboxKind.zalo_reply, zalo_id=hoa.id, payload={"text": text}, parts_sent=1
            )
        )
        await uow.commit()
    sender, client = await sender_for(engine, zalo)
    try:
        await sender.deliver_due()
    finally:
        await client.close()
    assert [m.text[:6] for m in hoa.bot_messages] == ["(2/3) ", "(3/3) "]


async def test_the_webhook_takes_updates_only_with_the_secret(
    engine: AsyncEngine, zalo: ZaloEmulator
) -> None:
    config = Config(
        zalo=ZaloSettings(
            token=TOKEN,
            api_base=zalo.base_url,
            webhook_url="https://shop.example/zalo/webhook",
            webhook_secret="s3cret-token",
        )
    )
    channel = ZaloChannel(config, create_session_factory(engine), build_i18n("vi"))
    person = zalo.person("Hoa")
    update = {
        "event_name": "message.text.received",
        "message": {
            "from": {"id": person.id, "display_name": "Hoa", "is_bot": False},
            "chat": {"id": person.id, "chat_type": "PRIVATE"},
            "text": "xin chào",
            "message_id": "m-1",
            "date": 1,
        },
    }
    async with TestClient(TestServer(channel.webhook_app())) as http:
        refused = await http.post(WEBHOOK_PATH, json=update, headers={SECRET_HEADER: "wrong"})
        assert refused.status == 403
        assert (await http.post(WEBHOOK_PATH, json=update)).status == 403
        taken = await http.post(WEBHOOK_PATH, json=update, headers={SECRET_HEADER: "s3cret-token"})
        assert taken.status == 200
        again = await http.post(WEBHOOK_PATH, json=update, headers={SECRET_HEADER: "s3cret-token"})
        assert again.status == 200
    await channel.client.close()
    async with UnitOfWork(create_session_factory(engine)).reading() as uow:
        replies = list(
            await uow.session.scalars(
                select(ZaloOutboxMessage.payload).where(ZaloOutboxMessage.zalo_id == person.id)
            )
        )
    # Answered once (the same message id twice is one message), with how to link.
    assert len(replies) == 1
    assert "mã liên kết" in replies[0]["text"]


async def test_someone_zalo_refuses_to_reach_is_unlinked_and_the_admins_told(
    uow: UnitOfWork, engine: AsyncEngine, media_dir: Path
) -> None:
    await seed_demo_catalog(uow, media_dir)
    zalo = ZaloEmulator(max_users=1)  # the free plan's user limit, made small
    zalo.add_bot(TOKEN)
    await zalo.start()
    try:
        first = await staff_on_zalo(uow, zalo, "MYDUC", "Một")
        second = await staff_on_zalo(uow, zalo, "MYDUC", "Hai")
        order = await place(uow, 800, "MYDUC-CHAN-1820")
        sender, client = await sender_for(engine, zalo)
        try:
            await sender.deliver_due()
        finally:
            await client.close()
    finally:
        await zalo.stop()
    assert [f"DH{order:05d}" in m.text for m in first.bot_messages] == [True]
    assert second.bot_messages == []
    assert await zalo_staff.staff_member(uow, first.id) is not None
    assert await zalo_staff.staff_member(uow, second.id) is None
    async with uow.reading():
        told = list(
            await uow.session.scalars(
                select(OutboxMessage.payload).where(OutboxMessage.kind == OutboxKind.admin_notice)
            )
        )
    assert [p for p in told if p["event"] == AdminEvent.delivery_failed] == []
    [warning] = [p for p in told if p["event"] == AdminEvent.warning]
    assert (warning["cause"], warning["subject"], warning["name"]) == (
        Cause.zalo_unreachable,
        second.id,
        "Hai",
    )
