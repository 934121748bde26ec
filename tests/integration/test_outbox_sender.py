"""The Telegram outbox sender against the Bot API emulator: a digest longer than the group's
budget for the minute goes on where it stopped, each part recorded as sent before the next; a
group that refuses the bot keeps its alerts, warns the admins once and is counted as it goes."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import AsyncIterator, Iterator

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from prometheus_client import REGISTRY
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from support.ordering import place_orders

from bot import metrics
from bot.config import OutboxSettings, SendingSettings
from bot.i18n import build_i18n
from bot.outbox import OutboxSender
from bot.sending import SendingBudget
from catalog.db import create_session_factory
from catalog.models import OutboxMessage, OutboxStatus, Producer, utcnow
from catalog.outbox import AdminEvent, OutboxKind, OutboxSignal
from catalog.services import fulfilment
from catalog.services.producers import link_group
from catalog.uow import UnitOfWork
from emulators.telegram import Emulator, FloodLimits, Group

TOKEN = "4243:outbox-sender-test"
PER_MINUTE = 2  # the group's messages a minute, made small


@pytest.fixture
async def telegram() -> AsyncIterator[Emulator]:
    emulator = Emulator(flood=FloodLimits.off())
    emulator.add_bot(TOKEN)
    await emulator.start()
    yield emulator
    await emulator.stop()


def a_minute(telegram: Emulator) -> tuple[Bot, SendingBudget]:
    """A bot whose every message takes a slot of a budget of its own: a fresh minute."""
    budget = SendingBudget(SendingSettings(group_messages_per_minute=PER_MINUTE))
    session = AiohttpSession(api=TelegramAPIServer.from_base(str(telegram.base_url)))
    session.middleware(budget.middleware)
    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    return bot, budget


def listed(group: Group) -> Counter[int]:
    """How many times each order was listed in the group."""
    return Counter(
        int(number) for m in group.bot_messages for number in re.findall(r"DH(\d{5})", m.text)
    )


async def alert_statuses(uow: UnitOfWork) -> Counter[OutboxStatus]:
    async with uow.reading():
        return Counter(
            await uow.session.scalars(
                select(OutboxMessage.status).where(OutboxMessage.kind == OutboxKind.order_alert)
            )
        )


async def test_a_digest_the_groups_budget_cuts_short_goes_on_where_it_stopped(
    shop: UnitOfWork, engine: AsyncEngine, database_url: str, telegram: Emulator
) -> None:
    staff, group = telegram.person("Bé"), telegram.group("Bà Bé")
    await group.add_bot(by=staff)
    await link_group(shop, producer_code="BABE", chat_id=group.id)
    placed = await place_orders(database_url, 70_000, 45, "BABE-SA-10")
    sender = OutboxSender(
        create_session_factory(engine), build_i18n("vi"), [], OutboxSettings(), OutboxSignal(),
        SendingBudget(SendingSettings()),
    )  # fmt: skip
    rounds = 0
    while sum(listed(group).values()) < len(placed) and rounds < 5:
        rounds += 1
        bot, sender.budget = a_minute(telegram)
        try:
            await sender.deliver_due(bot)
            # The minute's budget is spent: what is left waits for a slot, and a part
            # already sent is settled (it is not sent again).
            assert (
                len(group.bot_messages) == PER_MINUTE * rounds
                or not ((await alert_statuses(shop))[OutboxStatus.pending])
            )
            assert await sender.deliver_due(bot) == 0
        finally:
            await bot.session.close()
        async with shop:  # a minute passes
            await shop.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.status == OutboxStatus.pending)
                .values(next_attempt_at=utcnow())
            )
            await shop.commit()

    assert rounds > 1  # the digest did not fit one minute
    assert listed(group) == Counter(placed)  # every order, once
    assert await alert_statuses(shop) == Counter({OutboxStatus.sent: len(placed)})


def counted(outcome: str) -> float:
    labels = {"queue": "groups", "outcome": outcome}
    return REGISTRY.get_sample_value("ocop_outbox_messages_total", labels) or 0.0


async def warnings_told(uow: UnitOfWork) -> list[tuple[str, str]]:
    """The admins' warnings queued so far: (state, error)."""
    async with uow.reading():
        payloads = await uow.session.scalars(
            select(OutboxMessage.payload).where(
                OutboxMessage.kind == OutboxKind.admin_notice, OutboxMessage.user_id.is_(None)
            )
        )
        return [(p["state"], p["error"]) for p in payloads if p["event"] == AdminEvent.warning]


