"""Three webhook workers on PostgreSQL and Redis, behind the emulator's round-robin.

Each worker is ``ocop-bot run --webhook`` as an operator starts it (README: several
workers); the emulator posts every update to the next worker in turn, so a person's
consecutive taps land on different workers.
"""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import asyncpg
import pytest
import pytest_asyncio
from redis.asyncio import Redis
from sqlalchemy.engine import make_url
from support.botprocess import ADMIN_ID, OCOP_BOT, BotProcess, Shop, link_group_through_the_bot
from support.journeys import (
    HANOI_DELIVERY_VI,
    Tap,
    answer_in_turn,
    open_checkout,
    search_and_add,
)
from support.postgres import _free_port

from bot.election import KEY as SENDER_KEY
from catalog import migrate
from catalog.db import create_engine, create_session_factory
from catalog.demo.seed import seed_demo_catalog
from catalog.money import format_vnd
from catalog.uow import UnitOfWork
from emulators.telegram import ChatMessage, Emulator, Person
from emulators.telegram.params import ApiCall

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.postgres]

WORKERS = 3
PUBLIC_URL = "https://shop.example.vn/telegram/webhook"
SECRET = "e2e-webhook-secret_" + uuid.uuid4().hex
WAIT = 30.0
BOT_TOML = """
[database]
pool_size = 4
[outbox]
lease_seconds = 3
poll_seconds = 1
"""

LABELS = {
    "vi": {
        "cod": "💵 Thanh toán khi nhận hàng (COD)",
        "review": "Đơn hàng của bạn",
        "confirm": "✅ Xác nhận đặt hàng",
        "placed": "Cảm ơn bạn! Đơn hàng đã được đặt.",
        "in_stock": "✅ Còn hàng: {n}",
        "steps": HANOI_DELIVERY_VI,
    },
    "en": {
        "cod": "💵 Cash on delivery",
        "review": "Your order",
        "confirm": "✅ Confirm order",
        "placed": "Thank you! Your order is placed.",
        "in_stock": "✅ In stock: {n}",
        "steps": (
            ("Hà Nội", "The address in Hà Nội"),
            ("Phường Cửa Nam", "House number"),
            ("8 Trang Thi", "Who receives the parcel?"),
            ("Pham Thu Ha 0912 345 678", "How will you pay?"),
            (Tap("📝 Add a note for the producer"), "A note for the producer?"),
            ("Office hours please", "How will you pay?"),
        ),
    },
}
# (sku, Vietnamese name, English name, price)
OIL = ("BABE-SA-10", "Tinh dầu sả chanh", "Lemongrass essential oil", 75_000)


def label(product: tuple[str, str, str, int], language: str) -> str:
    name = product[1] if language == "vi" else product[2]
    return f"{name} · {format_vnd(product[3], language)}"


# -- the servers ------------------------------------------------------------------------------


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def database(postgres_server: str, demo_template: tuple[Path, Path]) -> AsyncIterator[str]:
    """A PostgreSQL database with the demo catalog, for this module's workers."""
    name = f"workers_{uuid.uuid4().hex[:10]}"
    server = make_url(postgres_server)
    admin = await asyncpg.connect(dsn=plain(postgres_server))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = server.set(database=name).render_as_string(hide_password=False)
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


def plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


