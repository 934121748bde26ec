"""What people do on the playground's page: type, press inline and reply-keyboard buttons,
write on Zalo, bring in a new customer, reset the shop. JSON requests only."""

from __future__ import annotations

from typing import Any, get_args

from aiohttp import web

from catalog.uow import UnitOfWork
from emulators.telegram import Chat
from playground.app import ROLES, Language, Playground, Role
from playground.http import fail, json_response

HANOI = {"latitude": 21.0285, "longitude": 105.8542}  # Hoàn Kiếm Lake


class PageActions:
    def __init__(self, playground: Playground) -> None:
        self.pg = playground

    async def _body(self, request: web.Request) -> tuple[Role, dict[str, Any]]:
        # JSON only: a cross-site form cannot send it without a preflight we never allow.
        if request.content_type != "application/json":
            raise fail(415, "send application/json")
        if not self.pg.ready:
            raise fail(503, "the playground is starting; try again in a moment")
        try:
            body = await request.json()
        except ValueError:
            raise fail(400, "malformed JSON") from None
        if not isinstance(body, dict):
            raise fail(400, "expected a JSON object")
        role = request.match_info.get("role", "customer")
        if role not in ROLES:
            raise fail(404, f"no chat {role!r}")
        return role, body

    @staticmethod
    def _index(body: dict[str, Any], name: str) -> int:
        value = body.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise fail(400, f"{name} must be a non-negative integer")
        return value

    @staticmethod
    def _text(body: dict[str, Any], limit: int, app: str) -> str:
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise fail(400, "type something first")
        if len(text) > limit:
            raise fail(400, f"{app} allows {limit} characters in a message")
        return text

    async def send(self, request: web.Request) -> web.Response:
        role, body = await self._body(request)
        text = self._text(body, 4096, "Telegram")
        async with self.pg.lock:
            chat = self.pg.chat_of(role)
            self.pg.emulator.post_message(chat, self.pg.people[role].user, text=text)
        return json_response({"ok": True})

    async def zalo_send(self, request: web.Request) -> web.Response:
        """The producer's staff member types to the shop's Zalo bot."""
        _role, body = await self._body(request)
        text = self._text(body, 2000, "Zalo")
        async with self.pg.lock:
            if self.pg.zalo_staff is None:
                raise fail(503, "the playground is starting; try again in a moment")
            await self.pg.zalo_staff.send(text)
        return json_response({"ok": True})

    async def press(self, request: web.Request) -> web.Response:
        """An inline button: its callback data goes to the bot; a link is opened by the page."""
        role, body = await self._body(request)
        message_id, row, col = (self._index(body, k) for k in ("message_id", "row", "col"))
        async with self.pg.lock:
            chat: Chat = self.pg.chat_of(role)
            message = chat.messages.get(message_id)
            if message is None or message.deleted or not message.from_bot:
                raise fail(404, "that message is gone")
            try:
                button = message.inline_keyboard[row][col]
            except IndexError:
                raise fail(404, "that button is gone") from None
            if "callback_data" in button:
                user = self.pg.people[role].user
                self.pg.emulator.post_callback_query(
                    chat, user, message, str(button["callback_data"])
                )
                return json_response({"ok": True})
        if "url" in button:
            return json_response({"ok": True, "url": str(button["url"])})
        raise fail(400, "the playground cannot press this kind of button")

    async def reply(self, request: web.Request) -> web.Response:
        """A reply-keyboard button: its text, the person's contact, or a location."""
        role, body = await self._body(request)
        row, col = self._index(body, "row"), self._index(body, "col")
        async with self.pg.lock:
            chat: Chat = self.pg.chat_of(role)
            user = self.pg.people[role].user
            keyboard = chat.reply_keyboard or {}
            try:
                button = keyboard.get("keyboard", [])[row][col]
            except IndexError:
                raise fail(404, "that button is gone") from None
            if isinstance(button, str):
                button = {"text": button}
            if button.get("request_contact"):
                contact = user.contact(user.phone or "+84912345678")
                self.pg.emulator.post_message(chat, user, contact=contact)
            elif button.get("request_location"):
                self.pg.emulator.post_message(chat, user, location=dict(HANOI))
            else:
                self.pg.emulator.post_message(chat, user, text=str(button.get("text", "")))
            if keyboard.get("one_time_keyboard"):
                chat.reply_keyboard = None
                chat.reply_keyboard_message_id = None
                self.pg.emulator.notify_changed()
        return json_response({"ok": True})

    async def new_customer(self, request: web.Request) -> web.Response:
        _role, body = await self._body(request)
        language = body.get("language", self.pg.customer_language)
        if language not in get_args(Language):
            raise fail(400, "language is vi or en")
        async with self.pg.lock:
            person = self.pg.new_customer(language)
        return json_response({"ok": True, "customer": person.user.to_api()})

    async def pay(self, request: web.Request) -> web.Response:
        """ "Pay this order": the customer's bank transfers what their newest transfer order
        still misses, and SePay tells the shop."""
        await self._body(request)
        async with self.pg.lock:
            assert self.pg.session_factory is not None
            customer = self.pg.people["customer"].user.id
            uow = UnitOfWork(self.pg.session_factory)
        return await self.pg.payments.pay_latest(uow, customer)

    async def reset(self, request: web.Request) -> web.Response:
        await self._body(request)
        async with self.pg.lock:
            await self.pg.reset()
        return json_response({"ok": True})
