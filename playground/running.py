"""The real bot inside the playground's process: built as ``ocop-bot run`` builds it, polling
the emulator, with the Zalo and Messenger channels, the payments (receiver and jobs) and
any background tasks beside it; stopped and started again around a reset."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.commands import register_commands
from bot.config import Config
from bot.factory import build_bot, build_dispatcher
from bot.messenger.channel import MessengerChannel
from bot.messenger.webhook import MessengerWebhook
from bot.messengers import build_messenger_channel
from bot.payments.receiver import Receiver
from bot.payments.service import PaymentsService
from bot.zalo.runner import ZaloChannel, build_zalo_channel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BotServices:
    """What a background task gets: the running bot and everything it is wired to."""

    bot: Bot
    dispatcher: Dispatcher
    session_factory: async_sessionmaker[AsyncSession]
    config: Config
    i18n: I18n


BackgroundTask = Callable[[BotServices], Coroutine[Any, Any, None]]

# In-process services that run beside polling, started after it and stopped before it (also
# around a reset). One line each, e.g. ``lambda s: run_outbox(s.bot, s.session_factory, ...)``.
BACKGROUND_TASKS: tuple[BackgroundTask, ...] = ()


class RunningBot:
    """The bot, its polling task, its Zalo and Messenger channels and the background tasks,
    while running."""

    def __init__(self, background: Sequence[BackgroundTask]) -> None:
        self.background = tuple(background)
        self._bot: Bot | None = None
        self._dispatcher: Dispatcher | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._polling: asyncio.Task[None] | None = None
        self._zalo: ZaloChannel | None = None
        self._messenger: MessengerChannel | None = None
        self._payments: PaymentsService | None = None

    @property
    def messenger_webhook(self) -> MessengerWebhook | None:
        """The Page's webhook of the running Messenger channel (the playground serves it)."""
        return self._messenger.webhook if self._messenger is not None else None

    @property
    def receiver(self) -> Receiver | None:
        """The running bot's receiver of bank notifications (the page's server mounts it)."""
        return self._payments.receiver if self._payments is not None else None

    async def start(
        self, config: Config, session_factory: async_sessionmaker[AsyncSession], i18n: I18n
    ) -> None:
        """Build the bot as ``ocop-bot run`` does and start polling, Zalo and the tasks."""
        bot = build_bot(config)
        dispatcher = build_dispatcher(config, session_factory=session_factory, i18n=i18n)
        self._bot, self._dispatcher = bot, dispatcher
        try:
            await register_commands(
                bot,
                i18n,
                admin_ids=config.telegram.admin_ids,
                session_factory=session_factory,
            )
        except (TelegramNetworkError, TelegramAPIError) as err:
            log.warning("could not register the bot's commands: %s", err)
        self._polling = asyncio.create_task(
            dispatcher.start_polling(
                bot,
                polling_timeout=config.telegram.polling_timeout,
                allowed_updates=dispatcher.resolve_used_update_types(),
                handle_signals=False,
                close_bot_session=False,
            ),
            name="playground-polling",
        )
        self._zalo = build_zalo_channel(config, session_factory, i18n, dispatcher["outbox_signal"])
        if self._zalo is not None:
            await self._zalo.start()
        self._messenger = build_messenger_channel(config, session_factory, dispatcher)
        if self._messenger is not None:
            self._messenger.own_site = False  # the playground's server takes its webhook
            await self._messenger.start()
        self._payments = PaymentsService(
            config, session_factory, dispatcher["outbox_signal"], listen=False
        )
        await self._payments.start()
        services = BotServices(bot, dispatcher, session_factory, config, i18n)
        for factory in self.background:
            self._tasks.append(asyncio.create_task(self._guard(factory(services))))

    @staticmethod
    async def _guard(work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("a playground background task failed")

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        polling, self._polling = self._polling, None
        dispatcher = self._dispatcher
        for task in tasks:
            task.cancel()
        zalo, self._zalo = self._zalo, None
        if zalo is not None:
            await zalo.stop()
        messenger, self._messenger = self._messenger, None
        if messenger is not None:
            await messenger.stop()
        payments, self._payments = self._payments, None
        if payments is not None:
            await payments.stop()
        if polling is not None and dispatcher is not None:
            # stop_polling() also ends the getUpdates task that start_polling runs inside;
            # cancelling start_polling alone would leave that one running.
            # RuntimeError: not started yet, and then cancelling is enough.
            with contextlib.suppress(RuntimeError, TimeoutError):
                await asyncio.wait_for(dispatcher.stop_polling(), timeout=5)
            polling.cancel()
            tasks.append(polling)
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        bot, self._bot, self._dispatcher = self._bot, None, None
        # close() waits 0.25 s for a TLS shutdown that loopback HTTP does not have.
        if (
            bot is not None
            and isinstance(bot.session, AiohttpSession)
            and bot.session._session is not None
        ):
            await bot.session._session.close()
