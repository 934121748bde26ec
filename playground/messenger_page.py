"""What the person on Messenger does on the playground's page: type, tap a quick reply or a
button on any message (Messenger keeps old buttons tappable), press Get Started or an item of
the Page's menu, comment under the Page's livestream post, make way for a new person; and the
pictures the Page sent. JSON requests only."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from emulators.messenger import MessengerPerson, Post
from playground.app import Playground
from playground.http import fail, json_response

MAX_TEXT = 2000


class MessengerPage:
    def __init__(self, playground: Playground) -> None:
        self.pg = playground

    async def _body(self, request: web.Request) -> dict[str, Any]:
        # JSON only: a cross-site form cannot send it without a preflight we never allow.
        if request.content_type != "application/json":
            raise fail(415, "send application/json")
        if not self.pg.ready or self.pg.messenger.person is None:
            raise fail(503, "the playground is starting; try again in a moment")
        try:
            body = await request.json()
        except ValueError:
            raise fail(400, "malformed JSON") from None
        if not isinstance(body, dict):
            raise fail(400, "expected a JSON object")
        return body

    @property
    def person(self) -> MessengerPerson:
        person = self.pg.messenger.person
        assert person is not None
        return person

    @staticmethod
    def _index(body: dict[str, Any], name: str, *, optional: bool = False) -> int | None:
        value = body.get(name)
        if value is None and optional:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise fail(400, f"{name} must be a non-negative integer")
        return value

    @staticmethod
    def _text(body: dict[str, Any]) -> str:
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise fail(400, "type something first")
        if len(text) > MAX_TEXT:
            raise fail(400, f"the playground takes {MAX_TEXT} characters in a message")
        return text

    async def send(self, request: web.Request) -> web.Response:
        text = self._text(await self._body(request))
        async with self.pg.lock:
            await self.person.send(text)
        return json_response({"ok": True})

    async def get_started(self, request: web.Request) -> web.Response:
        await self._body(request)
        async with self.pg.lock:
            person = self.person
            if person.user.thread or "get_started" not in person.page.profile:
                raise fail(400, "Get Started is shown in a new thread only")
            await person.get_started()
        return json_response({"ok": True})

    async def quick_reply(self, request: web.Request) -> web.Response:
        index = self._index(await self._body(request), "index")
        async with self.pg.lock:
            person = self.person
            shown = person.quick_reply_options()
            if index is None or index >= len(shown):
                raise fail(404, "that quick reply is gone")
            reply = person.emulator.person_taps_quick_reply(person.user, shown[index])
        return json_response({"ok": True, "text": reply.text})

    async def button(self, request: web.Request) -> web.Response:
        """A button of a message (or of one of its cards): a postback reaches the Page, a link
        is opened by the page."""
        body = await self._body(request)
        number, card, place = (
            self._index(body, "message"),
            self._index(body, "card", optional=True),
            self._index(body, "button"),
        )
        async with self.pg.lock:
            person = self.person
            thread = person.user.thread
            if number is None or number >= len(thread) or not thread[number].from_page:
                raise fail(404, "that message is gone")
            content = thread[number].content
            try:
                buttons = content.buttons if card is None else content.elements[card].buttons
                button = buttons[place or 0]
            except IndexError:
                raise fail(404, "that button is gone") from None
            if button.type == "postback":
                person.emulator.person_postback(person.user, button.title, button.payload or "")
                return json_response({"ok": True})
        if button.type == "web_url" and button.url:
            return json_response({"ok": True, "url": button.url})
        raise fail(400, "the playground cannot press this kind of button")

    async def menu(self, request: web.Request) -> web.Response:
        index = self._index(await self._body(request), "index")
        async with self.pg.lock:
            person = self.person
            menus = {m["locale"]: m for m in person.page.profile.get("persistent_menu", [])}
            items = (menus.get(person.user.locale) or menus.get("default") or {}).get(
                "call_to_actions", []
            )
            if index is None or index >= len(items):
                raise fail(404, "that menu item is gone")
            await person.tap_menu(items[index]["title"])
        return json_response({"ok": True})

    async def comment(self, request: web.Request) -> web.Response:
        text = self._text(await self._body(request))
        async with self.pg.lock:
            post: Post | None = self.pg.messenger.post
            if post is None:
                raise fail(503, "the playground is starting; try again in a moment")
            await self.person.comment(post, text)
        return json_response({"ok": True})

    async def new_person(self, request: web.Request) -> web.Response:
        await self._body(request)
        async with self.pg.lock:
            person = self.pg.messenger.new_person()
        return json_response({"ok": True, "person": {"psid": person.psid, "name": person.name}})

    async def file(self, request: web.Request) -> web.Response:
        data = self.pg.messenger.attachment(request.match_info["attachment_id"])
        if data is None:
            raise fail(404, "no such picture")
        kind = "image/jpeg" if data[:2] == b"\xff\xd8" else "image/png"
        response = web.Response(body=data, content_type=kind)
        response.headers["Cache-Control"] = "max-age=3600"
        return response


def add_messenger_routes(app: web.Application, playground: Playground) -> None:
    page = MessengerPage(playground)
    app.router.add_post("/api/messenger/send", page.send)
    app.router.add_post("/api/messenger/start", page.get_started)
    app.router.add_post("/api/messenger/quick-reply", page.quick_reply)
    app.router.add_post("/api/messenger/button", page.button)
    app.router.add_post("/api/messenger/menu", page.menu)
    app.router.add_post("/api/messenger/comment", page.comment)
    app.router.add_post("/api/messenger/person", page.new_person)
    app.router.add_get("/api/messenger/files/{attachment_id}", page.file)
