"""Conversation state (aiogram FSM) kept in the shop's database, so it survives a restart."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from copy import deepcopy
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StorageKey
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalog.db import READ_ONLY
from catalog.models import ConversationState

StateType = str | State | None


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
        self._cache: OrderedDict[str, tuple[str | None, dict[str, Any]]] = OrderedDict()
        self._cache_size = cache_size

    async def _load(self, key: str) -> tuple[str | None, dict[str, Any]]:
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

    def _remember(self, key: str, value: tuple[str | None, dict[str, Any]]) -> None:
        self._cache[key] = value
        self._cache.move_to_end(key)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    async def _store(self, key: str, state: str | None, data: dict[str, Any]) -> None:
        if self._cache.get(key) == (state, data):
            return  # unchanged (a menu button pressed with no conversation going on)
        async with self.session_factory() as session:
            row = await session.get(ConversationState, key)
            if state is None and not data:
                if row is not None:
                    await session.delete(row)
            elif row is None:
                session.add(ConversationState(key=key, state=state, data=data))
            else:
                row.state = state
                row.data = data
            await session.commit()
        self._remember(key, (state, data))

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
