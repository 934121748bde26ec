"""One transaction for what arrived meanwhile: under load, the notifications that came while
a write was under way are stored (or applied) together in the next one; alone, one goes at
once. Each caller still gets its own result (or the batch's error)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Batcher(Generic[T, R]):
    """``linger``: seconds a first item waits for others before its batch starts (what is not
    urgent gathers into fewer, larger transactions)."""

    def __init__(
        self,
        work: Callable[[list[T]], Awaitable[list[R]]],
        most: int = 200,
        linger: float = 0.0,
    ) -> None:
        self.work = work
        self.most = most
        self.linger = linger
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._draining: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._draining is None:
            self._draining = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            if self.linger:
                await asyncio.sleep(self.linger)
            while self._waiting:
                batch, self._waiting = self._waiting[: self.most], self._waiting[self.most :]
                try:
                    results = await self.work([item for item, _future in batch])
                except Exception as err:
                    for _item, future in batch:
                        if not future.done():
                            future.set_exception(err)
                    continue
                for (_item, future), result in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(result)
        finally:
            self._draining = None
