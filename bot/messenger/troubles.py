"""What a refusal of Graph means, said once in the log (never a traceback), and the one that
admins must hear of: Meta restricting the Page's messaging, a warning
(catalog.services.warnings: told once among every worker and restart, resolved by the first
message that gets through, which also sends the news it held back on its way).

Graph's answers come where nothing may wait on the database (a reply being drawn), so the
warning's writes are tasks of their own, run one after another in the order they were asked.
Every refusal asks (the warning's row decides whether it is news); a message that gets through
asks for the resolution only while this process knows the warning may be open: it raised or
saw it, or found it open when it started.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.messenger.graph import GraphError, GraphNetworkError, Trouble
from catalog.services import messenger, warnings
from catalog.services.warnings import Cause
from catalog.uow import UnitOfWork

log = logging.getLogger(__name__)


class Troubles:
    def __init__(self, uow: Callable[[], UnitOfWork]) -> None:
        self._uow = uow
        self._maybe_restricted = False
        self._in_turn = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()

    async def look_up(self) -> None:
        """Whether the Page was left restricted (by another worker, or before a restart)."""
        raised = await warnings.raised(self._uow(), (Cause.messenger_restricted,))
        self._maybe_restricted = self._maybe_restricted or bool(raised)

    def note(self, err: GraphError | GraphNetworkError, psid: str) -> None:
        if isinstance(err, GraphNetworkError):
            log.warning("messenger: Graph not reached for %s (%s)", psid, err)
            return
        trouble = err.trouble
        if trouble == Trouble.unavailable:
            log.info("messenger: %s is not available (blocked the Page?): %s", psid, err)
        elif trouble == Trouble.outside_window:
            log.info("messenger: %s is outside the 24-hour window", psid)
        elif trouble == Trouble.restricted:
            log.error("messenger: the Page is restricted from sending messages: %s", err)
            self._maybe_restricted = True
            self._in_the_background(lambda: messenger.page_restricted(self._uow(), err.message))
        else:
            log.warning("messenger: a message to %s was refused: %s", psid, err)

    def got_through(self) -> None:
        """A message reached a person: a restriction is over."""
        if self._maybe_restricted:
            self._maybe_restricted = False
            self._in_the_background(lambda: messenger.page_sends_again(self._uow()))

    def _in_the_background(self, write: Callable[[], Awaitable[object]]) -> None:
        task = asyncio.create_task(self._in_its_turn(write), name="messenger-warning")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _in_its_turn(self, write: Callable[[], Awaitable[object]]) -> None:
        # asyncio.Lock is fair: the writes run in the order they were asked for, so that a
        # restriction's resolution does not come before its raising.
        async with self._in_turn:
            try:
                await write()
            except Exception:
                log.exception("messenger: the admins' warning of the restriction was not kept")
                self._maybe_restricted = True  # a resolution lost is asked for again

    async def settled(self) -> None:
        """Every warning asked for so far is written."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
