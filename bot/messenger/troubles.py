"""What a refusal of Graph means, said once in the log (never a traceback), and the one that
admins must hear of: Meta restricting the Page's messaging (told once per process)."""

from __future__ import annotations

import asyncio
import logging

from bot.messenger.graph import GraphError, GraphNetworkError, Trouble
from catalog import outbox
from catalog.outbox import AdminEvent
from catalog.uow import UnitOfWork

log = logging.getLogger(__name__)


class Troubles:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._told = False
        self._tasks: set[asyncio.Task[None]] = set()

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
            self._tell_admins(err)
        else:
            log.warning("messenger: a message to %s was refused: %s", psid, err)

    def _tell_admins(self, err: GraphError) -> None:
        if self._told:
            return
        self._told = True
        task = asyncio.create_task(self._write_notice(err))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _write_notice(self, err: GraphError) -> None:
        uow = self._uow
        try:
            async with uow:
                outbox.to_admins(uow, AdminEvent.messenger_restricted, error=err.message[:200])
                await uow.commit()
        except Exception:
            log.exception("messenger: could not tell the admins of the restriction")
            self._told = False
