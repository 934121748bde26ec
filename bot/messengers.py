"""Wiring the Messenger channel into the running program: the conversation state and the
per-person locks it shares with the Telegram dispatcher (in the database or Redis, aiogram's
storage and event isolation), the caches and the outbox signal. Nothing Messenger starts,
nor is imported, unless the Page is configured."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, StorageKey
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Config
from bot.presses import ShopDispatcher
from bot.storage import DatabaseStorage
from storefront.visit import ConversationState

if TYPE_CHECKING:
    from bot.messenger.channel import MessengerChannel

# Messenger people's state is keyed as a "bot" of its own: their ids (negative) never meet
# Telegram's anyway.
MESSENGER_BOT_ID = 0


class StoredConversations:
    """A person's conversation state, held under their lock for one event."""

    def __init__(self, storage: BaseStorage, isolation: BaseEventIsolation) -> None:
        self.storage = storage
        self.isolation = isolation

    @contextlib.asynccontextmanager
    async def session(self, user_id: int) -> AsyncIterator[ConversationState]:
        key = StorageKey(bot_id=MESSENGER_BOT_ID, chat_id=user_id, user_id=user_id)
        async with self.isolation.lock(key):
            state = FSMContext(self.storage, key)
            if isinstance(self.storage, DatabaseStorage):
                # The event's changes of state, written once when it is done.
                async with self.storage.batched():
                    yield state
            else:
                yield state


def build_messenger_channel(
    config: Config,
    session_factory: async_sessionmaker[AsyncSession],
    dispatcher: ShopDispatcher,
) -> MessengerChannel | None:
    """The Messenger channel when the Page is configured; None otherwise."""
    if not config.messenger.enabled:
        return None
    # Not with this module: a shop without a Page would carry the channel in every worker.
    from bot.messenger.channel import MessengerChannel  # noqa: PLC0415

    return MessengerChannel(
        config.messenger,
        session_factory=session_factory,
        catalog_cache=dispatcher["catalog_cache"],
        language_cache=dispatcher["language_cache"],
        conversations=StoredConversations(dispatcher.storage, dispatcher.fsm.events_isolation),
        outbox_signal=dispatcher["outbox_signal"],
        outbox_settings=config.outbox,
        media_dir=config.shop.media_dir,
        default_language=config.shop.default_language,
        payments=dispatcher["payments"],
    )
