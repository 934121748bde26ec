"""The payments side of the running bot, started and stopped with it: the receiver on its
own port (``[payments] webhook_host:webhook_port``, once a producer has payment keys) and
the jobs beside it (reminders and expiry run whatever the providers).

Several workers on one machine all listen on the same port (SO_REUSEPORT): the kernel
spreads the notifications among them, and any of them can take any notification."""

from __future__ import annotations

import logging
import sys
from datetime import timedelta

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Config
from bot.payments.jobs import PaymentJobs
from bot.payments.receiver import Receiver
from catalog.outbox import OutboxSignal

log = logging.getLogger(__name__)


class PaymentsService:
    def __init__(
        self,
        config: Config,
        session_factory: async_sessionmaker[AsyncSession],
        signal: OutboxSignal | None = None,
        *,
        listen: bool = True,
    ) -> None:
        self.settings = config.payments
        self.receiver = Receiver(
            session_factory,
            self.settings.directory(),
            signal,
            warn_every=timedelta(seconds=config.health.repeat_seconds),
        )
        self.jobs = PaymentJobs(session_factory, self.settings, signal)
        # Without any producer's keys every notification would be refused: no port is taken.
        self.listen = listen and self.settings.webhook_port != 0 and bool(self.settings.producers)
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        if self.listen:
            self._runner = web.AppRunner(self.receiver.app(), access_log=None)
            await self._runner.setup()
            await web.TCPSite(
                self._runner,
                self.settings.webhook_host,
                self.settings.webhook_port,
                reuse_port=sys.platform != "win32",
            ).start()
            log.info(
                "payments: receiving on http://%s:%d/payments/{sepay,casso,payos}",
                self.settings.webhook_host,
                self.settings.webhook_port,
            )
        self.jobs.start()

    async def stop(self) -> None:
        await self.jobs.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self.receiver.settle()
