"""The Page's webhook, ``/messenger/webhook``: the verification GET, and POSTs signed by Meta.

- GET with ``hub.mode=subscribe`` and our verify token: the answer is ``hub.challenge``
  (anything else: 403).
- POST: ``X-Hub-Signature-256`` is ``sha256=`` and the HMAC-SHA256 of the raw body keyed
  with the app secret, compared in constant time over the bytes exactly as received (Meta
  escapes non-ASCII characters in them: decoding and encoding again would not match). A bad
  or missing signature gets 403 and nothing is read.
- A signed POST is answered 200 at once — Meta retries what is not answered within 20 s — and
  its events are handed on (``take``) to be handled after; while the worker stops, 503 (Meta
  posts it again, to a worker that takes it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable

from aiohttp import web

from bot.messenger.events import Incoming, read_body

log = logging.getLogger(__name__)

PATH = "/messenger/webhook"
SIGNATURE_HEADER = "X-Hub-Signature-256"


def signed(app_secret: str, body: bytes, header: str | None) -> bool:
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header.removeprefix("sha256=").lower(), expected)


class MessengerWebhook:
    def __init__(
        self, app_secret: str, verify_token: str, take: Callable[[list[Incoming]], None]
    ) -> None:
        self._secret = app_secret
        self._verify_token = verify_token
        self._take = take
        self.stopping = False

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(PATH, self.verify)
        app.router.add_post(PATH, self.receive)

    async def verify(self, request: web.Request) -> web.Response:
        query = request.query
        token = query.get("hub.verify_token", "")
        if query.get("hub.mode") == "subscribe" and hmac.compare_digest(
            token.encode(), self._verify_token.encode()
        ):
            return web.Response(text=query.get("hub.challenge", ""))
        log.warning("messenger: a webhook verification with the wrong token was refused")
        return web.Response(status=403, text="Forbidden")

    async def receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not signed(self._secret, body, request.headers.get(SIGNATURE_HEADER)):
            log.warning("messenger: a webhook POST without a valid signature was refused")
            return web.Response(status=403, text="Forbidden")
        if self.stopping:
            return web.Response(status=503, text="stopping")
        try:
            payload = json.loads(body)
        except ValueError:
            return web.Response(status=400, text="not JSON")
        self._take(read_body(payload))
        return web.Response(text="EVENT_RECEIVED")