class Workers:
    def __init__(self, emulator: Emulator, database: str, redis_url: str) -> None:
        self.emulator = emulator
        self.database = database
        self.redis_url = redis_url
        self.processes: list[BotProcess] = []
        self.urls: list[str] = []
        self.killed: set[int] = set()

    async def query(self, sql: str, *args: object) -> list[asyncpg.Record]:
        connection = await asyncpg.connect(dsn=plain(self.database))
        try:
            return list(await connection.fetch(sql, *args))
        finally:
            await connection.close()

    async def sender(self) -> int:
        """Which worker sends the outbox (its index), as the election in Redis says."""
        redis = Redis.from_url(self.redis_url)
        try:
            holder = await redis.get(SENDER_KEY)
        finally:
            await redis.aclose()
        assert holder is not None, "no worker sends the outbox"
        pid = int(holder.decode().split(":")[1])
        pids = [p.process.pid if p.process else -1 for p in self.processes]
        return pids.index(pid)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def workers(
    emulator: Emulator,
    shop: Shop,
    database: str,
    redis_server: str,
) -> AsyncIterator[Workers]:
    redis = Redis.from_url(redis_server)
    await redis.flushall()
    await redis.aclose()
    team = Workers(emulator, database, redis_server)
    ports = [_free_port() for _ in range(WORKERS)]
    team.urls = [f"http://127.0.0.1:{port}" for port in ports]
    emulator.webhooks.balance(team.urls)
    env = {
        "DATABASE_URL": database,
        "REDIS_URL": redis_server,
        "WEBHOOK_URL": PUBLIC_URL,
        "WEBHOOK_SECRET": SECRET,
    }
    for number, port in enumerate(ports):
        own = replace(shop, log=shop.root / f"worker{number}.log")
        command = [str(OCOP_BOT), "--config", str(shop.config), "run", "--webhook"]
        team.processes.append(
            BotProcess(
                emulator,
                own,
                extra_env=env,
                command=[*command, "--port", str(port)],
                ready_line="webhook: serving",
            )
        )
    # The admin has talked to the bot before (their command menu is set at start).
    admin = emulator.person("Quản trị", language_code="en", user_id=ADMIN_ID)
    await asyncio.gather(*(process.start() for process in team.processes))
    await admin.send("/start")
    await admin.next_message(timeout=WAIT)
    yield team
    await asyncio.gather(*(process.stop() for process in team.processes))
    for number, process in enumerate(team.processes):
        if number not in team.killed:
            assert "Traceback" not in process.log_text(), process.log_text()
    errors = [e.describe() for e in emulator.api_errors()]
    if team.killed:
        # A press the killed worker answered before it died is posted again (it got no 2xx)
        # and answered again: Telegram refuses the second answer, as the emulator does; and
        # the buttons it took off cannot be taken off twice.
        errors = [
            e
            for e in errors
            if not ("answerCallbackQuery" in e and "too old" in e)
            and not ("editMessageReplyMarkup" in e and "not modified" in e)
        ]
    assert not errors


@pytest.fixture(scope="module")
def admin(emulator: Emulator, workers: Workers) -> Person:
    return Person(emulator, emulator.users[ADMIN_ID])


# -- journeys ---------------------------------------------------------------------------------


async def add_oil(person: Person, language: str) -> None:
    await search_and_add(person, "sả chanh", label(OIL, language), language, wait=WAIT)


async def to_review(person: Person, language: str) -> ChatMessage:
    words = LABELS[language]
    await open_checkout(person, language, wait=WAIT)
    await answer_in_turn(person, words["steps"], wait=WAIT)
    await person.press(str(words["cod"]))
    return await person.wait_for(lambda m: str(words["review"]) in m.text, timeout=WAIT)


def confirm_data(person: Person, review: ChatMessage, language: str) -> str:
    wanted = str(LABELS[language]["confirm"])
    for row in review.inline_keyboard:
        for button in row:
            if button.get("text") == wanted:
                return str(button["callback_data"])
    raise AssertionError(f"no {wanted!r} button\n{person.transcript()}")


async def set_stock(admin: Person, sku: str, value: int) -> None:
    await admin.send(f"/stock {sku} {value}")
    reply = await admin.next_message(timeout=WAIT)
    assert f"{value}" in reply.text.replace(".", "").replace(",", ""), reply.text


async def stock_of(workers: Workers, sku: str) -> int:
    [row] = await workers.query("SELECT stock FROM products WHERE sku = $1", sku)
    return int(row["stock"])


async def orders_of(workers: Workers, user_id: int) -> list[asyncpg.Record]:
    return await workers.query("SELECT id, total FROM orders WHERE user_id = $1", user_id)


