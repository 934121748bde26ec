"""Photos are fitted to Telegram's limits when an import stores them (catalog.photos)."""

import io
import os
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select
from support.catalog_rows import catalog_row

from catalog import rules
from catalog.models import Product
from catalog.services.catalog_io import import_catalog
from catalog.spreadsheet import ImportProblem, RowError, SpreadsheetRejected
from catalog.uow import UnitOfWork

ORIENTATION = 0x0112  # EXIF: how the camera was held; 6 = turned a quarter to the right


def phone_photo(width: int, height: int, *, turned: bool = False) -> bytes:
    """A camera's JPEG: its pixels as the sensor read them, its orientation in EXIF."""
    image = Image.new("RGB", (width, height), "sienna")
    image.paste("white", (0, 0, width // 4, height // 4))  # a mark in the sensor's corner
    exif = Image.Exif()
    if turned:
        exif[ORIENTATION] = 6
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def heavy_png() -> bytes:
    """Noise does not compress: a PNG over 10 MB of a modest size."""
    image = Image.frombytes("RGB", (2100, 1800), os.urandom(2100 * 1800 * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    data = buffer.getvalue()
    assert len(data) > rules.MAX_PHOTO_BYTES
    return data


def strip_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4200, 150), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


def within_telegrams_limits(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        width, height = image.size
        assert image.format == "JPEG"
    assert path.stat().st_size <= rules.MAX_PHOTO_BYTES
    assert width + height <= rules.MAX_PHOTO_SIDES
    assert max(width, height) <= rules.MAX_PHOTO_RATIO * min(width, height)
    assert max(width, height) <= rules.FITTED_PHOTO_SIDE
    return width, height


async def photo_of(uow: UnitOfWork, sku: str) -> str | None:
    async with uow.reading():
        return await uow.session.scalar(select(Product.photo).where(Product.sku == sku))


async def test_an_imported_phone_photo_is_stored_fitted_and_upright(
    shop: UnitOfWork, tmp_path: Path
) -> None:
    source, media = tmp_path / "sheet", tmp_path / "media"
    source.mkdir()
    (source / "IMG_2041.JPG").write_bytes(phone_photo(8000, 6000, turned=True))
    (source / "scan.png").write_bytes(heavy_png())
    (source / "banner.png").write_bytes(strip_png())
    (source / "small.jpg").write_bytes(small := phone_photo(800, 600))
    rows = [
        catalog_row(2, sku="BABE-BIG", photo="IMG_2041.JPG"),
        catalog_row(3, sku="BABE-HEAVY", photo="scan.png"),
        catalog_row(4, sku="BABE-STRIP", photo="banner.png"),
        catalog_row(5, sku="BABE-SMALL", photo="small.jpg"),
    ]

    report = await import_catalog(shop, rows, actor_id=None, media_dir=media, source_dir=source)
    assert report.created == 4

    stored = {sku: await photo_of(shop, sku) for sku in ("BABE-BIG", "BABE-HEAVY", "BABE-STRIP")}
    assert stored == {sku: f"products/{sku}.jpg" for sku in stored}
    # Held upright: the 8000 × 6000 sensor image was a portrait.
    assert within_telegrams_limits(media / "products/BABE-BIG.jpg") == (1920, 2560)
    with Image.open(media / "products/BABE-BIG.jpg") as big:
        corner = big.getpixel((big.width - 10, 10))  # the sensor's corner, turned
    assert isinstance(corner, tuple)
    assert min(corner) > 200
    assert within_telegrams_limits(media / "products/BABE-HEAVY.jpg") == (2100, 1800)
    assert within_telegrams_limits(media / "products/BABE-STRIP.jpg") == (2560, 128)
    # A photo Telegram takes as it is stays as it is.
    assert await photo_of(shop, "BABE-SMALL") == "products/BABE-SMALL.jpg"
    assert (media / "products/BABE-SMALL.jpg").read_bytes() == small

    again = await import_catalog(shop, rows, actor_id=None, media_dir=media, source_dir=source)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


async def test_a_file_that_only_begins_like_a_photo_is_refused(
    shop: UnitOfWork, tmp_path: Path
) -> None:
    (tmp_path / "fake.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a picture at all")
    rows = [catalog_row(2, sku="BABE-FAKE", photo="fake.jpg")]
    with pytest.raises(SpreadsheetRejected) as rejected:
        await import_catalog(
            shop, rows, actor_id=None, media_dir=tmp_path / "media", source_dir=tmp_path
        )
    assert rejected.value.errors == [
        RowError(2, "photo", ImportProblem.photo_not_image, "fake.jpg")
    ]
