"""Messenger with two webhook workers on PostgreSQL and Redis (``pytest -k messenger``): Meta
posts to one URL, a proxy hands each POST to the next worker in turn — as nginx does in
deploy/nginx.conf — so a customer's consecutive events land on different workers, which share
the conversation state and the per-person lock through Redis and the handled ``mid``s
through the database."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import asyncpg
import pytest
import pytest_asyncio
from aiohttp import web
from redis.asyncio import Redis
from sqlalchemy.engine import make_url
from support.botprocess import ADMIN_ID, OCOP_BOT, BotProcess, Shop
from support.messenger import VERIFY_TOKEN
from support.messenger_shop import choose, messenger_env, running_meta, until
from support.postgres import _free_port

from catalog import migrate
from catalog.db import create_engine, create_session_factory
from catalog.demo.seed import seed_demo_catalog
from catalog.uow import UnitOfWork
from emulators.messenger import MessengerEmulator
from emulators.telegram import Emulator

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.postgres]

WORKERS = 2
WAIT = 30.0
BOT_TOML = """
[database]
pool_size = 4
[outbox]
lease_seconds = 3
poll_seconds = 1
"""


def plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


class RoundRobin:
    """The reverse proxy: each POST, byte for byte with its headers, to the next worker."""

    def __init__(self, targets: list[str]) -> None:
        self.targets = targets
        self.served: list[str] = []
        self._next = 0
        self.app = web.Application()
        self.app.router.add_route("*", "/messenger/webhook", self.forward)
        self.runner = web.AppRunner(self.app, access_log=None)
        self.url = ""

    async def forward(self, request: web.Request) -> web.Response:
        target = self.targets[self._next % len(self.targets)]
        self._next += 1
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host",)}
        async with (
            aiohttp.ClientSession() as session,
            session.request(
                request.method,
                target + "/messenger/webhook",
                params=request.query,
                data=await request.read(),
                headers=headers,
            ) as reply,
        ):
            if request.method == "POST":
                self.served.append(target)
            return web.Response(status=reply.status, body=await reply.read())

    async def start(self) -> None:
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}/messenger/webhook"

    async def stop(self) -> None:
        await self.runner.cleanup()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def database(postgres_server: str, demo_template: tuple[Path, Path]) -> AsyncIterator[str]:
    name = f"mworkers_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(dsn=plain(postgres_server))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        await seed_demo_catalog(UnitOfWork(create_session_factory(engine)), demo_template[1])
    finally:
        await engine.dispose()
    yield url
    admin = await asyncpg.connect(dsn=plain(postgres_server))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def meta() -> AsyncIterator[MessengerEmulator]:
    async for emulator in running_meta():
        yield emulator


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def proxy(
    emulator: Emulator,
    shop: Shop,
    database: str,
    redis_server: str,
    meta: MessengerEmulator,
) -> AsyncIterator[RoundRobin]:
    redis = Redis.from_url(redis_server)
    await redis.flushall()
    await redis.aclose()
    ports = [_free_port() for _ in range(WORKERS)]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    emulator.webhooks.balance(urls)
    env = {
        **messenger_env(meta, _free_port()),  # the port is unused: workers serve their own
        "DATABASE_URL": database,
        "REDIS_URL": redis_server,
        "WEBHOOK_URL": "https://shop.example.vn/telegram/webhook",
        "WEBHOOK_SECRET": "e2e-webhook-secret_" + uuid.uuid4().hex,
    }
    processes = [
        BotProcess(
            emulator,
            replace(shop, log=shop.root / f"worker{number}.log"),
            extra_env=env,
            command=[
                str(OCOP_BOT),
                "--config",
                str(shop.config),
                "run",
                "--webhook",
                "--port",
                str(port),
            ],
            ready_line="webhook: serving",
        )
        for number, port in enumerate(ports)
    ]
    emulator.person("Quản trị", language_code="en", user_id=ADMIN_ID)
    await asyncio.gather(*(process.start() for process in processes))
    balancer = RoundRobin(urls)
    await balancer.start()
    await meta.webhook.subscribe(balancer.url, VERIFY_TOKEN)
    page = meta.page
    assert await meta.wait_until(lambda: "get_started" in page.profile or None, WAIT)
    yield balancer
    await balancer.stop()
    await asyncio.gather(*(process.stop() for process in processes))
    for process in processes:
        assert "Traceback" not in process.log_text(), process.log_text()
    assert not meta.errors, meta.errors


async def test_messenger_checkout_whose_events_land_on_different_workers_completes(
    meta: MessengerEmulator, proxy: RoundRobin, database: str
) -> None:
    lan = meta.person("Lan")
    await lan.get_started()
    await lan.next_message(timeout=WAIT)
    await lan.send("tinh dau sa chanh")
    await lan.wait_for(lambda m: any("sả chanh" in e.title for e in m.elements), WAIT)
    oil = next(
        e.title for m in lan.messages for e in m.elements if e.title.startswith("Tinh dầu sả")
    )
    await lan.tap_button("🔍 Xem", element=oil)
    await choose(lan, "🛒 Thêm 1 vào giỏ", WAIT)
    await until(lan, "Đã thêm vào giỏ", WAIT)
    await lan.tap_menu("🛒 Giỏ hàng")
    await choose(lan, "✅ Đặt hàng", WAIT)
    await until(lan, "Giao hàng đến đâu?", WAIT)
    for answer, question in (
        ("Hà Nội", "Địa chỉ ở Hà Nội"),
        ("Phường Cửa Nam", "Số nhà"),
        ("8 Tràng Thi", "Ai nhận hàng?"),
        ("Phạm Thu Hà 0912 345 678", "thanh toán"),
    ):
        await lan.send(answer)
        await until(lan, question, WAIT)
    await choose(lan, "📝 Thêm ghi chú cho cơ sở sản xuất", WAIT)
    await until(lan, "Ghi chú cho cơ sở sản xuất", WAIT)
    await lan.send("Giao giờ hành chính")
    await until(lan, "thanh toán", WAIT)
    await choose(lan, "💵 Thanh toán khi nhận hàng (COD)", WAIT)
    await until(lan, "Đơn hàng của bạn", WAIT)
    await choose(lan, "✅ Xác nhận đặt hàng", WAIT)
    await until(lan, "Đơn hàng đã được đặt", WAIT)
    assert len(set(proxy.served)) == WORKERS  # both workers took part of it
    connection = await asyncpg.connect(dsn=plain(database))
    try:
        rows = await connection.fetch(
            "SELECT o.channel FROM orders o JOIN users u ON u.id = o.user_id"
            " WHERE u.external_id = $1",
            lan.psid,
        )
    finally:
        await connection.close()
    assert [row["channel"] for row in rows] == ["messenger"]


async def test_a_mid_posted_again_to_another_worker_is_handled_once(
    meta: MessengerEmulator, proxy: RoundRobin
) -> None:
    an = meta.person("An")
    await an.send("bat trang")
    await an.wait_for(lambda m: bool(m.elements), WAIT)
    await meta.webhook.settled(WAIT)
    delivered = meta.webhook.deliveries[-1]
    again = await meta.webhook.resend(delivered)  # the next POST goes to the other worker
    assert again.ok
    await meta.wait_until(lambda: None, 2.0)
    results = [m for m in an.messages if "bat trang" in (m.text or "")]
    assert len(results) == 1, an.explain()


async def test_a_comment_posted_again_to_another_worker_is_answered_once(
    meta: MessengerEmulator, proxy: RoundRobin
) -> None:
    post = meta.publish_post("Livestream Bát Tràng", live=True)
    minh = meta.person("Minh")
    comment = await minh.comment(post, "chốt QUANGVINH-SEN-AC")
    reply = await minh.next_message(timeout=WAIT)
    assert reply.private_reply_to == comment.id
    await meta.webhook.settled(WAIT)
    delivered = next(d for d in meta.webhook.deliveries if comment.id in d.body.decode())
    served = len(proxy.served)
    again = await meta.webhook.resend(delivered)  # the next POST goes to the other worker
    assert again.ok
    assert proxy.served[served] != proxy.served[served - 1]
    await meta.wait_until(lambda: None, 2.0)
    assert len(minh.messages) == 1, minh.explain()
    assert meta.stats.private_replies == 1  # and no second one tried (no 10900: see teardown)
