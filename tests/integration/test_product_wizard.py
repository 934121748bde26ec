"""The product wizard's photo: saved with the product, and never for a product not added.

The bot runs in this process against the Bot API emulator, as in production; the emulator's
people cannot send photos, so the admin's photo message is handed to the dispatcher here.
"""

from __future__ import annotations

import asyncio
import io
import logging
import sqlite3
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import BufferedInputFile, Chat, Message, Update, User
from PIL import Image

from bot.config import Config, DatabaseSettings, SendingSettings, ShopSettings, TelegramSettings
from bot.presses import ShopDispatcher
from bot.runner import serving
from catalog import migrate, rules
from catalog.db import create_engine, create_session_factory
from catalog.demo.seed import seed_demo_catalog
from catalog.services import inventory
from catalog.uow import UnitOfWork
from emulators.telegram import ChatMessage, Emulator, FloodLimits, Person
from handlers.states import AddProduct

TOKEN = "4244:TEST-product-wizard"


@dataclass
class Shop:
    emulator: Emulator
    bot: Bot
    dispatcher: ShopDispatcher
    admin: Person
    database: Path
    media: Path

    def files(self) -> set[Path]:
        return {path for path in self.media.rglob("*") if path.is_file()}

    async def send_photo(self) -> None:
        """The admin sends a photo (one the bot has uploaded, so Telegram has it)."""
        picture = io.BytesIO()
        Image.new("RGB", (64, 48), "teal").save(picture, format="JPEG")
        sent = await self.bot.send_photo(
            self.admin.id, BufferedInputFile(picture.getvalue(), filename="binh.jpg")
        )
        assert sent.photo
        self.admin.mark_action(self.emulator.chat(self.admin.id))
        user = User(id=self.admin.id, is_bot=False, first_name="Admin", language_code="en")
        message = Message(
            message_id=sent.message_id + 1,
            date=int(time.time()),
            chat=Chat(id=self.admin.id, type="private"),
            from_user=user,
            photo=sent.photo,
        )
        await self.dispatcher.feed_update(self.bot, Update(update_id=1, message=message))


@pytest.fixture
async def shop(tmp_path: Path) -> AsyncIterator[Shop]:
    database, media = tmp_path / "shop.db", tmp_path / "media"
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    await migrate.upgrade(engine)
    await seed_demo_catalog(UnitOfWork(create_session_factory(engine)), media)
    await engine.dispose()
    emulator = Emulator(flood=FloodLimits.off())
    emulator.add_bot(TOKEN)
    await emulator.start()
    admin = emulator.person("Admin", language_code="en")
    config = Config(
        telegram=TelegramSettings(
            token=TOKEN, api_base=emulator.base_url, admin_ids=(admin.id,), polling_timeout=1
        ),
        database=DatabaseSettings(url=f"sqlite+aiosqlite:///{database}"),
        shop=ShopSettings(media_dir=media),
        sending=SendingSettings(
            group_messages_per_minute=100_000,
            chat_messages_per_second=1000,
            chat_burst=1000,
            messages_per_second=100_000,
        ),
    )
    try:
        async with serving(config) as (bot, dispatcher):
            polling = asyncio.create_task(
                dispatcher.start_polling(bot, polling_timeout=1, handle_signals=False)
            )
            try:
                yield Shop(emulator, bot, dispatcher, admin, database, media)
            finally:
                await dispatcher.stop_polling()
                await polling
                await bot.session.close()
    finally:
        await emulator.stop()


async def start_wizard_with_photo(shop: Shop) -> None:
    await shop.admin.send("/start")
    await shop.admin.next_message()
    await shop.admin.send("/product")
    assert (await shop.admin.next_message()).text.startswith("📷 Send a photo")
    await shop.send_photo()
    assert (await shop.admin.next_message()).text == "The product's name in Vietnamese?"


async def answer_every_step(shop: Shop) -> ChatMessage:
    """Answer the wizard's questions after the photo, up to its summary."""
    for answer in ("Bình gốm men lam", "Blue glaze vase", "450000", "chiếc", "piece", "7"):
        await shop.admin.send(answer)
        await shop.admin.next_message()
    await shop.admin.send(" 5 ")  # typed rather than pressed
    await shop.admin.wait_for(lambda m: "certificate granted" in m.text)
    await shop.admin.send("2024")
    await shop.admin.wait_for(lambda m: "Which category" in m.text)
    await shop.admin.press("Handicrafts")
    await shop.admin.wait_for(lambda m: "Which producer" in m.text)
    await shop.admin.press("Quang Vinh Ceramics")
    return await shop.admin.wait_for(lambda m: "New product" in m.text)


async def test_a_cancelled_wizard_leaves_no_photo_behind(shop: Shop) -> None:
    before = shop.files()
    await start_wizard_with_photo(shop)
    await shop.admin.send("Bình gốm men lam")
    await shop.admin.next_message()
    await shop.admin.press("✖️ Stop adding")
    assert (await shop.admin.next_message()).text == "Nothing was added."
    assert shop.files() == before


