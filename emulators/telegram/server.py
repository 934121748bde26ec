"""The Bot API emulator: a Telegram Bot API server on loopback, with people and groups a
test can drive. State in ``state``, people's actions in ``actions``, the API methods by
family in ``methods``, HTTP in ``http``, inline mode in ``inline``, webhooks in ``webhook``."""

from __future__ import annotations

from typing import Self

from aiohttp import web

from emulators.telegram.actions import PeopleActions
from emulators.telegram.flood import FloodLimits
from emulators.telegram.group import Group
from emulators.telegram.http import BotApiHttp
from emulators.telegram.inline import InlineMode
from emulators.telegram.methods.updates import DEFAULT_UPDATES
from emulators.telegram.models import Chat, User
from emulators.telegram.person import Person
from emulators.telegram.webhook import WebhookDelivery


class Emulator(PeopleActions):
    """A Telegram Bot API server on loopback, with people and groups a test can drive."""

    def __init__(self, flood: FloodLimits | None = None) -> None:
        super().__init__(flood)
        self._runner: web.AppRunner | None = None
        self.base_url: str | None = None
        # Posts updates to the bot while a webhook is set (emulators.telegram.webhook).
        self.webhooks = WebhookDelivery(self, DEFAULT_UPDATES)
        # Inline mode: queries people type, answers, results sent "via @bot" (inline.py).
        self.inline = InlineMode(self)
        self.app = web.Application(client_max_size=64 * 1024 * 1024)
        BotApiHttp(self)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve the Bot API; returns the base URL (``port=0`` picks a free port)."""
        self.closing = False
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_port = self._runner.addresses[0][1]
        self.base_url = f"http://{host}:{bound_port}"
        await self.webhooks.start()
        return self.base_url

    async def stop(self) -> None:
        self.closing = True
        self.notify(everyone=True)
        await self.webhooks.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def reset(self) -> None:
        """Forget every chat, person, file and event; the registered bots stay (updates
        pending for them are dropped). Event numbers keep growing across a reset."""
        self.inline.reset()
        super().reset()

    def person(
        self,
        first_name: str = "An",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "vi",
        phone: str | None = "+84912345678",
        user_id: int | None = None,
    ) -> Person:
        """A person with a private chat with the bot (chat id == user id)."""
        user = User(
            id=user_id if user_id is not None else self.new_user_id(),
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            phone=phone,
        )
        self.users[user.id] = user
        self.chats[user.id] = Chat(
            id=user.id, type="private", user=user, bot_status="member", bot_known=True
        )
        return Person(self, user)

    def group(
        self,
        title: str = "HTX Gốm Tân Thịnh",
        chat_id: int | None = None,
        *,
        supergroup: bool = False,
    ) -> Group:
        """A group chat; the bot is not in it until a person adds it."""
        if chat_id is None:
            number = self.new_group_id()
            chat_id = -(1_000_000_000_000 + number) if supergroup else -number
        chat = Chat(id=chat_id, type="supergroup" if supergroup else "group", title=title)
        self.chats[chat_id] = chat
        return Group(self, chat)
