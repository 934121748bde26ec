"""The Zalo side of the running bot: long polling (or a webhook), the sender, started together.

Nothing here starts without a Zalo token. Polling asks for one update at a time: an idle poll
ends with HTTP 408 ("nothing new"), and a message may come again (there is no offset to
confirm), which ZaloConversation recognises by its message id.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging

from aiogram.utils.i18n import I18n
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics
from bot.config import Config
from bot.tasks import cancel_and_wait
from bot.zalo.client import ZaloClient, ZaloError, ZaloNetworkError, parse_update, sleep_backoff
from bot.zalo.conversation import ZaloConversation
from bot.zalo.sender import ZaloSender
from catalog import logcontext
from catalog.outbox import OutboxSignal

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/zalo/webhook"


class ZaloChannel:
    """The Zalo bot: a conversation per message, the outbox sender, polling or a webhook."""

    def __init__(
        self,
        config: Config,
        session_factory: async_sessionmaker[AsyncSession],
        i18n: I18n,
        telegram_signal: OutboxSignal | None = None,
    ) -> None:
        settings = config.zalo
        self.settings = settings
        self.client = ZaloClient(settings.token, settings.api_base)
        self.signal = OutboxSignal()
        if telegram_signal is not None:
            # A Telegram order wakes the Zalo sender; a Zalo command wakes the Telegram one.
            telegram_signal.also_wake(self.signal)
            self.signal.also_wake(telegram_signal)
        self.conversation = ZaloConversation(session_factory, i18n, self.signal)
        self.sender = ZaloSender(
            self.client, session_factory, i18n, settings, config.outbox, self.signal
        )
        self._polling: asyncio.Task[None] | None = None
        self._site: web.AppRunner | None = None

    async def start(self) -> None:
        self.sender.start()
        if self.settings.webhook_url:
            await self._start_webhook()
        else:
            self._polling = asyncio.create_task(self.poll(), name="zalo-polling")
        log.info("zalo bot started (%s)", "webhook" if self.settings.webhook_url else "polling")

    async def stop(self) -> None:
        if self._polling is not None:
            await cancel_and_wait(self._polling)
            self._polling = None
        if self._site is not None:
            await self._site.cleanup()
            self._site = None
        await self.sender.stop()
        await self.client.close()

    async def poll(self) -> None:
        # Polling and a webhook are exclusive: one left from webhook mode would refuse us.
        try:
            await self.client.delete_webhook()
        except (ZaloNetworkError, ZaloError) as err:
            log.warning("zalo deleteWebhook failed (%s); polling anyway", err)
        failures = 0
        while True:
            try:
                update = await self.client.get_update(self.settings.polling_timeout)
            except (ZaloNetworkError, ZaloError) as err:
                failures += 1
                log.warning("zalo getUpdates failed (%s); trying again", err)
                await sleep_backoff(min(failures, 6))
                continue
            failures = 0
            if update is None:
                continue
            await self.handle_update(update)

    async def handle_update(self, update: dict[str, object]) -> None:
        message = parse_update(update)
        if message is None:
            return
        with (
            logcontext.about(
                update_id=message.message_id, channel="zalo", person=message.user_id,
                chat=message.chat_id,
            ),
            metrics.update_handled("zalo", "message"),
        ):  # fmt: skip
            try:
                await self.conversation.handle(message)
            except Exception:
                # One message that cannot be handled must not stop the bot.
                log.exception("zalo message %s could not be handled", message.message_id)
                metrics.update_failed("zalo", "message")

    # -- webhook mode -------------------------------------------------------------------------

    async def on_webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.settings.webhook_secret.encode()):
            return web.json_response({"ok": False, "description": "Forbidden"}, status=403)
        try:
            update = json.loads(await request.text())
        except ValueError:
            return web.json_response({"ok": False, "description": "Bad Request"}, status=400)
        if isinstance(update, dict):
            await self.handle_update(update)
        return web.json_response({"ok": True})

    def webhook_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(WEBHOOK_PATH, self.on_webhook)
        return app

    async def _start_webhook(self) -> None:
        self._site = web.AppRunner(self.webhook_app())
        await self._site.setup()
        await web.TCPSite(
            self._site, self.settings.webhook_host, self.settings.webhook_port
        ).start()
        try:
            await self.client.set_webhook(self.settings.webhook_url, self.settings.webhook_secret)
        except (ZaloNetworkError, ZaloError) as err:
            # Telegram goes on; Zalo's messages come once the webhook is registered.
            log.error("zalo setWebhook %s failed: %s", self.settings.webhook_url, err)


def build_zalo_channel(
    config: Config,
    session_factory: async_sessionmaker[AsyncSession],
    i18n: I18n,
    telegram_signal: OutboxSignal | None = None,
) -> ZaloChannel | None:
    """The Zalo bot when a Zalo token is configured; None otherwise."""
    if not config.zalo.token:
        return None
    return ZaloChannel(config, session_factory, i18n, telegram_signal)
