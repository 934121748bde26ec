"""Conversation state (aiogram FSM) kept in the shop's database, so it survives a restart."""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable, Mapping
from contextvars import ContextVar
from copy import deepcopy
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StorageKey
from aiogram.types import TelegramObject
from sqlalchemy import Connection, delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.middlewares import Handler
from catalog.db import READ_ONLY, short_write, upsert
from catalog.models import ConversationState, utcnow

StateType = str | State | None
Entry = tuple[str | None, dict[str, Any]]

# The states an update changed, written once when it is done (see WriteStatesAfterUpdate).
_UNWRITTEN: ContextVar[dict[str, Entry] | None] = ContextVar("unwritten_states", default=None)


class DatabaseStorage(BaseStorage):
    """FSM storage in the ``conversation_states`` table, with a write-through cache.

    The cache makes a tap cost no query; it is only correct while a single process
    writes the states, so deployments with several workers use Redis storage instead.
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        key_builder: KeyBuilder | None = None,
        cache_size: int = 50_000,
    ) -> None:
        self.session_factory = session_factory
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)
        self._cache: OrderedDict[str, Entry] = OrderedDict()
        self._cache_size = cache_size

    async def _load(self, key: str) -> Entry:
        cached = self._cache.get(key)
        if cached is None:
            async with self.session_factory() as session:
                await session.connection(execution_options=READ_ONLY)
                row = await session.get(ConversationState, key)
                cached = (row.state, dict(row.data)) if row else (None, {})
            self._remember(key, cached)
        else:
            self._cache.move_to_end(key)
        return cached

    def _remember(self, key: str, value: Entry) -> None:
        self._cache[key] = value
        self._cache.move_to_end(key)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    async def _store(self, key: str, state: str | None, data: dict[str, Any]) -> None:
        if self._cache.get(key) == (state, data):
            return  # unchanged (a menu button pressed with no conversation going on)
        self._remember(key, (state, data))
        unwritten = _UNWRITTEN.get()
        if unwritten is not None:
            # Inside an update: set_state and update_data in one handler make one write.
            unwritten[key] = (state, data)
        else:
            await self.write({key: (state, data)})

    @contextlib.asynccontextmanager
    async def batched(self) -> AsyncIterator[None]:
        """The states changed inside are written once, on the way out (as after an update)."""
        unwritten: dict[str, Entry] = {}
        token = _UNWRITTEN.set(unwritten)
        try:
            yield
        finally:
            _UNWRITTEN.reset(token)
            if unwritten:
                try:
                    await self.write(unwritten)
                except Exception:
                    # Not written: the next read goes to the database, which has the truth.
                    self.forget(unwritten)
                    raise

    def forget(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._cache.pop(key, None)

    async def write(self, entries: Mapping[str, Entry]) -> None:
        """Each state as one statement: an upsert, or a delete when nothing is left."""
        rows = dict(entries)

        def write(connection: Connection) -> None:
            for key, (state, data) in rows.items():
                if state is None and not data:
                    connection.execute(
                        delete(ConversationState).where(ConversationState.key == key)
                    )
                    continue
                values = {"state": state, "data": data, "updated_at": utcnow()}
                connection.execute(
                    upsert(connection, ConversationState)
                    .values(key=key, **values)
                    .on_conflict_do_update(index_elements=["key"], set_=values)
                )

        await short_write(self.session_factory, write)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        raw = self.key_builder.build(key)
        _, data = await self._load(raw)
        value = state.state if isinstance(state, State) else state
        await self._store(raw, value, data)

    async def get_state(self, key: StorageKey) -> str | None:
        state, _ = await self._load(self.key_builder.build(key))
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        raw = self.key_builder.build(key)
        state, _ = await self._load(raw)
        await self._store(raw, state, deepcopy(dict(data)))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        _, data = await self._load(self.key_builder.build(key))
        return deepcopy(data)

    async def close(self) -> None:
        self._cache.clear()


class WriteStatesAfterUpdate(BaseMiddleware):
    """Outer update middleware: the states a handler changed are written when it is done.

    The write happens before the person's next update is taken (event isolation holds it),
    and the cache already has the new state, so nothing reads the old one meanwhile.
    """

    def __init__(self, storage: DatabaseStorage) -> None:
        self.storage = storage

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self.storage.batched():
            return await handler(event, data)
