"""What runs beside the receiver, every ``[payments] check_seconds``: notifications a
stopped worker stored but never applied are applied, unpaid orders are reminded and
expired; every ``reconcile_minutes``, the providers' lists are read back.

Every worker may run them: each step is a conditional statement (a notification is
claimed, an order cancelled only while unpaid), so two workers never do one thing twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import PaymentsSettings
from bot.payments import seams
from bot.tasks import cancel_and_wait
from catalog.models import utcnow
from catalog.outbox import OutboxSignal
from catalog.services.payments import applying, expiry, notifications
from catalog.services.payments.reconcile import Reconciled, reconcile
from catalog.uow import UnitOfWork

log = logging.getLogger(__name__)

# A notification still unapplied after this long was left by a worker that stopped.
LEFT_AFTER = timedelta(seconds=10)


class PaymentJobs:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        settings: PaymentsSettings,
        signal: OutboxSignal | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.directory = settings.directory()
        self.signal = signal
        self._task: asyncio.Task[None] | None = None
        self._reconciled_at = time.monotonic()

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory, outbox_signal=self.signal)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="payment-jobs")

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_and_wait(self._task)
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self.round()
                if self._reconcile_due():
                    await self.reconcile()
            except Exception:
                # One failing round (the database away a moment) must not end the jobs.
                log.exception("payment jobs: round failed")
            await asyncio.sleep(self.settings.check_seconds)

    def _reconcile_due(self) -> bool:
        every = self.settings.reconcile_minutes * 60
        if not every or time.monotonic() - self._reconciled_at < every:
            return False
        self._reconciled_at = time.monotonic()
        return True

    async def round(self) -> None:
        """Apply what was left, remind, expire."""
        for notification_id, provider in await notifications.waiting(self.uow(), LEFT_AFTER):
            outcome = await applying.apply(self.uow(), notification_id)
            if outcome.result != "done":
                seams.notification_settled(provider, outcome, via="sweeper")
        now = utcnow()
        await expiry.remind_unpaid(self.uow(), window=self.directory.window, now=now)
        expired = await expiry.expire_unpaid(self.uow(), now=now)
        if expired:
            log.info("payments: %d unpaid orders expired", len(expired))

    async def reconcile(self, since: timedelta | None = None) -> Reconciled:
        start = utcnow() - (since or timedelta(hours=self.settings.reconcile_hours))
        report = await reconcile(self.uow(), self.directory, start)
        for provider, outcome in report.outcomes:
            seams.notification_settled(provider, outcome, via="reconcile")
        if report.missed or report.failures:
            log.info(
                "payments reconciled: %d listed, %d missed, failures: %s",
                report.listed, report.missed, "; ".join(report.failures) or "none",
            )  # fmt: skip
        return report
