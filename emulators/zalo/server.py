"""The Zalo Bot API as the shop meets it, on 127.0.0.1: strict where Zalo is.

- paths ``/bot{token}/{method}``; a wrong token gets 401, an unknown method 404;
- JSON POST bodies; replies ``{"ok", "result"}`` or ``{"ok": false, "error_code",
  "description"}`` with the HTTP status equal to the error code;
- ``getUpdates`` gives ONE update (no update_id, no offset) or HTTP 408 when the long poll
  times out; a message may be delivered twice (``twice=True``), as Zalo may;
- ``sendMessage`` text of 1–2,000 characters; ``sendPhoto`` with a public URL only;
  only users who wrote to the bot can be messaged;
- ``setWebhook`` needs https, a secret of 8–256 characters and a public address (a switch
  allows loopback for tests); while a webhook is set, ``getUpdates`` is refused; updates are
  POSTed to it with ``X-Bot-Api-Secret-Token``;
- (switchable) the free plan's quotas: messages per month and users per bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

import aiohttp
from aiohttp import web

from emulators.waiting import Changes
from emulators.zalo.driver import ZaloPerson
from emulators.zalo.models import (
    MAX_POLL,
    ZaloApiError,
    ZaloBot,
    ZaloMessage,
    check_photo_url,
    check_text,
    check_webhook,
)


class ZaloEmulator(Changes):
    def __init__(
        self,
        *,
        monthly_quota: int | None = None,
        max_users: int | None = None,
        allow_private_webhooks: bool = False,
    ) -> None:
        super().__init__()
        self.monthly_quota = monthly_quota
        self.max_users = max_users
        self.allow_private_webhooks = allow_private_webhooks
        self.app = web.Application()
        self.add_routes(self.app)
        self.base_url = ""
        self.sent_this_month = 0
        self.errors: list[tuple[str, int, str]] = []  # (method, code, description)
        self._bots: dict[str, ZaloBot] = {}
        self._chats: dict[str, list[ZaloMessage]] = {}
        self._people: dict[str, ZaloPerson] = {}
        self._runner: web.AppRunner | None = None
        self._webhook_tasks: set[asyncio.Task[None]] = set()
        # Bumped on every change; ``on_change`` is called too (the playground's page listens).
        self.version = 0
        self.on_change: Callable[[], None] | None = None

    # -- setting up -----------------------------------------------------------------------

    def add_routes(self, app: web.Application, prefix: str = "") -> None:
        """Serve the API under ``prefix`` (the playground shares one server with Telegram's)."""
        app.router.add_post(prefix + "/bot{token}/{method}", self._handle)
        app.router.add_get(prefix + "/bot{token}/{method}", self._handle)

    def add_bot(self, token: str, name: str = "OCOP Shop") -> None:
        self._bots[token] = ZaloBot(token, token.split(":", 1)[0], name)

    @property
    def bot(self) -> ZaloBot:
        return next(iter(self._bots.values()))

    def person(self, display_name: str, user_id: str | None = None) -> ZaloPerson:
        user_id = user_id or secrets.token_hex(8)
        person = ZaloPerson(self, user_id, display_name)
        self._people[user_id] = person
        self._chats.setdefault(user_id, [])
        return person

    def chat(self, user_id: str) -> list[ZaloMessage]:
        return self._chats.setdefault(user_id, [])

    def reset(self) -> None:
        for chat in self._chats.values():
            chat.clear()
        for bot in self._bots.values():
            bot.updates.clear()
        self.sent_this_month = 0
        self.errors.clear()
        self.notify()

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self.closing = False
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        self.base_url = f"http://{host}:{self._runner.addresses[0][1]}"
        return self.base_url

    async def stop(self) -> None:
        self.closing = True
        self.notify()
        for task in list(self._webhook_tasks):
            task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- waiting for the bot ----------------------------------------------------------------

    def notify_changed(self) -> None:
        self.notify()

    def notify(self, chat_id: Hashable | None = None, *, everyone: bool = False) -> None:
        self.version += 1
        if self.on_change is not None:
            self.on_change()
        super().notify(chat_id, everyone=everyone)

    # -- people act -------------------------------------------------------------------------

    def user_sends(
        self,
        person: ZaloPerson,
        text: str,
        *,
        twice: bool = False,
        event_name: str = "message.text.received",
    ) -> ZaloMessage:
        message = ZaloMessage(secrets.token_hex(10), False, text, int(time.time() * 1000))
        self.chat(person.id).append(message)
        update: dict[str, Any] = {
            "event_name": event_name,
            "message": {
                "from": {"id": person.id, "display_name": person.display_name, "is_bot": False},
                "chat": {"id": person.id, "chat_type": "PRIVATE"},
                "message_id": message.message_id,
                "date": message.date,
                **({"text": text} if event_name == "message.text.received" else {}),
            },
        }
        for bot in self._bots.values():
            for _ in range(2 if twice else 1):
                if bot.webhook_url:
                    self._post_to_webhook(bot, update)
                else:
                    bot.updates.append(update)
        self.notify()
        return message

    def _post_to_webhook(self, bot: ZaloBot, update: dict[str, Any]) -> None:
        async def post() -> None:
            headers = {"X-Bot-Api-Secret-Token": bot.webhook_secret}
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with (
                    aiohttp.ClientSession() as session,
                    session.post(bot.webhook_url, json=update, headers=headers) as reply,
                ):
                    await reply.read()

        task = asyncio.get_running_loop().create_task(post())
        self._webhook_tasks.add(task)
        task.add_done_callback(self._webhook_tasks.discard)

    # -- the API ----------------------------------------------------------------------------

    @staticmethod
    def _reply(result: Any = None, *, code: int = 200, description: str = "") -> web.Response:
        if code != 200:
            body = {"ok": False, "error_code": code, "description": description}
        else:
            body = {"ok": True, "result": result}
        return web.json_response(body, status=code)

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        bot = self._bots.get(request.match_info["token"])
        try:
            if bot is None:
                raise ZaloApiError(401, "Unauthorized")
            handler = self._methods().get(method.lower())
            if handler is None:
                raise ZaloApiError(404, "Not Found")
            if request.method != "POST":
                raise ZaloApiError(405, "Method Not Allowed")
            try:
                params = json.loads(await request.text() or "{}")
            except ValueError:
                raise ZaloApiError(400, "Bad Request: body is not JSON") from None
            if not isinstance(params, dict):
                raise ZaloApiError(400, "Bad Request: body is not a JSON object")
            if handler == self._get_updates:
                result = await self._get_updates(bot, params, request)
            else:
                result = await handler(bot, params)
        except ZaloApiError as err:
            if err.code != 408:  # an idle long poll is not an error
                self.errors.append((method, err.code, err.description))
            return self._reply(code=err.code, description=err.description)
        self.notify()
        return self._reply(result)

    def _methods(self) -> dict[str, Callable[[ZaloBot, dict[str, Any]], Awaitable[Any]]]:
        return {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "sendphoto": self._send_photo,
            "sendchataction": self._send_chat_action,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
        }

    async def _get_me(self, bot: ZaloBot, params: dict[str, Any]) -> Any:
        return {
            "id": bot.id,
            "account_name": bot.name,
            "account_type": "BASIC",
            "can_join_groups": False,
        }

    async def _get_updates(
        self, bot: ZaloBot, params: dict[str, Any], request: web.Request | None = None
    ) -> Any:
        if bot.webhook_url:
            raise ZaloApiError(409, "Conflict: webhook is active, delete it to use getUpdates")
        timeout = params.get("timeout", 0)
        if not isinstance(timeout, int | str) or not str(timeout).isdigit():
            raise ZaloApiError(400, "Bad Request: timeout must be a number of seconds")

        def gone() -> bool:  # the poller went away (stopped): leave the update for the next
            transport = request.transport if request is not None else None
            return request is not None and (transport is None or transport.is_closing())

        found = await self.wait_until(
            lambda: None if gone() or not bot.updates else bot.updates.popleft(),
            min(int(timeout), MAX_POLL),
        )
        if found is None:
            raise ZaloApiError(408, "Request timeout")
        return found

    def _target(self, params: dict[str, Any]) -> str:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, str) or not chat_id:
            raise ZaloApiError(400, "Bad Request: chat_id is required")
        # A bot can write only to people who have written to it.
        if not any(not m.from_bot for m in self._chats.get(chat_id, [])):
            raise ZaloApiError(400, "Bad Request: chat not found")
        if self.max_users is not None:
            talking = [c for c, ms in self._chats.items() if any(not m.from_bot for m in ms)]
            if chat_id not in talking[: self.max_users]:
                raise ZaloApiError(403, "Forbidden: the bot's user limit is reached")
        return chat_id

    def _spend_quota(self) -> None:
        if self.monthly_quota is not None and self.sent_this_month >= self.monthly_quota:
            raise ZaloApiError(429, "Too Many Requests: monthly message quota exceeded")
        self.sent_this_month += 1

    def _deliver(self, chat_id: str, text: str, photo: str | None = None) -> dict[str, Any]:
        message = ZaloMessage(
            secrets.token_hex(10), True, text, int(time.time() * 1000), photo=photo
        )
        self._chats[chat_id].append(message)
        return {"message_id": message.message_id, "date": message.date}

    async def _send_message(self, bot: ZaloBot, params: dict[str, Any]) -> Any:
        chat_id = self._target(params)
        text = check_text(params.get("text"), "text", required=True)
        self._spend_quota()
        return self._deliver(chat_id, text)

    async def _send_photo(self, bot: ZaloBot, params: dict[str, Any]) -> Any:
        chat_id = self._target(params)
        photo = check_photo_url(params.get("photo"))
        caption = check_text(params.get("caption"), "caption", required=False)
        self._spend_quota()
        return self._deliver(chat_id, caption, photo)

    async def _send_chat_action(self, bot: ZaloBot, params: dict[str, Any]) -> Any:
        self._target(params)
        if params.get("action") != "typing":
            raise ZaloApiError(400, "Bad Request: unknown action")
        return True

    async def _set_webhook(self, bot: ZaloBot, params: dict[str, Any]) -> Any:
        url, secret = check_webhook(
            params.get("url"),
            params.get("secret_token"),
            allow_private=self.allow_private_webhooks,
        )
        bot.webhook_url, bot.webhook_secret = url, secret
        for update in list(bot.updates):  # what waited goes to the webhook now
            self._post_to_webhook(bot, update)
        bot.updates.clear()
        return {"url": url}

    async def _delete_webhook(self, bot: ZaloBot, params: dict[str, Any]) -> Any:
        bot.webhook_url = bot.webhook_secret = ""
        return True

    async def _get_webhook_info(self, bot: ZaloBot, params: dict[str, Any]) -> Any:
        return {"url": bot.webhook_url, "updated_at": int(time.time() * 1000)}
