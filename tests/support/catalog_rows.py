"""Rows of a catalog spreadsheet as the importer reads them, for the spreadsheet tests."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date

from PIL import Image

from catalog.spreadsheet import CatalogRow

# The cells of a valid row, as a person writes them in the spreadsheet.
GOOD: Mapping[str, str] = {
    "sku": "BABE-NGHE-500",
    "producer_code": "BABE",
    "producer_name_vi": "Cơ sở sản xuất tinh bột nghệ Bà Bé",
    "producer_name_en": "Ba Be Turmeric Starch Workshop",
    "category_vi": "Thực phẩm",
    "category_en": "Food",
    "name_vi": "Tinh bột nghệ",
    "name_en": "Turmeric starch",
    "description_vi": "Nghệ vàng Dương Xá",
    "description_en": "Yellow turmeric from Duong Xa",
    "unit_vi": "hũ 500 g",
    "unit_en": "500 g jar",
    "price_vnd": "280000",
    "stock": "40",
    "stock_at_export": "",
    "ocop_stars": "4",
    "ocop_granted": "2019-05-20",
    "active": "true",
    "photo": "",
    # The producer's bank: empty leaves it as it is.
    "bank_bin": "",
    "bank_account": "",
    "bank_holder": "",
}


def catalog_row(line: int = 2, **overrides: object) -> CatalogRow:
    """A valid row of Bà Bé's turmeric starch at ``line``; a SKU unique to its line unless
    overridden."""
    texts = ("producer_code", "producer_name_vi", "producer_name_en", "category_vi")
    texts += ("category_en", "name_vi", "name_en", "unit_vi", "unit_en")
    fields: dict[str, object] = {
        "line": line,
        "sku": f"SKU-{line}",
        **{column: GOOD[column] for column in texts},
        "description_vi": "",
        "description_en": "",
        "price": 280_000,
        "stock": 40,
        "ocop_stars": 4,
        "ocop_granted": date(2019, 5, 20),
        "active": True,
        "photo": None,
    }
    fields.update(overrides)
    return CatalogRow(**fields)  # type: ignore[arg-type]


def tiny_png() -> bytes:
    """A picture of 4 × 3 pixels, as a PNG file."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "olive").save(buffer, format="PNG")
    return buffer.getvalue()
