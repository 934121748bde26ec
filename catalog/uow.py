"""The unit of work: one session, one transaction, and what to tell others after its commit."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractAsyncContextManager, contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Self, TypeVar

from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalog import events
from catalog.db import READ_ONLY, short_write, writer_turn

if TYPE_CHECKING:
    from catalog.outbox import OutboxSignal
    from catalog.snapshot import CatalogCache


T = TypeVar("T")


class UnitOfWork:
    """``async with uow: ...; await uow.commit()`` — leaving without commit rolls back.

    Services own the transaction; nothing else commits. One instance may be entered
    again after it has been left (a handler calling two services in turn).
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        catalog_cache: CatalogCache | None = None,
        outbox_signal: OutboxSignal | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._session: AsyncSession | None = None
        self.catalog_cache = catalog_cache
        self.outbox_signal = outbox_signal
        self._changed_products: set[int] = set()
        self._outbox_written = False
        self._catalog_changed = False
        self._happened: list[tuple[events.ShopEvent, int]] = []
        self._read_only = False
        self._holding_wakeup = False
        self._wakeup_held = False
        self._turn: AbstractAsyncContextManager[None] | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("the unit of work is not entered")
        return self._session

    def reading(self) -> Self:
        """For ``async with uow.reading():`` — a transaction that will not write."""
        self._read_only = True
        return self

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("the unit of work is already entered")
        if not self._read_only:
            self._turn = writer_turn(self._session_factory)
            await self._turn.__aenter__()
        self._session = self._session_factory()
        if self._read_only:
            await self._session.connection(execution_options=READ_ONLY)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session, self._session = self.session, None
        self._read_only = False
        self._forget_notes()
        turn, self._turn = self._turn, None
        try:
            await session.rollback()
        finally:
            await session.close()
            if turn is not None:
                await turn.__aexit__(None, None, None)

    async def commit(self) -> None:
        await self.session.commit()
        self._tell_committed()

    def _tell_committed(self) -> None:
        # Only what was committed reaches the cache; a rollback leaves it as it was.
        if self.catalog_cache is not None and self._catalog_changed:
            self.catalog_cache.invalidate()
        elif self.catalog_cache is not None and self._changed_products:
            self.catalog_cache.products_changed(self._changed_products)
        if self._outbox_written and self._holding_wakeup:
            self._wakeup_held = True
        elif self.outbox_signal is not None and self._outbox_written:
            self.outbox_signal.notify()
        for event, count in self._happened:
            events.tell(event, count)
        self._forget_notes()

    @contextmanager
    def senders_woken_after(self) -> Iterator[None]:
        """Commits inside the block wake the senders only when it is left (even by an
        exception): whoever pressed sees their own screen change before anyone else is
        told — here and, through the shared signal, on every other worker."""
        self._holding_wakeup = True
        try:
            yield
        finally:
            self._holding_wakeup = False
            held, self._wakeup_held = self._wakeup_held, False
            if held and self.outbox_signal is not None:
                self.outbox_signal.notify()

    def _forget_notes(self) -> None:
        self._changed_products = set()
        self._outbox_written = False
        self._catalog_changed = False
        self._happened = []

    def happened(self, event: events.ShopEvent, count: int = 1) -> None:
        """Note what this transaction does (orders placed, say): told once it commits."""
        self._happened.append((event, count))

    def catalog_changed(self) -> None:
        """Note that products were added or producers/categories changed: reload everything."""
        self._catalog_changed = True

    def outbox_written(self) -> None:
        """Note that this transaction queued messages: the sender is woken on commit (or,
        inside ``senders_woken_after``, when that block is left)."""
        self._outbox_written = True

    def products_changed(self, product_ids: Iterable[int]) -> None:
        """Note products whose stock, price or visibility this transaction changes."""
        self._changed_products.update(product_ids)

    async def short_write(self, work: Callable[[Connection], T]) -> T:
        """A write of a few statements, as its own transaction (see catalog.db.short_write).

        ``work`` may note what it changed (``products_changed``, ``outbox_written``) as in
        the unit of work's own transaction: the caches and senders hear of it once committed.
        """
        if self._session is not None:
            raise RuntimeError("a short write cannot run inside the unit of work's transaction")
        try:
            result = await short_write(self._session_factory, work)
        except BaseException:
            self._forget_notes()
            raise
        self._tell_committed()
        return result

    async def flush(self) -> None:
        await self.session.flush()
