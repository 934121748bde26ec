"""The Messenger Platform emulator: the Graph API endpoints a Page's app uses, on loopback,
with Pages, people a test drives, a clock tests move, and webhooks to the app. State in
``state``, people's actions in ``actions``, the Send API in ``send`` (content checked in
``validate``), images in ``attachments``, the Messenger Profile API in ``profile``, HTTP in
``http``, webhooks in ``webhook`` (payloads in ``events``), the driver in ``person``."""

from __future__ import annotations

import secrets
from typing import Self

from aiohttp import web

from emulators.messenger.actions import PeopleActions
from emulators.messenger.attachments import Attachments
from emulators.messenger.errors import GraphError
from emulators.messenger.http import GraphHttp
from emulators.messenger.models import Limits, Page, Stats
from emulators.messenger.person import MessengerPerson
from emulators.messenger.profile import ProfileApi
from emulators.messenger.send import SendApi
from emulators.messenger.webhook import DEFAULT_FIELDS, WebhookDelivery


class MessengerEmulator(PeopleActions):
    """Meta's Graph API for one app with its Pages, on 127.0.0.1."""

    def __init__(
        self,
        *,
        app_secret: str | None = None,
        app_id: str = "1234567890123456",
        app_name: str = "OCOP Shop",
        limits: Limits | None = None,
    ) -> None:
        super().__init__(app_id, app_secret or secrets.token_hex(16), limits)
        self.app_name = app_name
        self.webhook = WebhookDelivery(self)
        self.send_api = SendApi(self)
        self.profile_api = ProfileApi(self)
        self.attachments = Attachments(self)
        self.http = GraphHttp(self)
        self.app = web.Application(client_max_size=32 * 1024 * 1024)
        self.http.add_routes(self.app)
        self.base_url = ""
        self._runner: web.AppRunner | None = None

    def add_routes(self, app: web.Application, prefix: str) -> None:
        """Serve the Graph API under ``prefix`` of another server (the playground's)."""
        self.http.add_routes(app, prefix)

    async def start(self, host: str = "127.0.0.1", port: int = 0, *, serve: bool = True) -> str:
        """Serve the Graph API (``serve=False``: only run webhooks, for routes added to
        another server); returns the base URL, ``http://127.0.0.1:PORT``."""
        self.closing = False
        if serve:
            self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
            await self._runner.setup()
            await web.TCPSite(self._runner, host, port).start()
            self.base_url = f"http://{host}:{self._runner.addresses[0][1]}"
        await self.webhook.start()
        return self.base_url

    async def stop(self) -> None:
        self.closing = True
        self.notify(everyone=True)
        await self.webhook.stop()
        await self.attachments.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def person(
        self,
        name: str = "Lan",
        *,
        page: Page | None = None,
        locale: str = "vi_VN",
        phone: str | None = "+84912345678",
        email: str | None = None,
        psid: str | None = None,
    ) -> MessengerPerson:
        """Someone on Messenger with a page-scoped id for ``page`` (the first Page), who has
        not written to it yet."""
        user = self.new_user(
            page or self.page, name, locale=locale, phone=phone, email=email, psid=psid
        )
        return MessengerPerson(self, user)

    def subscribe_page(
        self, page: Page | None = None, fields: tuple[str, ...] | None = None
    ) -> None:
        """What ``POST /{page-id}/subscribed_apps`` does, for tests that do not test it."""
        chosen = fields or self.webhook.fields or DEFAULT_FIELDS
        (page or self.page).subscribed_fields = tuple(chosen)

    def fail_sends(self, *errors: GraphError) -> None:
        """The next Send API calls answer these Graph errors, e.g. ``rate_limited()``."""
        self.send_failures.extend(errors)

    def reset(self) -> None:
        """Forget people, threads, posts and counts; Pages, templates and the webhook stay."""
        for page in self.pages.values():
            page.users.clear()
            page.posts.clear()
            page.comments.clear()
            page.send_calls.clear()
            page.profile_calls.clear()
        self.errors.clear()
        self.typing.clear()
        self.seen.clear()
        self.send_failures.clear()
        self.stats = Stats()
        self.notify(everyone=True)