async def all_due_now(uow: UnitOfWork) -> None:
    async with uow:
        await uow.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.pending)
            .values(next_attempt_at=utcnow())
        )
        await uow.commit()


@pytest.fixture
def counting() -> Iterator[None]:
    metrics.switch_on()
    yield
    metrics.switch_off()


async def test_a_group_that_may_not_post_keeps_its_alert_until_it_may_and_warns_once(
    shop: UnitOfWork,
    engine: AsyncEngine,
    database_url: str,
    telegram: Emulator,
    counting: None,
) -> None:
    staff, group = telegram.person("Bé"), telegram.group("Bà Bé")
    await group.add_bot(by=staff)
    await link_group(shop, producer_code="BABE", chat_id=group.id)
    await group.let_members_send(by=staff, allowed=False)
    [order] = await place_orders(database_url, 71_000, 1, "BABE-SA-10")
    sender = OutboxSender(
        create_session_factory(engine), build_i18n("vi"), [], OutboxSettings(), OutboxSignal(),
        SendingBudget(SendingSettings()),
    )  # fmt: skip
    bot, _budget = a_minute(telegram)
    refused = "Bad Request: not enough rights to send text messages to the chat"
    try:
        retried = counted("retried")
        for _round in range(2):
            await sender.deliver_due(bot)
            await all_due_now(shop)
        assert counted("retried") == retried + 2
        assert await alert_statuses(shop) == Counter({OutboxStatus.pending: 1})
        assert await warnings_told(shop) == [("raised", refused)]

        await group.let_members_send(by=staff, allowed=True)
        sent = counted("sent")
        await sender.deliver_due(bot)
        assert listed(group) == Counter([order])
        assert counted("sent") == sent + 1
        assert await warnings_told(shop) == [("raised", refused), ("resolved", refused)]
    finally:
        await bot.session.close()


async def test_a_group_the_bot_was_removed_from_is_unlinked_and_its_alert_waits_for_the_next(
    shop: UnitOfWork,
    engine: AsyncEngine,
    database_url: str,
    telegram: Emulator,
    counting: None,
) -> None:
    staff, group = telegram.person("Bé"), telegram.group("Bà Bé")
    await group.add_bot(by=staff)
    producer = await link_group(shop, producer_code="BABE", chat_id=group.id)
    await group.remove_bot(by=staff)
    [order] = await place_orders(database_url, 72_000, 1, "BABE-SA-10")
    sender = OutboxSender(
        create_session_factory(engine), build_i18n("vi"), [], OutboxSettings(), OutboxSignal(),
        SendingBudget(SendingSettings()),
    )  # fmt: skip
    bot, _budget = a_minute(telegram)
    try:
        postponed = counted("postponed")
        await sender.deliver_due(bot)
        assert counted("postponed") == postponed + 1
        async with shop.reading():
            assert (
                await shop.session.scalar(
                    select(Producer.group_chat_id).where(Producer.id == producer)
                )
                is None
            )
        assert await alert_statuses(shop) == Counter({OutboxStatus.pending: 1})
        kicked = "Forbidden: bot was kicked from the group chat"
        assert await warnings_told(shop) == [("raised", kicked)]

        another = telegram.group("Bà Bé 2")
        await another.add_bot(by=staff)
        code = await fulfilment.create_link_code(shop, producer_id=producer, created_by=1)
        await fulfilment.use_link_code(shop, code=code, chat_id=another.id)
        await sender.deliver_due(bot)
        assert listed(another) == Counter([order])
        assert await warnings_told(shop) == [("raised", kicked)]  # told as "linked" instead
    finally:
        await bot.session.close()
