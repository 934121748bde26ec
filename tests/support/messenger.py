"""Plain HTTP around the Messenger emulator: Graph calls as any client makes them, and a
stand-in for the shop's webhook that records each POST byte for byte."""

from __future__ import annotations

import asyncio
import io
import json as jsonlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from PIL import Image

from emulators.messenger import MessengerEmulator

APP_SECRET = "0123456789abcdef0123456789abcdef"
VERIFY_TOKEN = "verify-me-please"
VERSION = "v25.0"


async def graph(
    meta: MessengerEmulator,
    method: str,
    path: str,
    *,
    token: str | None = None,
    json: Any = None,
    data: Any = None,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    """``method`` ``/{VERSION}{path}`` with the first Page's token as ``access_token``
    (``token=""``: none); the HTTP status and the JSON answer."""
    query = dict(params or {})
    if token is None:
        token = meta.page.token
    if token:
        query["access_token"] = token
    url = f"{meta.base_url}/{VERSION}{path}"
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, url, json=json, data=data, params=query, headers=headers) as reply,
    ):
        return reply.status, await reply.json()


async def send(meta: MessengerEmulator, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """``POST /{page-id}/messages`` with a JSON body."""
    return await graph(meta, "POST", f"/{meta.page.id}/messages", json=body)


async def eventually(condition: Callable[[], bool], timeout: float = 3.0) -> None:  # noqa: ASYNC109
    """Wait for something outside the emulator (the stand-in shop) to become true."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"still not true after {timeout}s")
        await asyncio.sleep(0.01)


def error_of(answer: dict[str, Any]) -> tuple[int, int | None]:
    error = answer["error"]
    return error["code"], error.get("error_subcode")


@dataclass(frozen=True)
class Received:
    body: bytes
    headers: dict[str, str]


class ShopWebhook:
    """The shop's webhook as Meta reaches it: answers the verification GET when the token
    matches, records every POST (raw body and headers) and answers each with the next of
    ``statuses`` (200 once they run out)."""

    def __init__(self, verify_token: str = VERIFY_TOKEN) -> None:
        self.verify_token = verify_token
        self.challenge_answer: str | None = None  # answer this instead of the challenge
        self.statuses: list[int] = []
        self.hold: asyncio.Event | None = None
        self.received: list[Received] = []
        self.app = web.Application()
        self.app.router.add_get("/messenger/webhook", self.verify)
        self.app.router.add_post("/messenger/webhook", self.receive)
        self.runner = web.AppRunner(self.app, access_log=None)
        self.url = ""

    async def verify(self, request: web.Request) -> web.Response:
        query = request.query
        if query.get("hub.mode") == "subscribe" and query.get("hub.verify_token") == (
            self.verify_token
        ):
            answer = self.challenge_answer
            return web.Response(text=query.get("hub.challenge", "") if answer is None else answer)
        return web.Response(status=403)

    async def receive(self, request: web.Request) -> web.Response:
        self.received.append(Received(await request.read(), dict(request.headers)))
        if self.hold is not None:
            await self.hold.wait()
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)

    @property
    def events(self) -> list[dict[str, Any]]:
        """Every messaging event or feed change received, in order."""
        found: list[dict[str, Any]] = []
        for received in self.received:
            for entry in jsonlib.loads(received.body)["entry"]:
                found += entry.get("messaging", []) + entry.get("changes", [])
        return found

    async def start(self) -> None:
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}/messenger/webhook"

    async def stop(self) -> None:
        if self.hold is not None:
            self.hold.set()
        await self.runner.cleanup()


def png(width: int = 8, height: int = 8) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


class ImageServer:
    """Where the Page's pictures are: ``/pic.png`` is an image, ``/page.html`` is not,
    anything else is 404."""

    def __init__(self) -> None:
        self.app = web.Application()
        self.app.router.add_get("/pic.png", self.picture)
        self.app.router.add_get("/page.html", self.page)
        self.runner = web.AppRunner(self.app, access_log=None)
        self.url = ""

    async def picture(self, request: web.Request) -> web.Response:
        return web.Response(body=png(), content_type="image/png")

    async def page(self, request: web.Request) -> web.Response:
        return web.Response(text="<html>not a picture</html>", content_type="text/html")

    async def start(self) -> None:
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}"

    async def stop(self) -> None:
        await self.runner.cleanup()
