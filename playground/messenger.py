"""A customer on the shop's Facebook Page in the playground: the project's Messenger emulator
under ``/graph`` of the playground's own server, the Page's webhook at ``/messenger/webhook``
handed to the running bot's Messenger channel, a person chatting with the Page, and the
Page's livestream post (tied to two products) to comment under."""

from __future__ import annotations

import secrets
from typing import Any

from aiohttp import web

from bot.config import MessengerSettings
from catalog.services import posts
from catalog.services.inventory import Actor
from catalog.uow import UnitOfWork
from emulators.messenger import MessengerEmulator, MessengerPerson, Post, ThreadMessage

PAGE_ID = "101010101010101"
PAGE_NAME = "OCOP Shop"
PAGE_USERNAME = "ocopshop"
VERIFY_TOKEN = "offline-playground-verify"
PREFIX = "/graph"
WEBHOOK = "/messenger/webhook"
LIVESTREAM = "🔴 Trực tiếp: Gốm sứ Quang Vinh, Bát Tràng — bộ ấm chén hoa sen và men lam"
LIVESTREAM_PRODUCTS = ("QUANGVINH-SEN-AC", "QUANGVINH-ENSEN-AC")
# People the "new person" button brings in turn.
PEOPLE = (("Thảo", "+84912345701"), ("Quân", "+84912345702"), ("Ngọc", "+84912345703"))


class Webhook:
    """The Page's webhook on the playground's server, answered by the Messenger channel of
    whichever bot runs now (503 while none does: Meta posts it again)."""

    def __init__(self) -> None:
        self.target: Any = None  # bot.messenger.webhook.MessengerWebhook

    async def verify(self, request: web.Request) -> web.StreamResponse:
        if self.target is None:
            return web.Response(status=503, text="starting")
        response: web.StreamResponse = await self.target.verify(request)
        return response

    async def receive(self, request: web.Request) -> web.StreamResponse:
        if self.target is None:
            return web.Response(status=503, text="starting")
        response: web.StreamResponse = await self.target.receive(request)
        return response


class MessengerSide:
    def __init__(self, app: web.Application, on_change: Any) -> None:
        self.emulator = MessengerEmulator()
        self.page = self.emulator.add_page(PAGE_NAME, page_id=PAGE_ID, username=PAGE_USERNAME)
        self.emulator.add_routes(app, prefix=PREFIX)
        self.emulator.on_change = on_change
        self.webhook = Webhook()
        app.router.add_get(WEBHOOK, self.webhook.verify)
        app.router.add_post(WEBHOOK, self.webhook.receive)
        self.person: MessengerPerson | None = None
        self.post: Post | None = None
        self._number = 0
        self.url = ""

    def settings(self, base: MessengerSettings, url: str) -> MessengerSettings:
        """The bot's Messenger settings for this Page on the playground's server."""
        self.url = url
        return base.model_copy(
            update={
                "page_id": PAGE_ID,
                "page_token": self.page.token,
                "app_secret": self.emulator.app_secret,
                "verify_token": VERIFY_TOKEN,
                "api_base": url + PREFIX,
                "page_username": PAGE_USERNAME,
                "public_url": "",
            }
        )

    async def start(self) -> None:
        await self.emulator.start(serve=False)

    async def stop(self) -> None:
        await self.emulator.stop()

    async def connect(self, target: Any) -> None:
        """The bot's channel answers the webhook; the App Dashboard's callback URL is set
        (verified) the first time."""
        self.webhook.target = target
        if self.emulator.webhook.url is None:
            await self.emulator.webhook.subscribe(self.url + WEBHOOK, VERIFY_TOKEN)

    def disconnect(self) -> None:
        self.webhook.target = None

    async def prepare(self, uow: UnitOfWork, admin_id: int) -> None:
        """A new person, and the livestream's post tied to its products (as an admin's
        ``/post`` would)."""
        self.post = self.emulator.publish_post(LIVESTREAM, live=True)
        await posts.tie_post(
            uow,
            actor=Actor(user_id=admin_id, is_admin=True),
            post_id=self.post.id,
            skus=list(LIVESTREAM_PRODUCTS),
        )
        self.new_person()

    def reset(self) -> None:
        self.emulator.reset()
        self.person = None
        self.post = None

    def new_person(self) -> MessengerPerson:
        """Someone on Messenger who has not written to the Page yet."""
        name, phone = PEOPLE[self._number % len(PEOPLE)]
        self._number += 1
        self.person = self.emulator.person(name, phone=phone, psid=_psid())
        self.emulator.notify_changed()
        return self.person

    # -- what the pane shows ------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        person, post = self.person, self.post
        thread = person.user.thread if person else []
        comments = []
        if person is not None and post is not None:
            comments = [
                {"id": c.id, "text": c.message, "date": c.created_time}
                for c in self.page.comments.values()
                if c.post.id == post.id and c.author.psid == person.psid
            ]
        menu = {m["locale"]: m for m in self.page.profile.get("persistent_menu", [])}
        default = menu.get("default") or {}
        return {
            "version": self.emulator.version,
            "page": {"id": self.page.id, "name": self.page.name},
            "me": {"psid": person.psid, "name": person.name} if person else None,
            "get_started": "get_started" in self.page.profile,
            "menu": [item["title"] for item in default.get("call_to_actions", [])],
            "typing": bool(person and person.typing),
            "messages": [_message(index, m) for index, m in enumerate(thread)],
            "quick_replies": [
                {"title": r.title, "kind": r.content_type}
                for r in (person.quick_reply_options() if person else ())
            ],
            "post": {"id": post.id, "text": post.message, "comments": comments} if post else None,
        }

    def attachment(self, attachment_id: str) -> bytes | None:
        stored = self.page.attachments.get(attachment_id)
        return stored.data if stored is not None else None


def _psid() -> str:
    return str(10**15 + secrets.randbelow(9 * 10**15))


def _message(index: int, message: ThreadMessage) -> dict[str, Any]:
    content = message.content
    data: dict[str, Any] = {
        "index": index,
        "from_page": message.from_page,
        "date": message.timestamp / 1000,
        "action": message.action,
        "text": content.text,
        "private_reply": message.private_reply_to is not None,
        "kind": content.kind,
    }
    if content.kind == "image":
        data["image"] = content.attachment_id
    if content.buttons:
        data["buttons"] = [{"title": b.title, "type": b.type} for b in content.buttons]
    if content.elements:
        data["cards"] = [
            {
                "title": e.title,
                "subtitle": e.subtitle,
                "buttons": [{"title": b.title, "type": b.type} for b in e.buttons],
            }
            for e in content.elements
        ]
    return data
