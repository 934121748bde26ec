"""Large photos and product cards: a phone's photo imported from the command line is fitted
and shown; a picture Telegram still refuses (copied into the media folder by hand) leaves
its card as text, with one warning, and the customer shops on."""

from __future__ import annotations

import io
import os
import shutil
import subprocess

import pytest
from PIL import Image
from support.botprocess import OCOP_BOT, TOKEN, BotProcess, Shop
from support.catalog_rows import catalog_row
from support.journeys import start

from catalog.money import format_vnd
from catalog.spreadsheet import write_catalog
from emulators.telegram import Emulator

pytestmark = pytest.mark.asyncio(loop_scope="module")

# The one refusal this module causes on purpose: the photo copied in by hand.
TOLERATED_ERRORS = ("PHOTO_INVALID_DIMENSIONS",)
WARNING = "Telegram refused the photo"
OIL = ("BABE-SA-10", "Lemongrass essential oil", 75_000)


def phone_photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8000, 6000), "goldenrod").save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


@pytest.fixture(scope="module", autouse=True)
def photos_before_the_bot_starts(shop: Shop) -> None:
    """A manager imports a product with a photo straight from a phone (8000 × 6000); someone
    copies such a photo over the lemongrass oil's picture by hand. In a media folder of this
    module's own: the other modules' shops share the demo's."""
    config = shop.config.read_text(encoding="utf-8")
    shared = config.split('media_dir = "')[1].split('"')[0]
    media = shop.root / "media"
    shutil.copytree(shared, media)
    shop.config.write_text(config.replace(shared, str(media)), encoding="utf-8")
    sheet = shop.root / "sheet"
    sheet.mkdir()
    (sheet / "IMG_0001.jpg").write_bytes(phone_photo())
    row = catalog_row(
        2,
        sku="BABE-PHONE",
        name_en="Turmeric starch, phone photo",
        name_vi="Tinh bột nghệ, ảnh điện thoại",
        photo="IMG_0001.jpg",
    )
    (sheet / "catalog.csv").write_bytes(write_catalog([row], "catalog.csv"))
    env = {**os.environ, "BOT_TOKEN": TOKEN, "DATABASE_URL": shop.database_url}
    done = subprocess.run(
        [str(OCOP_BOT), "--config", str(shop.config), "catalog", "import", "catalog.csv"],
        cwd=sheet, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert (media / "products" / "BABE-PHONE.jpg").is_file()
    (media / "products" / f"{OIL[0]}.jpg").write_bytes(phone_photo())


async def test_a_phone_photo_imported_from_the_command_line_shows_on_its_card(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    hoa = emulator.person("Hoa", language_code="en")
    await start(hoa)
    await hoa.send("phone photo")
    await hoa.next_message()
    await hoa.press(f"Turmeric starch, phone photo · {format_vnd(280_000, 'en')}")
    card = await hoa.next_message()
    assert card.photo is not None, hoa.transcript()
    with Image.open(io.BytesIO(card.photo)) as shown:
        assert shown.size == (2560, 1920)
    assert "Turmeric starch, phone photo" in card.text


async def test_a_card_whose_photo_telegram_refuses_comes_as_text_and_still_sells(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    lan = emulator.person("Lan", language_code="en")
    await start(lan)
    label = f"{OIL[1]} · {format_vnd(OIL[2], 'en')}"
    for _ in range(2):
        await lan.send("lemongrass")
        await lan.next_message()
        await lan.press(label)
        # First as a new message for the photo that was to be; then in place of the list.
        card = await lan.wait_for(lambda m: "In stock" in m.text)
        assert card.photo is None
        assert OIL[1] in card.text
        assert "In stock" in card.text
    await lan.press("🛒 Add 1 to cart")
    answer = await lan.wait_callback_answer()
    assert "You have 1 of this product" in (answer.text or "")
    # Offered to Telegram once; the second card knew better.
    assert bot_process.log_text().count(WARNING) == 1
    assert len([e for e in emulator.api_errors() if e.method == "sendPhoto"]) == 1