async def served_by(workers: Workers, first_update: int) -> set[str]:
    """The workers that handled updates from ``first_update`` on (once all are handled)."""
    emulator = workers.emulator
    assert await emulator.wait_until(lambda: not emulator.bot.updates or None, WAIT)
    return {
        attempt.url.split("/telegram")[0]
        for attempt in workers.emulator.webhooks.attempts
        if attempt.update_id >= first_update and attempt.status == 200
    }


# -- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
async def test_worker_checkout_whose_steps_land_on_different_workers_completes(
    emulator: Emulator, workers: Workers, language: str
) -> None:
    first = emulator.bot.next_update_id
    person = emulator.person("Thu", language_code=language)
    await person.send("/start")
    await person.next_message(timeout=WAIT)
    await add_oil(person, language)
    review = await to_review(person, language)
    assert "Phường Cửa Nam" in review.text
    await person.press(str(LABELS[language]["confirm"]))
    answer = await person.wait_callback_answer(timeout=WAIT)
    assert answer.text == LABELS[language]["placed"]
    [order] = await orders_of(workers, person.id)
    assert order["total"] == OIL[3]
    assert await served_by(workers, first) == set(workers.urls)


async def test_worker_double_tap_on_confirm_on_two_workers_places_one_order(
    emulator: Emulator, workers: Workers
) -> None:
    person = emulator.person("Hai", language_code="vi")
    await add_oil(person, "vi")
    review = await to_review(person, "vi")
    data = confirm_data(person, review, "vi")
    first = emulator.bot.next_update_id
    presses = [
        emulator.post_callback_query(person.chat, person.user, review, data) for _ in range(2)
    ]
    answered = await emulator.wait_until(
        lambda: all(p.answer for p in presses) or None, timeout=WAIT
    )
    assert answered, person.transcript()
    assert len(await served_by(workers, first)) == 2
    assert len(await orders_of(workers, person.id)) == 1


async def test_worker_twenty_customers_racing_for_five_units_get_five_orders(
    emulator: Emulator, workers: Workers, admin: Person
) -> None:
    await set_stock(admin, OIL[0], 5)
    people = [emulator.person(f"Khách {n}", language_code="vi") for n in range(20)]

    async def prepare(person: Person) -> tuple[Person, ChatMessage]:
        await add_oil(person, "vi")
        return person, await to_review(person, "vi")

    # Five at a time: every cart is filled before the stock runs out.
    ready: list[tuple[Person, ChatMessage]] = []
    for start in range(0, len(people), 5):
        ready += await asyncio.gather(*(prepare(p) for p in people[start : start + 5]))
    presses = [
        emulator.post_callback_query(p.chat, p.user, review, confirm_data(p, review, "vi"))
        for p, review in ready
    ]
    answered = await emulator.wait_until(
        lambda: all(p.answer for p in presses) or None, timeout=WAIT * 2
    )
    assert answered
    ids = [p.id for p in people]
    orders = await workers.query("SELECT id FROM orders WHERE user_id = ANY($1::bigint[])", ids)
    assert len(orders) == 5
    assert await stock_of(workers, OIL[0]) == 0


async def test_worker_stock_set_on_one_worker_shows_on_the_cards_of_the_others(
    emulator: Emulator, workers: Workers, admin: Person
) -> None:
    sku, name = "BABE-BUOI-10", "tinh dầu bưởi"
    before = await stock_of(workers, sku)

    async def card(person: Person) -> str:
        await person.send(name)
        await person.next_message(timeout=WAIT)
        listing = person.last_bot_message
        assert listing is not None
        first_label = person.buttons(listing)[0][0]
        await person.press(first_label)
        return (await person.next_message(timeout=WAIT)).text

    viewers = [emulator.person(f"Xem {n}", language_code="vi") for n in range(WORKERS)]
    first = emulator.bot.next_update_id
    # Every worker has the card (and its stock) in its cache...
    for viewer in viewers:
        assert f"✅ Còn hàng: {before}" in await card(viewer)
    assert await served_by(workers, first) == set(workers.urls)
    # ...when the stock is set on one of them.
    await set_stock(admin, sku, before + 17)
    first = emulator.bot.next_update_id
    for viewer in viewers:
        assert f"✅ Còn hàng: {before + 17}" in await card(viewer)
    assert await served_by(workers, first) == set(workers.urls)


