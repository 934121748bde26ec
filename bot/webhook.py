"""Webhook mode: Telegram (or the reverse proxy in front of several workers) posts updates.

aiogram's aiohttp handler checks the secret token (a request without it gets 401 and is not
handled) and handles each update before it answers, so that an update a worker could not
finish — it crashed, or it is stopping — is not acknowledged and Telegram posts it again.
``GET /health`` answers 200 while the worker takes updates and 503 once it is stopping, so
the load balancer stops sending it any; ``/health/ready`` and ``/metrics`` are served beside
it (bot/opsweb.py). On SIGTERM the worker stops listening, finishes the
updates in hand, then stops the outbox sender and closes its connections.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.config import Config, WebhookSettings
from bot.health import Readiness
from bot.opsweb import add_routes
from bot.presses import ShopDispatcher
from bot.runner import serving

log = logging.getLogger(__name__)


class Worker:
    """The aiohttp application of one worker, counting the updates it is handling."""

    def __init__(
        self,
        bot: Bot,
        dispatcher: ShopDispatcher,
        settings: WebhookSettings,
        readiness: Readiness | None = None,
    ) -> None:
        self.bot = bot
        self.dispatcher = dispatcher
        self.settings = settings
        self.stopping = False
        self.in_hand = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self.app = web.Application(middlewares=[self._count])
        # Startup and shutdown of the dispatcher (outbox, Redis) first, so that on the way
        # out the bot's session is closed after them.
        setup_application(self.app, dispatcher, bot=bot)
        SimpleRequestHandler(
            dispatcher, bot, handle_in_background=False, secret_token=settings.secret
        ).register(self.app, path=settings.path)
        add_routes(self.app, readiness, stopping=lambda: self.stopping)
        # Messenger's webhook, on the same port: every worker takes it too.
        messenger = dispatcher.get("messenger")
        if messenger is not None:
            messenger.add_routes(self.app)
        self.app.on_startup.append(self._set_webhook)

    @web.middleware
    async def _count(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if request.path != self.settings.path:
            return await handler(request)
        if self.stopping:
            # Not ours to finish any more: Telegram posts it again, to another worker.
            return web.Response(status=503, text="stopping")
        self.in_hand += 1
        self._idle.clear()
        try:
            return await handler(request)
        finally:
            self.in_hand -= 1
            if not self.in_hand:
                self._idle.set()

    async def _set_webhook(self, _app: web.Application) -> None:
        # Every worker sets the same webhook: the last one to start wins, with the same values.
        await self.bot.set_webhook(
            url=self.settings.url,
            secret_token=self.settings.secret,
            allowed_updates=self.dispatcher.resolve_used_update_types(),
            max_connections=self.settings.max_connections,
        )

    async def drain(self) -> None:
        """Take no more updates; wait (a while) for those in hand."""
        self.stopping = True
        try:
            await asyncio.wait_for(self._idle.wait(), self.settings.shutdown_seconds)
        except TimeoutError:
            log.warning("stopping with %d updates still in hand", self.in_hand)


async def run_webhook(config: Config, *, port: int | None = None) -> None:
    settings = config.require_webhook()
    if port is not None:
        settings = settings.model_copy(update={"listen_port": port})
    name = f"{socket.gethostname()}:{settings.listen_port}"
    async with serving(config, worker=name) as (bot, dispatcher):
        worker = Worker(bot, dispatcher, settings, dispatcher.readiness)
        runner = web.AppRunner(worker.app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, settings.listen_host, settings.listen_port)
        await site.start()
        log.info(
            "webhook: serving %s on http://%s:%d%s",
            settings.url,
            settings.listen_host,
            settings.listen_port,
            settings.path,
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        try:
            await stop.wait()
            log.info("webhook: stopping; finishing %d updates in hand", worker.in_hand)
            await worker.drain()
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)
            await runner.cleanup()
