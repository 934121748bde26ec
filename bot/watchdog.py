"""The watch on the shop, in every worker: every ``[health] check_seconds`` the outbox is
measured (for the metrics), and a queue stuck longer than ``outbox_stuck_seconds`` or a lost
Redis is a warning to the admins (catalog.services.warnings: once among all workers, again
at most every ``repeat_seconds``, and "resolved" once).

These warnings are sent straight to the admins, not through the outbox: what is stuck may be
the outbox itself, and without Redis no worker is elected to send it.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.utils.i18n import I18n
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics
from bot.config import HealthSettings
from bot.health import ping
from bot.outbox.render import locale
from bot.outbox.warnings import warning_text
from bot.tasks import cancel_and_wait
from catalog.models import utcnow
from catalog.services import warnings
from catalog.services.backlog import outbox_backlog
from catalog.services.recipients import languages_of
from catalog.services.warnings import Cause, Telling
from catalog.uow import UnitOfWork

if TYPE_CHECKING:
    # Imported where Redis is used: a single worker has none (see bot.health).
    from redis.asyncio import Redis

log = logging.getLogger(__name__)

REDIS_TIMEOUT = 5.0


class Watchdog:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        i18n: I18n,
        admin_ids: Sequence[int],
        settings: HealthSettings,
        *,
        worker: str,
        redis: Redis | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.i18n = i18n
        self.admin_ids = tuple(admin_ids)
        self.settings = settings
        self.worker = worker
        self.redis = redis
        self.repeat = timedelta(seconds=settings.repeat_seconds)
        self._task: asyncio.Task[None] | None = None

    def _uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    async def start(self, bot: Bot) -> None:
        self._task = asyncio.create_task(self._run(bot), name="watchdog")

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_and_wait(self._task)
            self._task = None

    async def _run(self, bot: Bot) -> None:
        while True:
            try:
                for telling in await self.check():
                    await self.tell(bot, telling)
            except (SQLAlchemyError, OSError) as err:
                # The database is what readiness reports; the next round tries again.
                log.warning("watchdog: %s", err)
            except Exception:
                log.exception("watchdog: round failed")
            await asyncio.sleep(self.settings.check_seconds)

    async def check(self) -> list[Telling]:
        """One round: the measures taken, the warnings raised or resolved now."""
        backlog = await outbox_backlog(self._uow(), utcnow())
        metrics.outbox_backlog({q: (b.waiting, b.oldest_seconds) for q, b in backlog.items()})
        raised = {(w.cause, w.subject) for w in await warnings.raised(self._uow())}
        seen: list[tuple[Cause, str, dict[str, object]]] = []
        over: list[tuple[Cause, str]] = []
        for queue in metrics.OUTBOX_QUEUES:
            waiting = backlog.get(queue)
            if (
                waiting is not None
                and waiting.oldest_seconds >= self.settings.outbox_stuck_seconds
            ):
                minutes = math.ceil(waiting.oldest_seconds / 60)
                seen.append(
                    (Cause.outbox_stuck, queue, {"count": waiting.waiting, "minutes": minutes})
                )
            else:
                over.append((Cause.outbox_stuck, queue))
        if self.redis is not None:
            problem = await self._redis_problem(self.redis)
            if problem:
                seen.append((Cause.redis_lost, self.worker, {"error": problem}))
            else:
                over.append((Cause.redis_lost, self.worker))
        tellings = []
        for cause, subject, detail in seen:
            telling = await warnings.warn(
                self._uow(), cause, subject, repeat=self.repeat, by_outbox=False, **detail
            )
            tellings.append(telling)
            raised.add((cause, subject))
        for cause, subject in over:
            if (cause, subject) in raised:
                tellings.append(await warnings.clear(self._uow(), cause, subject, by_outbox=False))
                raised.discard((cause, subject))
        counts = Counter(cause for cause, _subject in raised)
        metrics.admin_warnings({cause: counts.get(cause, 0) for cause in Cause})
        return [telling for telling in tellings if telling is not None]

    async def _redis_problem(self, redis: Redis) -> str:
        from redis.exceptions import RedisError  # noqa: PLC0415 - see TYPE_CHECKING above

        try:
            await asyncio.wait_for(ping(redis), REDIS_TIMEOUT)
        except (RedisError, OSError, TimeoutError) as err:
            return str(err) or type(err).__name__
        return ""

    async def tell(self, bot: Bot, telling: Telling) -> None:
        """Each admin, in their language, straight through Telegram."""
        log.warning("admins told: %s %s %s", telling.cause, telling.subject, telling.state)
        default = self.i18n.default_locale
        languages = await languages_of(self._uow(), self.admin_ids, default)
        for admin_id in self.admin_ids:
            with locale(self.i18n, languages.get(admin_id, default)):
                text = warning_text(telling.payload(), "?")
            try:
                await bot.send_message(admin_id, text)
            except TelegramAPIError as err:
                log.warning("could not warn admin %s: %s", admin_id, err)