async def test_worker_killed_after_confirming_leaves_the_rest_to_the_next_worker(
    emulator: Emulator, workers: Workers, admin: Person
) -> None:
    """The worker placing the order dies once it has taken the review's buttons off;
    Telegram posts the press again, and the next worker tells the customer the rest."""
    await set_stock(admin, OIL[0], 100)
    person = emulator.person("Tâm", language_code="vi")
    await add_oil(person, "vi")
    await open_checkout(person, "vi", wait=WAIT)
    await answer_in_turn(person, HANOI_DELIVERY_VI, wait=WAIT)
    await person.press("🏦 Chuyển khoản (VietQR)")
    review = await person.wait_for(lambda m: "Đơn hàng của bạn" in m.text, timeout=WAIT)
    victims: list[int] = []

    def kill_the_worker_confirming(call: ApiCall) -> None:
        if call.method.lower() != "editmessagereplymarkup" or victims:
            return
        if str(call.params.get("message_id")) != str(review.message_id):
            return
        [url] = [
            url
            for url, update in emulator.webhooks.posting.values()
            if update.get("callback_query", {}).get("from", {}).get("id") == person.id
        ]
        victim = workers.urls.index(url.split("/telegram")[0])
        process = workers.processes[victim].process
        assert process is not None
        workers.killed.add(victim)
        victims.append(victim)
        os.killpg(process.pid, signal.SIGKILL)

    emulator.call_hooks.append(kill_the_worker_confirming)
    try:
        await person.press("✅ Xác nhận đặt hàng")
        placed = await person.wait_for(lambda m: "Đơn hàng đã được đặt" in m.text, timeout=WAIT)
    finally:
        emulator.call_hooks.remove(kill_the_worker_confirming)
    assert victims, person.transcript()
    [order] = await orders_of(workers, person.id)
    number = f"DH{order['id']:05d}"
    assert number in placed.text
    code = await person.wait_for(lambda m: m.photo is not None, timeout=WAIT)
    assert number in code.text
    assert sum("Đơn hàng đã được đặt" in m.text for m in person.bot_messages()) == 1
    # The team is whole again for what follows.
    await workers.processes[victims[0]].start()


async def test_worker_killed_once_the_order_is_told_leaves_the_code_to_the_next_worker(
    emulator: Emulator, workers: Workers, admin: Person
) -> None:
    """The worker placing the order dies the moment the placed-order message has gone, before
    the VietQR code: the next worker handles the press again and sends the code."""
    await set_stock(admin, OIL[0], 100)
    person = emulator.person("Hà", language_code="vi")
    await add_oil(person, "vi")
    await open_checkout(person, "vi", wait=WAIT)
    await answer_in_turn(person, HANOI_DELIVERY_VI, wait=WAIT)
    await person.press("🏦 Chuyển khoản (VietQR)")
    await person.wait_for(lambda m: "Đơn hàng của bạn" in m.text, timeout=WAIT)
    victims: list[int] = []

    def kill_the_worker_telling(call: ApiCall) -> None:
        if call.method.lower() != "sendmessage" or victims:
            return
        if str(call.params.get("chat_id")) != str(person.id):
            return
        if "Đơn hàng đã được đặt" not in str(call.params.get("text")):
            return
        [url] = [
            url
            for url, update in emulator.webhooks.posting.values()
            if update.get("callback_query", {}).get("from", {}).get("id") == person.id
        ]
        victim = workers.urls.index(url.split("/telegram")[0])
        process = workers.processes[victim].process
        assert process is not None
        workers.killed.add(victim)
        victims.append(victim)
        os.killpg(process.pid, signal.SIGKILL)

    emulator.call_hooks.append(kill_the_worker_telling)
    try:
        await person.press("✅ Xác nhận đặt hàng")
        code = await person.wait_for(lambda m: m.photo is not None and "DH" in m.text, WAIT)
    finally:
        emulator.call_hooks.remove(kill_the_worker_telling)
    assert victims, person.transcript()
    [order] = await orders_of(workers, person.id)
    number = f"DH{order['id']:05d}"
    assert number in code.text
    # The message the dead worker sent is sent again (it had not recorded it); the code once.
    told = [m for m in person.bot_messages() if "Đơn hàng đã được đặt" in m.text]
    assert told, person.transcript()
    assert all(number in m.text for m in told)
    assert await emulator.wait_until(lambda: not emulator.bot.updates or None, WAIT)
    assert sum(m.photo is not None and number in m.text for m in person.bot_messages()) == 1
    await workers.processes[victims[0]].start()


