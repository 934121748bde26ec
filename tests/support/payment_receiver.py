"""A stand-in for the shop's payment receiver: it records every notification as it arrived
(raw body and headers) and answers what the test tells it to."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web

HANG = "hang"  # an answer that never comes


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    def __init__(self, default: tuple[int, str] = (200, '{"success": true}')) -> None:
        self.default = default
        self.received: list[Received] = []
        self._answers: deque[tuple[int, str] | str] = deque()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    def answer(self, *answers: tuple[int, str] | str) -> None:
        """Answer the next notifications so ((status, body) or HANG), then the default."""
        self._answers.extend(answers)

    def url(self, path: str = "/payments") -> str:
        return self.base_url + path

    async def _handle(self, request: web.Request) -> web.Response:
        self.received.append(Received(request.path, dict(request.headers), await request.read()))
        answer = self._answers.popleft() if self._answers else self.default
        if answer == HANG:
            await asyncio.sleep(3600)
        assert isinstance(answer, tuple)
        status, body = answer
        return web.Response(status=status, text=body, content_type="application/json")

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
