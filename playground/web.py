"""The playground's page and the JSON, file and server-sent-event endpoints behind it."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any, get_args

from aiohttp import web

from emulators.telegram import Chat, Event
from playground.app import ROLES, Language, Playground, Role

STATIC_DIR = Path(__file__).with_name("static")
KEEPALIVE_SECONDS = 15.0
HANOI = {"latitude": 21.0285, "longitude": 105.8542}  # Hoàn Kiếm Lake
# Everything comes from this server: no fonts, scripts or styles from anywhere else.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=_dumps)


_STATUS: dict[int, type[web.HTTPException]] = {
    400: web.HTTPBadRequest,
    404: web.HTTPNotFound,
    415: web.HTTPUnsupportedMediaType,
    503: web.HTTPServiceUnavailable,
}


def fail(status: int, text: str) -> web.HTTPException:
    return _STATUS[status](text=_dumps({"error": text}), content_type="application/json")


class PlaygroundWeb:
    def __init__(self, playground: Playground) -> None:
        self.pg = playground

    # ------------------------------------------------------------------ reading

    async def index(self, _request: web.Request) -> web.FileResponse:
        response = web.FileResponse(STATIC_DIR / "index.html")
        response.headers["Content-Security-Policy"] = CSP
        response.headers["Cache-Control"] = "no-cache"
        return response

    def _chat_state(self, role: Role, *, events: bool) -> dict[str, Any]:
        chat: Chat = self.pg.chat_of(role)
        data = chat.to_dict()
        data["role"] = role
        data["me"] = self.pg.people[role].user.to_api()
        data["me"]["phone"] = self.pg.people[role].user.phone
        if events:
            data["events"] = [event.to_dict() for event in chat.events]
        return data

    def _zalo_state(self) -> dict[str, Any]:
        """The staff member's Zalo chat: plain text both ways, no buttons."""
        pg = self.pg
        person = pg.zalo_staff
        return {
            "version": pg.zalo.version,
            "bot": pg.zalo.bot.name,
            "me": {"id": person.id, "display_name": person.display_name} if person else None,
            "messages": [
                {"id": m.message_id, "from_bot": m.from_bot, "text": m.text, "date": m.date}
                for m in (person.messages if person else [])
            ],
        }

    async def state(self, _request: web.Request) -> web.Response:
        pg = self.pg
        if not pg.ready:
            return _json({"ready": False, "generation": pg.generation})
        events = pg.emulator.events
        return _json(
            {
                "ready": True,
                "generation": pg.generation,
                "seq": events[-1].seq if events else 0,
                "language": pg.customer_language,
                "bot": pg.emulator.bot_user.to_api(),
                "chats": {role: self._chat_state(role, events=True) for role in ROLES},
                "zalo": self._zalo_state(),
            }
        )

    def _new_events(self, after: int) -> list[tuple[Role, Event]]:
        ids = {self.pg.chat_of(role).id: role for role in ROLES}
        found: list[tuple[Role, Event]] = []
        for event in reversed(self.pg.emulator.events):
            if event.seq <= after:
                break
            if event.chat_id in ids:
                found.append((ids[event.chat_id], event))
        found.reverse()
        return found

    async def events(self, request: web.Request) -> web.StreamResponse:
        """Server-sent events: new chat events, or "reload" when the chats were replaced."""
        try:
            generation = int(request.query.get("generation", "-1"))
            after = int(request.query.get("after", "0"))
        except ValueError:
            raise fail(400, "generation and after are integers") from None
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
            }
        )
        await response.prepare(request)
        pg = self.pg
        zalo_seen = pg.zalo.version

        def probe() -> tuple[str, list[tuple[Role, Event]]] | None:
            if pg.stopping:
                return "stop", []
            if pg.generation != generation or not pg.ready:
                return "reload", []
            found = self._new_events(after)
            return ("events", found) if found or pg.zalo.version != zalo_seen else None

        with contextlib.suppress(ConnectionError):
            await response.write(b"retry: 1000\n\n")
            while True:
                change = await pg.emulator.wait_until(probe, KEEPALIVE_SECONDS)
                if pg.stopping:
                    break
                if change is None:
                    await response.write(b": keepalive\n\n")
                    continue
                kind, found = change
                if kind != "events":
                    await response.write(b'data: {"type": "reload"}\n\n')
                    break
                after = found[-1][1].seq if found else after
                zalo_seen = pg.zalo.version
                payload = {
                    "type": "events",
                    "seq": after,
                    "events": [{**event.to_dict(), "role": role} for role, event in found],
                    "chats": {role: self._chat_state(role, events=False) for role in ROLES},
                    "zalo": self._zalo_state(),
                }
                await response.write(f"data: {_dumps(payload)}\n\n".encode())
        return response

    async def file(self, request: web.Request) -> web.Response:
        stored = self.pg.emulator.files.get(request.match_info["file_id"])
        if stored is None:
            raise fail(404, "no such file")
        response = web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )
        response.headers["Cache-Control"] = "max-age=3600"
        if stored.kind == "document":
            name = (stored.file_name or "file").replace('"', "")
            response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    # ------------------------------------------------------------------ acting

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

    async def send(self, request: web.Request) -> web.Response:
        role, body = await self._body(request)
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise fail(400, "type something first")
        if len(text) > 4096:
            raise fail(400, "Telegram allows 4096 characters in a message")
        async with self.pg.lock:
            chat = self.pg.chat_of(role)
            self.pg.emulator.post_message(chat, self.pg.people[role].user, text=text)
        return _json({"ok": True})

    async def zalo_send(self, request: web.Request) -> web.Response:
        """The producer's staff member types to the shop's Zalo bot."""
        _role, body = await self._body(request)
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise fail(400, "type something first")
        if len(text) > 2000:
            raise fail(400, "Zalo allows 2000 characters in a message")
        async with self.pg.lock:
            if self.pg.zalo_staff is None:
                raise fail(503, "the playground is starting; try again in a moment")
            await self.pg.zalo_staff.send(text)
        return _json({"ok": True})

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
                return _json({"ok": True})
        if "url" in button:
            return _json({"ok": True, "url": str(button["url"])})
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
                contact: dict[str, Any] = {
                    "phone_number": user.phone or "+84912345678",
                    "first_name": user.first_name,
                    "user_id": user.id,
                }
                if user.last_name:
                    contact["last_name"] = user.last_name
                self.pg.emulator.post_message(chat, user, contact=contact)
            elif button.get("request_location"):
                self.pg.emulator.post_message(chat, user, location=dict(HANOI))
            else:
                self.pg.emulator.post_message(chat, user, text=str(button.get("text", "")))
            if keyboard.get("one_time_keyboard"):
                chat.reply_keyboard = None
                chat.reply_keyboard_message_id = None
                self.pg.emulator.notify_changed()
        return _json({"ok": True})

    async def new_customer(self, request: web.Request) -> web.Response:
        _role, body = await self._body(request)
        language = body.get("language", self.pg.customer_language)
        if language not in get_args(Language):
            raise fail(400, "language is vi or en")
        async with self.pg.lock:
            person = self.pg.new_customer(language)
        return _json({"ok": True, "customer": person.user.to_api()})

    async def reset(self, request: web.Request) -> web.Response:
        await self._body(request)
        async with self.pg.lock:
            await self.pg.reset()
        return _json({"ok": True})


def add_routes(app: web.Application, playground: Playground) -> None:
    """The page at ``/``, beside the Bot API the emulator serves on the same port."""
    page = PlaygroundWeb(playground)
    app.router.add_get("/", page.index)
    app.router.add_static("/static/", STATIC_DIR)
    app.router.add_get("/api/state", page.state)
    app.router.add_get("/api/events", page.events)
    app.router.add_get("/api/files/{file_id}", page.file)
    app.router.add_post("/api/chats/{role}/send", page.send)
    app.router.add_post("/api/zalo/send", page.zalo_send)
    app.router.add_post("/api/chats/{role}/press", page.press)
    app.router.add_post("/api/chats/{role}/reply", page.reply)
    app.router.add_post("/api/customer", page.new_customer)
    app.router.add_post("/api/reset", page.reset)