async def test_worker_killed_while_sending_alerts_loses_none_of_thirty(
    emulator: Emulator, workers: Workers, admin: Person
) -> None:
    staff = emulator.person("Bé", language_code="vi")
    group = emulator.group("Tinh bột nghệ Bà Bé")
    await link_group_through_the_bot(
        emulator, admin, group, staff, "Ba Be Turmeric Starch Workshop"
    )
    await set_stock(admin, OIL[0], 1000)
    assert await stock_of(workers, OIL[0]) == 1000
    people = [emulator.person(f"Mua {n}", language_code="vi") for n in range(30)]

    async def buy(person: Person) -> None:
        await add_oil(person, "vi")
        await to_review(person, "vi")
        await person.press("✅ Xác nhận đặt hàng")
        await person.wait_for(lambda m: "Đơn hàng đã được đặt" in m.text, timeout=WAIT * 2)

    sender = await workers.sender()
    batch = 6
    for start in range(0, len(people), batch):
        if start == 12:
            # Mid-way, the worker that sends the alerts dies, without a chance to clean up.
            workers.killed.add(sender)
            await workers.processes[sender].stop(signal.SIGKILL)
        await asyncio.gather(*(buy(p) for p in people[start : start + batch]))

    ids = [p.id for p in people]
    numbers = [
        f"DH{row['id']:05d}"
        for row in await workers.query(
            "SELECT id FROM orders WHERE user_id = ANY($1::bigint[])", ids
        )
    ]
    assert len(numbers) == 30

    def every_alert_arrived() -> bool | None:
        text = "\n".join(m.text for m in group.bot_messages)
        return all(number in text for number in numbers) or None

    assert await emulator.wait_until(every_alert_arrived, timeout=60), group.transcript()
    assert await workers.sender() != sender


async def test_worker_refuses_an_update_with_a_wrong_secret(
    emulator: Emulator, workers: Workers
) -> None:
    alive = next(i for i in range(WORKERS) if i not in workers.killed)
    sku = "BABE-NGHE-500"
    before = await stock_of(workers, sku)
    update = {
        "update_id": 10**9,
        "message": {
            "message_id": 1,
            "date": 1767225600,
            "chat": {"id": ADMIN_ID, "type": "private", "first_name": "Quản trị"},
            "from": {"id": ADMIN_ID, "is_bot": False, "first_name": "Quản trị"},
            "text": f"/stock {sku} 0",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    events = len(emulator.events)
    url = workers.urls[alive] + "/telegram/webhook"
    async with aiohttp.ClientSession() as session:
        for headers in ({"X-Telegram-Bot-Api-Secret-Token": "wrong"}, {}):
            async with session.post(url, json=update, headers=headers) as response:
                assert response.status in (401, 403)
        async with session.get(workers.urls[alive] + "/health") as response:
            assert response.status == 200
    await asyncio.sleep(0.5)  # were it handled, its reply would be on its way by now
    assert await stock_of(workers, sku) == before
    assert not [e for e in emulator.events[events:] if e.kind == "bot_message"]
