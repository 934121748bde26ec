"""Building the bot and the dispatcher: the one place where everything is wired together."""

from __future__ import annotations

import asyncio
import socket

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Config
from bot.health import Readiness
from bot.heap import give_back_after_catalog_loads, give_back_freed_memory
from bot.i18n import LanguageCache, UserLanguageMiddleware
from bot.middlewares.database import UnitOfWorkMiddleware
from bot.outbox import OutboxSender
from bot.presses import PressKeeper, ShopDispatcher
from bot.retry import RetryAfterMiddleware
from bot.scheduled_backups import ScheduledBackups
from bot.sending import SendingBudget
from bot.storage import DatabaseStorage, WriteStatesAfterUpdate
from bot.tasks import Duties, Duty
from bot.watchdog import Watchdog
from catalog.addresses import PROVINCES
from catalog.outbox import OutboxSignal
from catalog.services.payments.links import CheckoutPayments
from catalog.snapshot import CatalogCache
from catalog.units import units
from catalog.uow import UnitOfWork
from handlers import create_routers
from handlers.screens import PhotoCache
from handlers.settings import Settings
from storefront.actions import is_navigation


async def load_wards() -> None:
    """The ward data and Hà Nội's index, before the first update rather than in a rush."""
    await asyncio.to_thread(lambda: units().prepare(PROVINCES[0]))
    give_back_freed_memory()  # what reading the data file left behind


def handler_settings(config: Config) -> Settings:
    """What the handlers read of the configuration."""
    return Settings(
        admin_ids=frozenset(config.telegram.admin_ids),
        media_dir=config.shop.media_dir,
        low_stock_threshold=config.shop.low_stock_threshold,
        messenger_page=config.messenger.page_username,
        messenger_page_id=config.messenger.page_id,
    )


def build_bot(config: Config) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(config.telegram.api_base))
    session.middleware(RetryAfterMiddleware())
    return Bot(
        token=config.require_token(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


def build_dispatcher(
    config: Config,
    *,
    session_factory: async_sessionmaker[AsyncSession],
    i18n: I18n,
    storage: BaseStorage | None = None,
    catalog_cache: CatalogCache | None = None,
    worker: str = "",
) -> ShopDispatcher:
    """The production dispatcher; tests build theirs the same way.

    With a Redis URL configured, state, locks, caches' news and the sending budget are
    shared with the other workers (bot.shared). ``worker``: how this process is named in
    the admins' warnings (the host's name by default)."""
    shared = None
    if config.redis.url:
        # Only with several workers: one process keeps no Redis client (nor redis-py).
        from bot.shared import SharedServices  # noqa: PLC0415

        shared = SharedServices.from_url(config.redis.url)
    if shared is None:
        language_cache = LanguageCache()
        storage = storage or DatabaseStorage(session_factory)
        catalog_cache = catalog_cache or CatalogCache(session_factory)
        outbox_signal = OutboxSignal()
        budget = SendingBudget(config.sending)
    else:
        language_cache = shared.language_cache()
        storage = storage or shared.storage
        catalog_cache = catalog_cache or shared.catalog_cache(session_factory)
        outbox_signal = shared.outbox_signal()
        budget = shared.budget(config.sending)
    sender = OutboxSender(
        session_factory, i18n, config.telegram.admin_ids, config.outbox, outbox_signal, budget
    )
    dispatcher = ShopDispatcher(
        presses=PressKeeper(
            answer_within=config.sending.answer_presses_within,
            is_navigation=is_navigation,
            # Another worker may have drawn something else on the message since.
            remember_screens=shared is None,
        ),
        budget=budget,
        storage=storage,
        # One update at a time per user and chat: two quick taps must not interleave.
        events_isolation=shared.isolation if shared else SimpleEventIsolation(),
        config=config,
        settings=handler_settings(config),
        language_cache=language_cache,
        catalog_cache=catalog_cache,
        photos=PhotoCache(),
        outbox_signal=outbox_signal,
        payments=CheckoutPayments(config.payments.directory()),
    )
    if isinstance(storage, DatabaseStorage):
        dispatcher.update.outer_middleware(WriteStatesAfterUpdate(storage))
    dispatcher.update.outer_middleware(
        UnitOfWorkMiddleware(lambda: UnitOfWork(session_factory, catalog_cache, outbox_signal))
    )

    redis = shared.redis if shared is not None else None
    dispatcher.readiness = Readiness(config.database.url, session_factory, config.health, redis)
    watchdog = Watchdog(
        session_factory,
        i18n,
        config.telegram.admin_ids,
        config.health,
        worker=worker or socket.gethostname(),
        redis=redis,
    )
    # Stopped before Redis is closed.
    dispatcher.startup.register(watchdog.start)
    dispatcher.shutdown.register(watchdog.stop)

    # The sender (and the scheduled backups) live as long as polling (or the webhook
    # server) does; with several workers, in the one elected to send.
    duties: list[Duty] = [sender]
    if config.backup.every_hours:
        duties.append(ScheduledBackups(config, session_factory, outbox_signal))
    duty = Duties(duties)
    if shared is not None:
        shared.elect(duty)
        dispatcher.startup.register(shared.start)
        dispatcher.shutdown.register(shared.stop)
    else:

        async def start_duties(bot: Bot) -> None:
            await duty.start(bot)

        dispatcher.startup.register(start_duties)
        dispatcher.shutdown.register(duty.stop)
    dispatcher.startup.register(load_wards)
    give_back_after_catalog_loads()
    UserLanguageMiddleware(i18n, language_cache).setup(dispatcher)
    dispatcher.include_routers(*create_routers())
    return dispatcher
