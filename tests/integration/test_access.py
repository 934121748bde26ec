"""Who passes the staff filter, and the actor it hands the handler."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram.types import Chat, Message, User

from catalog.demo.seed import seed_demo_catalog
from catalog.services import roles
from catalog.services.inventory import Actor
from catalog.uow import UnitOfWork
from handlers.access import Acting, Who
from handlers.settings import Settings

ADMIN, MANAGER, CUSTOMER = 9001, 9002, 9003
SETTINGS = Settings(admin_ids=frozenset({ADMIN}), media_dir=Path("media"), low_stock_threshold=5)


@pytest.fixture
async def shop(uow: UnitOfWork, media_dir: Path) -> UnitOfWork:
    await seed_demo_catalog(uow, media_dir)
    admin = Actor(user_id=ADMIN, is_admin=True)
    await roles.add_manager(uow, actor=admin, user_id=MANAGER, producer_code="BABE")
    return uow


async def check(
    acting: Acting, uow: UnitOfWork, user_id: int, chat: str = "private"
) -> bool | dict[str, Actor]:
    user = User(id=user_id, is_bot=False, first_name="An")
    message = Message(
        message_id=1,
        date=datetime.now(UTC),
        chat=Chat(id=user_id if chat == "private" else -100123, type=chat),
        from_user=user,
        text="/stock",
    )
    return await acting(message, uow=uow, settings=SETTINGS, event_from_user=user)


async def test_staff_pass_with_who_they_are_and_customers_do_not(shop: UnitOfWork) -> None:
    assert await check(Acting(), shop, ADMIN) == {
        "actor": Actor(user_id=ADMIN, is_admin=True, producer_id=None)
    }
    passed = await check(Acting(), shop, MANAGER)
    assert isinstance(passed, dict)
    assert passed["actor"].user_id == MANAGER
    assert not passed["actor"].is_admin
    assert passed["actor"].producer_id is not None
    assert await check(Acting(), shop, CUSTOMER) is False


async def test_in_a_group_only_admins_pass_where_that_is_asked(shop: UnitOfWork) -> None:
    in_groups = Acting(admins_in_groups=True)
    assert await check(in_groups, shop, MANAGER, chat="supergroup") is False
    assert await check(in_groups, shop, ADMIN, chat="supergroup") == {
        "actor": Actor(user_id=ADMIN, is_admin=True)
    }
    assert isinstance(await check(in_groups, shop, MANAGER), dict)
    assert isinstance(await check(Acting(), shop, MANAGER, chat="supergroup"), dict)


async def test_admin_only_and_anyone(shop: UnitOfWork) -> None:
    assert await check(Acting(Who.admins), shop, MANAGER) is False
    assert isinstance(await check(Acting(Who.admins), shop, ADMIN), dict)
    assert await check(Acting(Who.anyone), shop, CUSTOMER) == {
        "actor": Actor(user_id=CUSTOMER, is_admin=False, producer_id=None)
    }
