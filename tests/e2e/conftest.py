"""The real bot, started as ``ocop-bot run``, against the project's Bot API emulator."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from support.botprocess import ADMIN_ID, TOKEN, BotProcess, Shop
from support.journeys import StaffedGroup, staffed_groups

from catalog import migrate
from catalog.db import create_engine, create_session_factory
from catalog.demo.seed import seed_demo_catalog
from catalog.uow import UnitOfWork
from emulators.telegram import Emulator, FloodLimits, Person

UNPACED = """
[sending]
group_messages_per_minute = 100000
chat_messages_per_second = 1000
chat_burst = 1000
messages_per_second = 100000
"""


async def _build_demo(database: Path, media: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        await migrate.upgrade(engine)
        await seed_demo_catalog(UnitOfWork(create_session_factory(engine)), media)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A migrated database with the demo catalog, built once and copied for each test."""
    root = tmp_path_factory.mktemp("demo")
    database, media = root / "shop.db", root / "media"
    asyncio.run(_build_demo(database, media))
    return database, media


@pytest.fixture(scope="module")
def shop(
    tmp_path_factory: pytest.TempPathFactory,
    demo_template: tuple[Path, Path],
    request: pytest.FixtureRequest,
) -> Shop:
    """One shop per test module: the bot process takes seconds to start (aiogram's imports),
    so the tests of a module share it, each with people of its own."""
    tmp_path = tmp_path_factory.mktemp("shop")
    database, media = demo_template
    shutil.copy(database, tmp_path / "shop.db")
    config = tmp_path / "bot.toml"
    # A test module may add settings (BOT_TOML) and turn flood limits on (FLOOD). The bot
    # paces itself to the limits of the server it talks to: with the emulator's flood
    # limits off, it is told the limits are wide, as the journeys click without pauses.
    extra = getattr(request.module, "BOT_TOML", "")
    if not getattr(request.module, "FLOOD", FloodLimits.off()).enabled:
        extra = UNPACED + extra
    config.write_text(
        f'[shop]\nmedia_dir = "{media}"\n[telegram]\npolling_timeout = 5\n{extra}',
        encoding="utf-8",
    )
    tolerated = getattr(request.module, "TOLERATED_ERRORS", ())
    return Shop(tmp_path, config, tmp_path / "shop.db", tmp_path / "bot.log", tolerated)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def emulator(request: pytest.FixtureRequest) -> AsyncIterator[Emulator]:
    emu = Emulator(flood=getattr(request.module, "FLOOD", FloodLimits.off()))
    emu.add_bot(TOKEN)
    await emu.start()
    yield emu
    await emu.stop()


@pytest.fixture(scope="module")
def admin(emulator: Emulator, bot_process: BotProcess) -> Person:
    """The shop admin (ADMIN_IDS), who has started a chat with the bot."""
    assert bot_process.admin is not None
    return bot_process.admin


@pytest.fixture
def staffed_group(emulator: Emulator, admin: Person) -> StaffedGroup:
    """Links a producer's group through the bot, as its staff member and the admin do."""
    return staffed_groups(emulator, admin)


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    """More environment for the bot process; a module overrides it (a Zalo token, say)."""
    return {}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot_process(
    emulator: Emulator, shop: Shop, bot_env: dict[str, str]
) -> AsyncIterator[BotProcess]:
    process = BotProcess(emulator, shop, bot_env)
    # The shop's admin has talked to the bot, so notices for admins can reach them (and their
    # chat is known when the bot sets its command menu at startup).
    process.admin = emulator.person("Quản trị", language_code="en", user_id=ADMIN_ID)
    await process.start()
    await process.admin.send("/start")
    await process.admin.next_message()
    yield process
    await process.stop()
    log = process.log_text()
    assert "Traceback" not in log, log
    # A module with flood limits on may meet a rare 429, which the bot honours (TOLERATED).
    shop = process.shop
    errors = emulator.api_errors()
    refused = [e.describe() for e in errors if not shop.tolerates(e.error_code, e.description)]
    assert not refused, log
