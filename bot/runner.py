"""Running the bot: long polling against the configured Bot API server."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from sqlalchemy.engine import make_url

from bot.commands import register_commands
from bot.config import Config
from bot.factory import build_bot, build_dispatcher
from bot.i18n import build_i18n
from bot.payments.service import PaymentsService
from bot.presses import ShopDispatcher
from bot.zalo.runner import build_zalo_channel
from catalog import migrate
from catalog.db import create_engine, create_session_factory, dispose

log = logging.getLogger(__name__)


class SchemaOutdated(Exception):
    """The database is not at the newest migration: ``ocop-bot db upgrade`` brings it there."""


@contextlib.asynccontextmanager
async def serving(config: Config) -> AsyncIterator[tuple[Bot, ShopDispatcher]]:
    """The database checked, the bot and dispatcher built, the commands registered."""
    config.require_token()
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
        dispatcher = build_dispatcher(config, session_factory=session_factory, i18n=i18n)
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
        yield bot, dispatcher
    finally:
        await dispose(engine)


async def run_polling(config: Config) -> None:
    async with serving(config) as (bot, dispatcher):
        log.info("polling %s", config.telegram.api_base)
        await dispatcher.start_polling(
            bot,
            polling_timeout=config.telegram.polling_timeout,
            allowed_updates=dispatcher.resolve_used_update_types(),
            handle_signals=True,
            close_bot_session=True,
        )
