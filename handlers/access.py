"""Who may do what: shop admins come from the configuration, managers from the database."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message, TelegramObject, User

from bot.config import Config
from catalog.services import inventory
from catalog.services.inventory import Actor
from catalog.uow import UnitOfWork


def is_admin(config: Config, user: User | None) -> bool:
    return user is not None and user.id in config.telegram.admin_ids


async def actor_of(event: Message | CallbackQuery, uow: UnitOfWork, config: Config) -> Actor:
    """The role of whoever sent the message or pressed the button."""
    user = event.from_user
    assert user is not None
    return await inventory.actor_for(uow, user_id=user.id, is_admin=is_admin(config, user))


class AdminFilter(Filter):
    """Passes for the shop's admins only."""

    async def __call__(self, event: TelegramObject, config: Config, **data: Any) -> bool:
        return is_admin(config, data.get("event_from_user"))
