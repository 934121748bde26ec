"""An update's handler finishes its own reply before the senders hear of what it queued:
the wake-up is held while the handler runs, and given when it returns or raises."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncEngine
from support.signals import woken

from bot.middlewares.database import UnitOfWorkMiddleware
from catalog import outbox
from catalog.db import create_session_factory
from catalog.outbox import AdminEvent, OutboxSignal
from catalog.uow import UnitOfWork


class Broken(Exception):
    pass


@pytest.fixture
def signal() -> OutboxSignal:
    return OutboxSignal()


@pytest.fixture
def middleware(engine: AsyncEngine, signal: OutboxSignal) -> UnitOfWorkMiddleware:
    factory = create_session_factory(engine)
    return UnitOfWorkMiddleware(lambda: UnitOfWork(factory, outbox_signal=signal))


async def queue_and_commit(uow: UnitOfWork) -> None:
    async with uow:
        outbox.to_admins(uow, AdminEvent.group_linked, producer_id=1)
        await uow.commit()


async def test_the_senders_are_woken_once_the_handler_has_returned(
    middleware: UnitOfWorkMiddleware, signal: OutboxSignal
) -> None:
    seen_while_handling: list[bool] = []

    async def handler(event: TelegramObject, data: dict[str, Any]) -> str:
        await queue_and_commit(data["uow"])
        # The handler's own reply (editing the card) happens here, before anyone is told.
        seen_while_handling.append(await woken(signal))
        return "handled"

    assert await middleware(handler, TelegramObject(), {}) == "handled"
    assert seen_while_handling == [False]
    assert await woken(signal)


async def test_a_handler_that_fails_after_its_commit_still_wakes_the_senders(
    middleware: UnitOfWorkMiddleware, signal: OutboxSignal
) -> None:
    async def handler(event: TelegramObject, data: dict[str, Any]) -> None:
        await queue_and_commit(data["uow"])
        assert not await woken(signal)
        raise Broken

    with pytest.raises(Broken):
        await middleware(handler, TelegramObject(), {})
    assert await woken(signal)


async def test_an_update_that_queues_nothing_wakes_nobody(
    middleware: UnitOfWorkMiddleware, signal: OutboxSignal
) -> None:
    async def handler(event: TelegramObject, data: dict[str, Any]) -> None:
        async with data["uow"]:
            outbox.to_admins(data["uow"], AdminEvent.group_linked, producer_id=1)
            # left without commit: rolled back

    await middleware(handler, TelegramObject(), {})
    assert not await woken(signal)


async def test_a_write_outside_an_update_wakes_the_senders_at_once(
    engine: AsyncEngine, signal: OutboxSignal
) -> None:
    uow = UnitOfWork(create_session_factory(engine), outbox_signal=signal)
    await queue_and_commit(uow)
    assert await woken(signal)
