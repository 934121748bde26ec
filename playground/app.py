"""The offline playground: the emulator, the real bot and a web page, in one process."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import signal
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Config, ConfigError
from bot.i18n import build_i18n
from catalog import migrate
from catalog.db import create_engine, create_session_factory, dispose
from catalog.demo.data import PRODUCERS
from catalog.demo.seed import seed_demo_catalog
from catalog.services.producers import link_group
from catalog.services.zalo_staff import link_zalo_staff
from catalog.uow import UnitOfWork
from emulators.telegram import Emulator, Group, Person
from emulators.zalo import ZaloEmulator, ZaloPerson
from playground.messenger import MessengerSide
from playground.payments import PlaygroundPayments
from playground.running import BACKGROUND_TASKS, BackgroundTask, RunningBot

log = logging.getLogger(__name__)

TOKEN = "7000000001:offline-playground"
ADMIN_ID = 900001
STAFF_ID = 800001
PRODUCER_CODE = "QUANGVINH"
ZALO_TOKEN = "7300000001:offline-playground-zalo"
ZALO_STAFF_ID = "7300000042"
ZALO_STAFF_NAME = "Mai Nguyễn"
Language = Literal["vi", "en"]
Role = Literal["customer", "group", "admin"]
ROLES: tuple[Role, ...] = ("customer", "group", "admin")

# Customers the "new customer" button brings in turn, per Telegram app language.
CUSTOMERS: dict[str, tuple[tuple[str, str], ...]] = {
    "vi": (("Lan", "Nguyễn"), ("Minh", "Trần"), ("Hoa", "Lê"), ("Tuấn", "Phạm")),
    "en": (("Emma", "Wilson"), ("Liam", "Brown"), ("Olivia", "Taylor"), ("Noah", "Clark")),
}


class PortInUse(ConfigError):
    """Another program (another playground?) listens on the port: a setting to change."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(
            "--port",
            f"port {port} on {host} is in use (another playground?); choose another, "
            f"e.g. ocop-bot playground --port {port + 1}",
        )
        self.host = host
        self.port = port


def _producer_title(code: str) -> str:
    return next(p.name_vi for p in PRODUCERS if p.code == code)


def _delete_every_row(connection: Connection) -> None:
    metadata = MetaData()
    metadata.reflect(connection)
    for table in reversed(metadata.sorted_tables):  # children before their parents
        if table.name == "person_numbers":
            # Its one row, put there by the migration, numbers people on Messenger.
            connection.execute(table.update().values(last=0))
        elif table.name != "alembic_version":
            connection.execute(table.delete())


async def prepare_database(engine: AsyncEngine, config: Config, *, fresh: bool = False) -> None:
    """Migrate to the newest schema and load the demo catalog when there are no products;
    ``fresh`` first deletes every row (orders, carts, people, catalog), keeping the schema."""
    await migrate.upgrade(engine)
    if fresh:
        async with engine.begin() as connection:
            await connection.run_sync(_delete_every_row)
    uow = UnitOfWork(create_session_factory(engine))
    await seed_demo_catalog(uow, config.shop.media_dir, only_if_empty=True)


