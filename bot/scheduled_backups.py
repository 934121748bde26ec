"""Backups taken by the running bot every ``[backup] every_hours``, the newest ``keep`` kept.

One process of the shop does it (the one elected to send the outbox, bot.election), so
workers do not take the same backup side by side. The schedule follows the newest backup in
the directory, so a restart neither takes one at once nor skips one. A backup that fails
warns the admins (once, until one succeeds).
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics
from bot.backup import BackupError, newest, prune, take_backup
from bot.config import Config
from bot.tasks import cancel_and_wait
from catalog.outbox import OutboxSignal
from catalog.services import warnings
from catalog.services.warnings import Cause
from catalog.uow import UnitOfWork

log = logging.getLogger(__name__)


class ScheduledBackups:
    def __init__(
        self,
        config: Config,
        session_factory: async_sessionmaker[AsyncSession],
        signal: OutboxSignal,
    ) -> None:
        self.database_url = config.database.url
        self.media_dir = config.shop.media_dir
        self.settings = config.backup
        self.every = timedelta(hours=config.backup.every_hours)
        self.session_factory = session_factory
        self.signal = signal
        self._task: asyncio.Task[None] | None = None

    def _uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory, outbox_signal=self.signal)

    async def start(self, _bot: Bot) -> None:
        self._task = asyncio.create_task(self._run(), name="scheduled-backups")

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_and_wait(self._task)
            self._task = None

    def due_in(self) -> float:
        """Seconds until the next backup is due (0: now)."""
        last = newest(self.settings.directory)
        if last is None:
            return 0.0
        age = time.time() - last.stat().st_mtime
        return max(self.every.total_seconds() - age, 0.0)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.due_in())
            if not await self.take():
                # Not again at once: at the schedule's pace (the newest backup is older now).
                await asyncio.sleep(min(self.every.total_seconds(), 3600))

    async def take(self) -> bool:
        """One backup now, and the old ones pruned; a failure is told to the admins."""
        directory = self.settings.directory
        try:
            backup = await asyncio.to_thread(
                take_backup, self.database_url, self.media_dir, directory
            )
            await asyncio.to_thread(prune, directory, self.settings.keep)
        except (BackupError, OSError) as err:
            log.error("scheduled backup failed: %s", err)
            metrics.backup_taken(ok=False)
            await warnings.warn(self._uow(), Cause.backup_failed, error=str(err)[:200])
            return False
        log.info("backup taken: %s (%d orders)", backup.path, backup.orders)
        metrics.backup_taken(ok=True)
        await warnings.clear(self._uow(), Cause.backup_failed)
        return True
