"""Running the bot: long polling against the configured Bot API server, with the other
channels (Zalo for producers' staff, Messenger for customers) beside it when configured."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Iterator

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from sqlalchemy.engine import make_url

from bot import metrics
from bot.backup import ShopLock, sqlite_file
from bot.commands import register_commands
from bot.config import Config
from bot.factory import build_bot, build_dispatcher
from bot.i18n import build_i18n
from bot.messengers import build_messenger_channel
from bot.opsweb import OpsListener
from bot.payments.service import PaymentsService
from bot.presses import ShopDispatcher
from bot.zalo.runner import build_zalo_channel
from catalog import migrate
from catalog.db import create_engine, create_session_factory, dispose, is_sqlite

log = logging.getLogger(__name__)


class SchemaOutdated(Exception):
    """The database is not at the newest migration: ``ocop-bot db upgrade`` brings it there."""


@contextlib.asynccontextmanager
async def serving(config: Config, worker: str = "") -> AsyncIterator[tuple[Bot, ShopDispatcher]]:
    """The database checked and (SQLite) locked as in use, the bot and dispatcher built, the
    commands registered, the metrics counting. ``worker``: this process's name."""
    config.require_token()
    with holding_the_database(config.database.url):
        async with _serving(config, worker) as served:
            yield served


@contextlib.contextmanager
def holding_the_database(database_url: str) -> Iterator[None]:
    """A running shop holds its SQLite database's lock, which a restore respects."""
    if not is_sqlite(database_url):
        yield
        return
    lock = ShopLock(sqlite_file(database_url))
    lock.hold_shared()
    try:
        yield
    finally:
        lock.release()


@contextlib.asynccontextmanager
async def _serving(config: Config, worker: str) -> AsyncIterator[tuple[Bot, ShopDispatcher]]:
    if config.metrics.enabled:
        metrics.switch_on()
    i18n = build_i18n(config.shop.default_language)
    engine = create_engine(
        config.database.url,
        busy_timeout_ms=config.database.sqlite_busy_timeout_ms,
        echo=config.database.echo,
        pool_size=config.database.pool_size,
    )
    try:
        current, head = await migrate.current_revision(engine), migrate.head_revision()
        if current != head:
            where = make_url(config.database.url).render_as_string(hide_password=True)
            raise SchemaOutdated(f"database {where} is at {current}, not {head}")
        bot = build_bot(config)
        session_factory = create_session_factory(engine)
        dispatcher = build_dispatcher(
            config, session_factory=session_factory, i18n=i18n, worker=worker
        )
        try:
            await register_commands(
                bot, i18n, admin_ids=config.telegram.admin_ids, session_factory=session_factory
            )
        except (TelegramNetworkError, TelegramAPIError) as err:
            # Not fatal: polling retries the connection, and the commands are cosmetic.
            log.warning("could not register the bot's commands: %s", err)
        # Producers' staff on Zalo, beside Telegram, when a Zalo token is configured.
        zalo = build_zalo_channel(
            config, session_factory, i18n, telegram_signal=dispatcher["outbox_signal"]
        )
        if zalo is not None:
            dispatcher.startup.register(zalo.start)
            dispatcher.shutdown.register(zalo.stop)
        # The providers' notifications, in polling and webhook mode alike.
        payments = PaymentsService(config, session_factory, dispatcher["outbox_signal"])
        dispatcher.startup.register(payments.start)
        dispatcher.shutdown.register(payments.stop)
        # Customers on the Page's Messenger inbox, when the Page is configured.
        messenger = build_messenger_channel(config, session_factory, dispatcher)
        if messenger is not None:
            dispatcher["messenger"] = messenger
            dispatcher.startup.register(messenger.start)
            dispatcher.shutdown.register(messenger.stop)
        yield bot, dispatcher
    finally:
        await dispose(engine)


async def run_polling(config: Config) -> None:
    async with serving(config) as (bot, dispatcher):
        settings = config.metrics
        if settings.port:
            assert dispatcher.readiness is not None
            listener = OpsListener(dispatcher.readiness, settings.host, settings.port)
            dispatcher.startup.register(listener.start)
            dispatcher.shutdown.register(listener.stop)
        log.info("polling %s", config.telegram.api_base)
        await dispatcher.start_polling(
            bot,
            polling_timeout=config.telegram.polling_timeout,
            allowed_updates=dispatcher.resolve_used_update_types(),
            handle_signals=True,
            close_bot_session=True,
        )
