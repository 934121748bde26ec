"""The rush on several webhook workers: PostgreSQL, a throw-away Redis, the emulator's
round-robin standing for the load balancer; each worker is ``ocop-bot run --webhook``."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from bench.rush_setup import BotProcess, Database, support_module
from emulators.telegram import Emulator

PUBLIC_URL = "https://shop.example.vn/telegram/webhook"
# Connections per worker: 2 × pool_size each, under PostgreSQL's 100 for three workers.
POOL_SIZE = 15


def _redis_server() -> Any:
    """The tests' throw-away Redis (Debian's redis-server on 127.0.0.1)."""
    return support_module("redis").RedisServer()


@contextlib.asynccontextmanager
async def redis_url() -> AsyncIterator[str]:
    server = _redis_server()
    await asyncio.to_thread(server.start)
    try:
        yield server.url()
    finally:
        await asyncio.to_thread(server.stop)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Worker(BotProcess):
    """One ``ocop-bot run --webhook --port N``."""

    def __init__(
        self, root: Path, emulator: Emulator, token: str, database: Database, *, number: int,
        redis: str, secret: str, paced: bool = True,
    ) -> None:  # fmt: skip
        super().__init__(root, emulator, token, database, command=f"worker{number}", paced=paced)
        self.port = _free_port()
        self.redis, self.secret = redis, secret

    def argv(self, config: Path) -> list[str]:
        ocop_bot = str(Path(sys.executable).with_name("ocop-bot"))
        return [ocop_bot, "--config", str(config), "run", "--webhook", "--port", str(self.port)]

    def environment(self) -> dict[str, str]:
        return {"REDIS_URL": self.redis, "WEBHOOK_URL": PUBLIC_URL, "WEBHOOK_SECRET": self.secret}

    def config_text(self) -> str:
        return super().config_text() + f"[database]\npool_size = {POOL_SIZE}\n"

    def ready(self) -> bool:
        # It listens once it has started (and set the webhook).
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.05):
                return True
        except OSError:
            return False


class Workers:
    """N workers behind the emulator's round-robin, with BotProcess's interface."""

    def __init__(
        self, root: Path, emulator: Emulator, token: str, database: Database, *, count: int,
        redis: str, paced: bool = True,
    ) -> None:  # fmt: skip
        secret = secrets.token_urlsafe(24)
        self.emulator = emulator
        self.workers = [
            Worker(
                root,
                emulator,
                token,
                database,
                number=n,
                redis=redis,
                secret=secret,
                paced=paced,
            )
            for n in range(count)
        ]

    async def start(self) -> None:
        self.emulator.webhooks.balance([f"http://127.0.0.1:{w.port}" for w in self.workers])
        try:
            await asyncio.gather(*(worker.start() for worker in self.workers))
        except BaseException:
            await self.stop()  # those that did start
            raise

    async def stop(self) -> None:
        await asyncio.gather(*(worker.stop() for worker in self.workers))
        # As `deleteWebhook`: the trivial bot that follows polls.
        self.emulator.bot.webhook = None
        self.emulator.webhooks.balance([])

    def peak_rss_mb(self) -> float | None:
        sizes = [worker.peak_rss_mb() for worker in self.workers]
        return round(sum(s for s in sizes if s is not None), 1)

    def log_text(self) -> str:
        return "".join(worker.log_text() for worker in self.workers)
