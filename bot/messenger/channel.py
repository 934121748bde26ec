"""The Messenger side of the running bot: the webhook, each person's events handled in order
through the storefront, comments on the Page's posts answered in private (comments.py), the
outbox sender, and the Page's set-up at start-up.

Events are handled after the webhook's 200, one person's one at a time and in the order they
came (a queue per person in this process; across workers, the per-person lock the program
hands in, the same one the Telegram dispatcher uses). An event Meta delivers twice, to this
worker or another, is recognised by its ``mid`` (catalog.services.messenger.first_time).
Each event is counted and timed in the metrics by its kind, and its log lines name it (its
``mid``) and the person.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Protocol

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics
from bot.config import MessengerSettings, OutboxSettings
from bot.messenger import profile
from bot.messenger.comments import CommentReplies
from bot.messenger.events import Incoming
from bot.messenger.graph import GraphClient, GraphError, GraphNetworkError
from bot.messenger.links import MessengerLinks
from bot.messenger.output import MessengerOutput, Pictures, RecentNotes, Undeliverable
from bot.messenger.sender import MessengerSender
from bot.messenger.troubles import Troubles
from bot.messenger.webhook import MessengerWebhook
from bot.tasks import cancel_and_wait
from catalog import logcontext
from catalog.language_cache import LanguageCache
from catalog.models import Channel
from catalog.outbox import OutboxSignal
from catalog.services import messenger, users
from catalog.services.payments.links import CheckoutPayments
from catalog.snapshot import CatalogCache
from catalog.uow import UnitOfWork
from locales.translation import use_language
from storefront import conversation
from storefront.visit import ConversationState, Person, Visit

log = logging.getLogger(__name__)

SHUTDOWN_SECONDS = 10.0


class Conversations(Protocol):
    """Where each person is in a conversation, held for one event at a time: across workers
    when the program shares its state and locks (Redis)."""

    def session(self, user_id: int) -> AbstractAsyncContextManager[ConversationState]: ...


class PersonQueues:
    """Each person's events, handled in order, one at a time; different people side by side."""

    def __init__(self, handle: Callable[[Incoming], Awaitable[None]]) -> None:
        self._handle = handle
        self._queues: dict[str, list[Incoming]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    def put(self, incoming: Incoming) -> None:
        queue = self._queues.get(incoming.psid)
        if queue is not None:
            queue.append(incoming)
            return
        self._queues[incoming.psid] = [incoming]
        self._idle.clear()
        task = asyncio.create_task(self._drain(incoming.psid), name="messenger-person")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self, psid: str) -> None:
        queue = self._queues[psid]
        try:
            while queue:
                await self._handle(queue[0])
                queue.pop(0)
        finally:
            del self._queues[psid]
            if not self._queues:
                self._idle.set()

    async def join(self, timeout: float) -> None:  # noqa: ASYNC109 - a shutdown's deadline
        """Wait (a while) for every event taken to be handled; cancel what is left."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            log.warning("messenger: stopping with %d people's events in hand", len(self._queues))
            for task in list(self._tasks):
                await cancel_and_wait(task)


class MessengerChannel:
    def __init__(
        self,
        settings: MessengerSettings,
        *,
        session_factory: async_sessionmaker[AsyncSession],
        catalog_cache: CatalogCache,
        language_cache: LanguageCache,
        conversations: Conversations,
        outbox_signal: OutboxSignal,
        outbox_settings: OutboxSettings,
        media_dir: Path,
        default_language: str,
        payments: CheckoutPayments | None = None,
    ) -> None:
        self.settings = settings
        self.session_factory = session_factory
        self.catalog_cache = catalog_cache
        self.language_cache = language_cache
        self.conversations = conversations
        # Commits here wake every sender (a placed order: the producer's alerts); commits
        # anywhere wake the Messenger sender (a producer's step: the customer's news).
        self.outbox_signal = outbox_signal
        self.signal = OutboxSignal()
        outbox_signal.also_wake(self.signal)
        self.media_dir = media_dir
        self.default_language = default_language
        # How long a transfer order waits for its money, and the VietQR code to pay it with.
        self.payments = payments or CheckoutPayments()
        self.client = GraphClient(settings.graph_url, settings.page_id, settings.page_token)
        self.troubles = Troubles(self._uow)
        self.sender = MessengerSender(
            self.client, session_factory, settings, outbox_settings, self.signal,
            self.troubles, default_language,
        )  # fmt: skip
        self.pictures = Pictures(self.client, media_dir, settings.public_url)
        self.links = MessengerLinks(settings.page_username)
        self.notes = RecentNotes()
        self.queues = PersonQueues(self.handle)
        self.comments = CommentReplies(
            self.client, self._uow, catalog_cache, self.pictures, self.troubles,
            default_language,
        )  # fmt: skip
        self.webhook = MessengerWebhook(
            settings.app_secret, settings.verify_token, self.take, self.comments.take
        )
        # With Telegram's webhook workers the route is served on the worker's own port.
        self.own_site = True
        self._site: web.AppRunner | None = None
        self._setup: asyncio.Task[None] | None = None
        self._people: OrderedDict[str, int] = OrderedDict()
        self._handled = 0

    def _uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory, self.catalog_cache, self.outbox_signal)

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        self.webhook.stopping = False
        await self.troubles.look_up()
        self.sender.start()
        if self.own_site:
            app = web.Application()
            self.webhook.add_routes(app)
            self._site = web.AppRunner(app, access_log=None)
            await self._site.setup()
            await web.TCPSite(
                self._site, self.settings.webhook_host, self.settings.webhook_port
            ).start()
        self._setup = asyncio.create_task(self.set_up_page(), name="messenger-setup")
        log.info(
            "messenger: Page %s, webhook on http://%s:%d/messenger/webhook",
            self.settings.page_id,
            self.settings.webhook_host,
            self.settings.webhook_port,
        )

    async def stop(self) -> None:
        self.webhook.stopping = True
        await self.queues.join(SHUTDOWN_SECONDS)
        await self.comments.join(SHUTDOWN_SECONDS)
        if self._setup is not None:
            await cancel_and_wait(self._setup)
        if self._site is not None:
            await self._site.cleanup()
            self._site = None
        await self.sender.stop()
        await self.troubles.settled()
        await self.client.close()

    async def set_up_page(self) -> None:
        """Subscribe the app to the Page's events, and set its Messenger profile (Get Started,
        greeting, menu): a failure is logged, the shop goes on."""
        try:
            await self.client.subscribe_app(profile.FIELDS)
        except (GraphError, GraphNetworkError) as err:
            log.error("messenger: the Page could not subscribe the app: %s", err)
        try:
            await self.client.set_profile(profile.profile(self.default_language))
        except (GraphError, GraphNetworkError) as err:
            log.warning("messenger: the Page's profile (menu, greeting) was not set: %s", err)

    def add_routes(self, app: web.Application) -> None:
        """Serve the webhook in another server (a Telegram webhook worker's)."""
        self.own_site = False
        self.webhook.add_routes(app)

    # -- events ---------------------------------------------------------------------------------

    def take(self, events: list[Incoming]) -> None:
        for incoming in events:
            self.queues.put(incoming)

    async def handle(self, incoming: Incoming) -> None:
        with (
            logcontext.about(
                update_id=incoming.key, channel="messenger", person=incoming.psid,
                chat=incoming.psid,
            ),
            metrics.update_handled("messenger", incoming.kind),
        ):  # fmt: skip
            try:
                await self._handle(incoming)
            except Exception:
                # One event that cannot be handled must not stop the person's next ones.
                log.exception("messenger: event %s could not be handled", incoming.key)
                metrics.update_failed("messenger", incoming.kind)

    async def _handle(self, incoming: Incoming) -> None:
        user_id, new = await self._user_id(incoming.psid)
        self._handled += 1
        fresh = await messenger.first_time(
            self._uow(),
            key=incoming.key[:200],
            psid=incoming.psid,
            user_id=user_id,
            forget_old=self._handled % 500 == 0,
        )
        if not fresh:
            log.info("messenger: event %s delivered again; handled once", incoming.key[:40])
            return
        async with self.conversations.session(user_id) as state:
            language = await self._language(user_id)
            with use_language(language):
                out = MessengerOutput(
                    self.client,
                    incoming.psid,
                    self.pictures,
                    self.notes,
                    lambda err: self.troubles.note(err, incoming.psid),
                    self.troubles.got_through,
                )
                visit = Visit(
                    person=Person(user_id, Channel.messenger.value, first_name="", new=new),
                    state=state,
                    uow=self._uow(),
                    catalog=self.catalog_cache,
                    out=out,
                    links=self.links,
                    language_cache=self.language_cache,
                    media_dir=self.media_dir,
                    payments=self.payments,
                )
                out.start_typing()
                with contextlib.suppress(Undeliverable):
                    try:
                        await conversation.handle(visit, incoming.event)
                    finally:
                        await out.finish()

    async def _user_id(self, psid: str) -> tuple[int, bool]:
        """The shop's id of the person, and whether they are new to it (numbered now)."""
        known = self._people.get(psid)
        if known is not None:
            self._people.move_to_end(psid)
            return known, False
        user_id, new = await users.arriving_on_channel(
            self._uow(), channel=Channel.messenger.value, external_id=psid
        )
        self._people[psid] = user_id
        while len(self._people) > 50_000:
            self._people.popitem(last=False)
        return user_id, new

    async def _language(self, user_id: int) -> str:
        """The language the person chose; the shop's default until they choose."""
        chosen = self.language_cache.get(user_id)
        if chosen is None:
            chosen = self.language_cache.remember(
                user_id, await users.known_user(self._uow(), user_id)
            )
        return users.preferred_language(chosen, None, self.default_language)
