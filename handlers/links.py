"""Links into the shop on Telegram: ``https://t.me/<bot>?start=<payload>``."""

from __future__ import annotations

from aiogram import Bot

from catalog.links import DeepLink


async def bot_username(bot: Bot) -> str:
    """The bot's @username, from getMe (asked once per process)."""
    me = await bot.me()
    if not me.username:
        raise RuntimeError("the bot has no username")
    return me.username


class TelegramLinks:
    """The storefront's links on Telegram, where a product can also be sent into any chat
    through inline mode."""

    shares_into_chats = True

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def url(self, link: DeepLink) -> str | None:
        return link.url(await bot_username(self.bot))
