"""One sending budget for everything the bot sends: replies, alerts, notices, edits.

Telegram allows about 30 messages a second overall, about one a second to a private chat
(short bursts pass) and 20 a minute to a group. Every request the bot makes goes through
``SendingBudget.middleware``, which waits for a slot before a message goes out, so that a 429
is rare instead of routine. A slot is held until the request's response is back (see
bot/slots.py: Telegram counts arrivals, not departures). How Telegram counts, and so how this
counts:

- a new message (sendMessage, sendPhoto, …) takes a slot of its chat and of the whole bot;
- an edit takes none: the limits are on messages sent, and an edit redraws a screen in
  answer to the person's own press (a rush of taps must not queue behind a broadcast);
- answering a button press or an inline query takes none either: those have no message
  limit, and a press left unanswered for long is lost.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import Response, TelegramMethod

from bot.slots import LeakyBucket, SlidingWindow

if TYPE_CHECKING:
    from aiogram import Bot

    from bot.config import SendingSettings


def _is_message(method: TelegramMethod[Any]) -> bool:
    """True for a call that adds a message to a chat: what Telegram's flood control counts."""
    name = method.__api_method__
    if name.startswith("send"):
        return name != "sendChatAction"
    return name in ("copyMessage", "copyMessages", "forwardMessage", "forwardMessages")


class SendingBudget:
    """The bot's slots: overall, per private chat (leaky bucket), per group (sliding window)."""

    # Private chats remembered at once; an idle chat's bucket is empty, so forgetting the
    # least recently used one loses nothing.
    MAX_CHATS = 20_000

    def __init__(self, settings: SendingSettings) -> None:
        self.settings = settings
        self._overall = SlidingWindow(settings.messages_per_second, 1.0)
        self._chats: OrderedDict[int, LeakyBucket] = OrderedDict()
        self._groups: OrderedDict[int, SlidingWindow] = OrderedDict()

    def group_window(self, chat_id: int) -> SlidingWindow:
        window = self._groups.get(chat_id)
        if window is None:
            window = self._groups[chat_id] = SlidingWindow(
                self.settings.group_messages_per_minute, 60.0
            )
            while len(self._groups) > self.MAX_CHATS:
                self._groups.popitem(last=False)
        self._groups.move_to_end(chat_id)
        return window

    def _chat_bucket(self, chat_id: int) -> LeakyBucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            bucket = self._chats[chat_id] = LeakyBucket(
                self.settings.chat_burst, self.settings.chat_messages_per_second
            )
            while len(self._chats) > self.MAX_CHATS:
                self._chats.popitem(last=False)
        self._chats.move_to_end(chat_id)
        return bucket

    def _slots(self, method: TelegramMethod[Any]) -> tuple[SlidingWindow | LeakyBucket, ...]:
        """The slots a request takes: none unless it adds a message to a chat."""
        if not _is_message(method):
            return ()
        chat_id = getattr(method, "chat_id", None)
        if not isinstance(chat_id, int):
            return (self._overall,)
        chat = self._chat_bucket(chat_id) if chat_id > 0 else self.group_window(chat_id)
        return (chat, self._overall)

    async def acquire(self, method: TelegramMethod[Any]) -> None:
        """Waits for the request's slots and holds them; ``release`` gives them back."""
        taken: list[SlidingWindow | LeakyBucket] = []
        try:
            for slots in self._slots(method):
                await slots.take()
                taken.append(slots)
        except BaseException:
            for slots in taken:  # cancelled while waiting: nothing left, nothing held
                slots.give_back()
            raise

    def release(self, method: TelegramMethod[Any]) -> None:
        """The request's response is back (or it failed): its slots start their period."""
        for slots in self._slots(method):
            slots.give_back()

    async def middleware(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Response[Any]:
        """A request middleware of the bot's session: holds a slot for each request that
        sends a message, from before it leaves until its response is back."""
        await self.acquire(method)
        try:
            return await make_request(bot, method)
        finally:
            self.release(method)


class KeepResponseTypes(BaseRequestMiddleware):
    """Keeps each ``Response[T]`` class aiogram validates replies with alive.

    aiogram builds ``Response[method.__returning__]`` for every reply; pydantic caches
    parametrised models only weakly, so without a reference each call built the class anew
    (measured: an eighth of the bot's CPU in a rush). One class per method type is kept.
    """

    def __init__(self) -> None:
        self._types: dict[type[TelegramMethod[Any]], type[Response[Any]]] = {}

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Response[Any]:
        kind = type(method)
        if kind not in self._types:
            self._types[kind] = Response[method.__returning__]  # type: ignore[name-defined]
        return await make_request(bot, method)