class Playground:
    """Start, reset and stop the whole offline shop; the web page drives it through ``web``."""

    def __init__(
        self, config: Config, *, background: Sequence[BackgroundTask] = BACKGROUND_TASKS
    ) -> None:
        self.base_config = config
        self.background = tuple(background)
        self.emulator = Emulator()
        self.emulator.add_bot(TOKEN, username="ocop_shop_bot", first_name="OCOP Shop")
        # Zalo beside Telegram on the same port, under /zalo: the producer's staff member.
        self.zalo = ZaloEmulator()
        self.zalo.add_bot(ZALO_TOKEN, name="OCOP Shop")
        self.zalo.add_routes(self.emulator.app, prefix="/zalo")
        self.zalo.on_change = self.emulator.notify_changed
        self.zalo_staff: ZaloPerson | None = None
        # A customer on the shop's Facebook Page: Graph under /graph, the Page's webhook.
        self.messenger = MessengerSide(self.emulator.app, self.emulator.notify_changed)
        # The bank and SePay, on the same port: "pay this order" makes the bank notify.
        self.payments = PlaygroundPayments()
        self.i18n = build_i18n(config.shop.default_language)
        self.config = config  # replaced in start(): token, emulator URL, admin
        self.engine: AsyncEngine | None = None
        self.session_factory: async_sessionmaker[AsyncSession] | None = None
        self.people: dict[Role, Person] = {}
        self.group: Group | None = None
        self.customer_language: Language = "vi"
        self.generation = 0  # bumped when the set of chats changes: pages reload their state
        self.ready = False
        self.stopping = False
        self.lock = asyncio.Lock()  # one reset / new customer / page action at a time
        self._customer_number = 0
        self.running = RunningBot(self.background)  # the bot, polling the emulator

    # ------------------------------------------------------------------ lifecycle

    async def start(self, host: str = "127.0.0.1", port: int = 8080) -> str:
        """Serve the page and the Bot API on host:port, prepare the shop, start the bot."""
        from playground.web import add_routes  # noqa: PLC0415 - web imports this module

        add_routes(self.emulator.app, self)
        self.payments.add_routes(self.emulator.app, lambda: self.running.receiver)
        try:
            url = await self.emulator.start(host, port)
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise PortInUse(host, port) from None
            raise
        try:
            telegram = self.base_config.telegram.model_copy(
                update={
                    "token": TOKEN,
                    "api_base": url,
                    "admin_ids": (*self.base_config.telegram.admin_ids, ADMIN_ID),
                    "polling_timeout": min(self.base_config.telegram.polling_timeout, 10),
                }
            )
            zalo = self.base_config.zalo.model_copy(
                update={
                    "token": ZALO_TOKEN,
                    "api_base": f"{url}/zalo",
                    "polling_timeout": min(self.base_config.zalo.polling_timeout, 10),
                }
            )
            messenger = self.messenger.settings(self.base_config.messenger, url)
            self.payments.serve_at(url)
            self.config = self.base_config.model_copy(
                update={
                    "telegram": telegram,
                    "zalo": zalo,
                    "messenger": messenger,
                    "payments": self.payments.settings(self.base_config),
                }
            )
            await self.messenger.start()
            self.engine = create_engine(
                self.config.database.url,
                busy_timeout_ms=self.config.database.sqlite_busy_timeout_ms,
                echo=self.config.database.echo,
            )
            self.session_factory = create_session_factory(self.engine)
            await prepare_database(self.engine, self.config)
            await self._create_chats()
            await self._start_bot()
        except BaseException:
            await self.stop()
            raise
        self.ready = True
        self.generation += 1
        self.emulator.notify_changed()
        return url

    async def stop(self) -> None:
        self.stopping = True
        self.ready = False
        await self._stop_bot()
        await self.messenger.stop()
        await self.payments.emulator.queue.close()
        await self.emulator.stop()
        if self.engine is not None:
            await dispose(self.engine)
            self.engine = None

    async def reset(self) -> None:
        """Restore the demo database and start over with empty chats."""
        assert self.engine is not None
        self.ready = False
        self.generation += 1
        self.emulator.notify_changed()
        await self._stop_bot()
        self.emulator.reset()
        self.zalo.reset()
        self.messenger.reset()
        try:
            await prepare_database(self.engine, self.config, fresh=True)
        finally:
            # Whatever happened to the database, the page gets working chats back.
            await self._create_chats()
            await self._start_bot()
            self.ready = True
        self.generation += 1
        self.emulator.notify_changed()

    def new_customer(self, language: Language) -> Person:
        """A customer who has never talked to the bot, with this Telegram app language."""
        names = CUSTOMERS[language]
        first, last = names[self._customer_number % len(names)]
        self._customer_number += 1
        person = self.emulator.person(
            first,
            last_name=last,
            language_code=language,
            phone=f"+8491234{5600 + self._customer_number:04d}",
        )
        self.people["customer"] = person
        self.customer_language = language
        self.generation += 1
        self.emulator.notify_changed()
        return person

    # ------------------------------------------------------------------ parts

    async def _create_chats(self) -> None:
        assert self.session_factory is not None
        self.new_customer(self.customer_language)
        self.people["admin"] = self.emulator.person(
            "Hà", last_name="Quản trị", language_code="vi", user_id=ADMIN_ID
        )
        staff = self.emulator.person(
            "Vinh", last_name="Nguyễn", language_code="vi", user_id=STAFF_ID
        )
        self.people["group"] = staff
        self.group = self.emulator.group(_producer_title(PRODUCER_CODE))
        await link_group(
            UnitOfWork(self.session_factory),
            producer_code=PRODUCER_CODE,
            chat_id=self.group.id,
            language="vi",
        )
        await self.group.add_bot(by=staff)
        # The same producer's staff member on Zalo, who has said hello to the shop's Zalo bot
        # (Zalo lets a bot write only to people who wrote to it first).
        self.zalo_staff = self.zalo.person(ZALO_STAFF_NAME, user_id=ZALO_STAFF_ID)
        await link_zalo_staff(
            UnitOfWork(self.session_factory),
            producer_code=PRODUCER_CODE,
            zalo_id=ZALO_STAFF_ID,
            display_name=ZALO_STAFF_NAME,
        )
        await self.zalo_staff.send("Xin chào")
        await self.messenger.prepare(UnitOfWork(self.session_factory), ADMIN_ID)

    async def _start_bot(self) -> None:
        assert self.session_factory is not None
        await self.running.start(self.config, self.session_factory, self.i18n)
        await self.messenger.connect(self.running.messenger_webhook)

    async def _stop_bot(self) -> None:
        self.messenger.disconnect()
        await self.running.stop()

    # ------------------------------------------------------------------ for the page

    def chat_of(self, role: Role) -> Any:
        """The emulator chat a pane shows."""
        if role == "group":
            assert self.group is not None
            return self.group.chat
        return self.people[role].chat


async def run_playground(
    config: Config,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    background: Sequence[BackgroundTask] = BACKGROUND_TASKS,
) -> None:
    """Run the playground until Ctrl-C or SIGTERM; raises PortInUse when the port is taken."""
    playground = Playground(config, background=background)
    url = await playground.start(host, port)
    print(
        f"Playground: {url}/ — the shop with a customer on Telegram and one on Messenger, a "
        "producer group, an admin and the producer's staff on Zalo; Ctrl-C stops it.",
        flush=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError):
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await stop.wait()
    finally:
        with contextlib.suppress(NotImplementedError):
            loop.remove_signal_handler(signal.SIGTERM)
        await playground.stop()