async def test_the_photo_is_saved_when_the_product_is_added(shop: Shop) -> None:
    before = shop.files()
    await start_wizard_with_photo(shop)
    summary = await answer_every_step(shop)
    assert "📷 Photo: yes" in summary.text
    assert shop.files() == before
    await shop.admin.press("✅ Add it")
    done = await shop.admin.wait_for(lambda m: m.text.startswith("✅ Added"))
    sku = done.text.split("SKU ")[1].split(".")[0]
    [saved] = shop.files() - before
    with sqlite3.connect(shop.database) as db:
        [(photo,)] = db.execute("SELECT photo FROM products WHERE sku = ?", (sku,)).fetchall()
    assert saved == shop.media / photo
    assert saved.read_bytes()[:2] == b"\xff\xd8"  # a JPEG


class FailureLogged(logging.Handler):
    """Set once the bot logs a failed update: its handler has finished by then."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.event = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.event.set()


async def test_a_photo_downloaded_for_a_product_that_failed_is_removed(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("the database went away")

    before = shop.files()
    await start_wizard_with_photo(shop)
    await answer_every_step(shop)
    monkeypatch.setattr(inventory, "create_product", broken)
    failure = FailureLogged()
    logging.getLogger().addHandler(failure)
    try:
        await shop.admin.press("✅ Add it")
        async with asyncio.timeout(5):
            await failure.event.wait()
    finally:
        logging.getLogger().removeHandler(failure)
    assert shop.files() == before


async def test_a_search_still_turns_its_pages_after_the_wizard(shop: Shop) -> None:
    # The wizard keeps its answers apart: starting or leaving it does not wipe the search.
    await shop.admin.send("/start")
    await shop.admin.next_message()
    await shop.admin.send("bat trang")
    results = await shop.admin.next_message()
    assert results.text.startswith("🔎 Results for “bat trang”: 11")
    await shop.admin.send("/product")
    await shop.admin.next_message()
    await shop.admin.press("⏭ No photo")
    await shop.admin.next_message()
    await shop.admin.send("Bình gốm men lam")
    await shop.admin.next_message()
    await shop.admin.press("✖️ Stop adding")
    assert (await shop.admin.next_message()).text == "Nothing was added."

    await shop.admin.press("▶️")
    again = await shop.admin.wait_for(
        lambda m: m.message_id == results.message_id and ["◀️", "Page 2/2"] in shop.admin.buttons(m)
    )
    assert again.text.startswith("🔎 Results for “bat trang”: 11")


async def test_a_wizard_begun_before_it_asked_for_the_rating_asks_for_it_before_the_summary(
    shop: Shop,
) -> None:
    await shop.admin.send("/start")
    await shop.admin.next_message()
    # The answers of a wizard at the category step, as they were kept before the rating was.
    key = StorageKey(bot_id=shop.bot.id, chat_id=shop.admin.id, user_id=shop.admin.id)
    old = {"name_vi": "Bình gốm", "name_en": "Vase", "price": 450_000, "unit_vi": "chiếc"}
    old |= {"unit_en": "piece", "stock": 7, "photo": None}
    await shop.dispatcher.storage.set_state(key, AddProduct.category)
    await shop.dispatcher.storage.set_data(key, {"wizard": old})

    await shop.admin.send("?")
    await shop.admin.wait_for(lambda m: "Which category" in m.text)
    await shop.admin.press("Handicrafts")
    await shop.admin.wait_for(lambda m: "How many OCOP stars" in m.text)
    # One that had reached its summary: a word typed there asks for the rating too.
    await shop.dispatcher.storage.set_state(key, AddProduct.confirm)
    await shop.admin.send("?")
    await shop.admin.wait_for(lambda m: "How many OCOP stars" in m.text)
    await shop.admin.press("⭐⭐⭐ 3")
    await shop.admin.wait_for(lambda m: "certificate granted" in m.text)
    year = rules.shop_now().year
    await shop.admin.send(f"1/6/{year}")
    await shop.admin.wait_for(lambda m: "Which producer" in m.text)
    await shop.admin.press("Quang Vinh Ceramics")
    summary = await shop.admin.wait_for(lambda m: "New product" in m.text)
    assert f"⭐⭐⭐ OCOP 3 stars, {year}, valid until 01/06/{year + 3}" in summary.text
    await shop.admin.press("✅ Add it")
    done = await shop.admin.wait_for(lambda m: m.text.startswith("✅ Added"))
    sku = done.text.split("SKU ")[1].split(".")[0]
    with sqlite3.connect(shop.database) as db:
        rating = db.execute(
            "SELECT ocop_stars, ocop_granted FROM products WHERE sku = ?", (sku,)
        ).fetchall()
    assert rating == [(3, f"{year}-06-01")]
