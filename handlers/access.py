"""Who may do what: shop admins come from the configuration."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import TelegramObject, User

from bot.config import Config


def is_admin(config: Config, user: User | None) -> bool:
    return user is not None and user.id in config.telegram.admin_ids


class AdminFilter(Filter):
    """Passes for the shop's admins only."""

    async def __call__(self, event: TelegramObject, config: Config, **data: Any) -> bool:
        return is_admin(config, data.get("event_from_user"))
